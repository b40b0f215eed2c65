import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from kopdes.accounts.access import visible_cooperatives
from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.models import AuditEvent
from kopdes.demo.savings_seed import FULL_YEAR
from kopdes.demo.seed import DEMO_PASSWORD, seed
from kopdes.ledger.models import JournalEntry, JournalLine
from kopdes.members.models import Member
from kopdes.members.rules import nik_check
from kopdes.members.selectors import known_regions
from kopdes.savings.models import Bill, SavingsAccount, SavingsTransaction
from kopdes.savings.selectors import reconciliation, subledger_mismatches

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        model.objects.count()
        for model in (
            Cooperative,
            User,
            AuditEvent,
            Member,
            JournalEntry,
            JournalLine,
            SavingsAccount,
            SavingsTransaction,
            Bill,
        )
    )


def test_demo_is_deterministic_idempotent_and_scoped(client):
    first = seed(limit=12)
    assert first.cooperatives_created == 12
    assert first.members_created == 12 * 40
    assert first.savings.cooperatives == 12 and first.savings.movements > FULL_YEAR * 200
    assert first.entries_posted == JournalEntry.objects.count()
    before = counts()
    again = seed(limit=12)
    assert again.cooperatives_created == again.members_created == again.entries_posted == 0
    assert again.savings.cooperatives == 0
    assert counts() == before

    # Every cooperative's members are valid and its savings reconcile with its books.
    known = known_regions()
    full_year = list(Cooperative.objects.order_by("village_id")[:FULL_YEAR])
    for coop in Cooperative.objects.order_by("village_id")[::4]:
        district = coop.village.district_id.replace(".", "")
        members = Member.objects.filter(cooperative=coop)
        assert members.count() == 40
        for m in members:
            assert m.nik.startswith(district) and m.domicile_id == coop.village_id
            assert nik_check(m.nik, sex=m.sex, birth_date=m.birth_date, known=known).ok
        for row in reconciliation(cooperative=coop):
            assert row.difference == 0, (coop, row)
            assert row.subledger > 0 or (coop not in full_year and row.kind != "pokok"), row
        assert subledger_mismatches(cooperative=coop) == []
        wajib = Bill.objects.filter(cooperative=coop, kind="wajib").exclude(status="cancelled")
        if coop in full_year:  # a year of simpanan through the services
            unpaid = wajib.exclude(status="paid").count() / wajib.count()
            assert 0.1 <= unpaid <= 0.6, (coop, unpaid)
        else:  # the founding meeting's simpanan pokok
            assert not wajib.exists()

    coop = Cooperative.objects.order_by("village_id").first()
    assert coop.name == "Koperasi Kelurahan Merah Putih Balaraja"
    board = Role.objects.filter(cooperative=coop).exclude(kind__in=["manajer", "kasir"])
    assert sorted(board.values_list("kind", flat=True)) == sorted(
        [
            "ketua",
            "sekretaris",
            "bendahara",
            "wakil_usaha",
            "wakil_anggota",
            "ketua_pengawas",
            "pengawas",
            "pengawas",
        ]
    )
    for role in board.select_related("user"):
        assert role.user.nik.startswith("360301"), role.user.nik  # the kecamatan of Balaraja
        assert role.user.phone.startswith("+628")

    dinas = User.objects.get(phone="+6281100000001")
    camat = User.objects.get(phone="+6281100000002")
    csr = User.objects.get(phone="+6281100000005")
    assert visible_cooperatives(dinas).count() == 12
    assert {c.village.district_id for c in visible_cooperatives(camat)} == {"36.03.01"}
    assert visible_cooperatives(csr).count() == 5
    assert dinas.check_password(DEMO_PASSWORD)

    response = client.post(
        "/api/v1/auth/login",
        {"phone": "081100000001", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_same_seed_same_people_and_savings():
    def people():
        return (
            list(
                User.objects.order_by("phone").values_list("phone", "full_name", "nik", "kk_number")
            ),
            list(
                Member.objects.order_by("phone", "nik").values_list(
                    "phone", "full_name", "nik", "number", "status", "joined_on"
                )
            ),
            sorted(
                SavingsTransaction.objects.values_list(
                    "cooperative__village_id",
                    "account__member__number",
                    "account__kind",
                    "kind",
                    "amount",
                    "balance_after",
                    "date",
                    "receipt_number",
                )
            ),
            sorted(
                JournalEntry.objects.values_list(
                    "cooperative__village_id", "number", "date", "memo", "total"
                )
            ),
        )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        seed(limit=2)
        first = people()
        raise Rollback
    assert not User.objects.exists()
    seed(limit=2)
    assert people() == first


def test_scale():
    result = seed(limit=2, scale=0.5)
    assert result.members_created == 2 * 20
    assert Member.objects.filter(status="active").count() == 2 * 18  # a request, a leaver
    assert seed(limit=3, scale=0).members_created == 0  # the third cooperative: books only
    third = Cooperative.objects.order_by("village_id")[2]
    assert JournalEntry.objects.filter(cooperative=third).exists()
    assert not SavingsTransaction.objects.filter(cooperative=third).exists()
    with pytest.raises(ValueError):
        seed(limit=1, scale=-1)


def test_command_seeds_without_serving(capsys):
    call_command("demo", "--no-serve", "--limit", "2", "--scale", "0.25")
    out = capsys.readouterr().out
    assert "Kopdes-Demo-2026" in out and "+6281100000001" in out
    assert Cooperative.objects.count() == 2
    assert Member.objects.count() == 2 * 10
    for what in ("cooperatives", "officers", "members", "journal entries", "Seeded in"):
        assert what in out, what
    with pytest.raises(CommandError):
        call_command("demo", "--no-serve", "--scale", "-1")


def test_books_are_signed_and_verifiable_after_the_demo(client):
    from datetime import timedelta

    from django.utils import timezone

    from kopdes.ledger.checkpoints import ledger_verify
    from kopdes.ledger.models import Checkpoint

    seed(limit=2)
    yesterday = timezone.localdate() - timedelta(days=1)
    checkpoints = list(Checkpoint.objects.order_by("cooperative_id"))
    assert [c.date for c in checkpoints] == [yesterday, yesterday]
    for checkpoint in checkpoints:
        entries = JournalEntry.objects.filter(cooperative_id=checkpoint.cooperative_id).count()
        assert checkpoint.tree_size == entries > 0
    for cooperative in Cooperative.objects.all():
        assert ledger_verify(cooperative=cooperative).ok
    # A member of the public sees the signed checkpoints; an officer gets an inclusion proof.
    assert client.get("/transparansi/").status_code == 200
    bendahara = Role.objects.filter(kind="bendahara").select_related("user").first().user
    client.force_login(bendahara)
    entry = JournalEntry.objects.filter(cooperative=bendahara.roles.first().cooperative).first()
    token = client.post(
        "/api/v1/auth/login",
        {"phone": bendahara.phone, "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    proof = client.get(
        f"/api/v1/ledger/entries/{entry.public_id}/proof", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert proof.status_code == 200, proof.content
