import pytest
from django.core.management import call_command
from django.db import transaction

from kopdes.accounts.access import visible_cooperatives
from kopdes.accounts.models import Role, User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.models import AuditEvent
from kopdes.demo.seed import DEMO_PASSWORD, seed

pytestmark = pytest.mark.django_db


def test_demo_is_deterministic_idempotent_and_scoped(client):
    first = seed(limit=12)
    assert first.cooperatives_created == 12
    counts = (Cooperative.objects.count(), User.objects.count(), AuditEvent.objects.count())
    again = seed(limit=12)
    assert again.cooperatives_created == 0
    assert (Cooperative.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts

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


def test_same_seed_same_people():
    def people():
        return list(
            User.objects.order_by("phone").values_list("phone", "full_name", "nik", "kk_number")
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


def test_command_seeds_without_serving(capsys):
    call_command("demo", "--no-serve", "--limit", "2")
    out = capsys.readouterr().out
    assert "Kopdes-Demo-2026" in out and "+6281100000001" in out
    assert Cooperative.objects.count() == 2
