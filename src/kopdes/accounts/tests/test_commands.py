import pytest
from django.core.management import CommandError, call_command

from kopdes.accounts.access import visible_cooperatives
from kopdes.accounts.models import User

pytestmark = pytest.mark.django_db


def test_grant_list_revoke(capsys, coop_a, coop_b):
    call_command(
        "supervision",
        "grant",
        "--phone",
        "0813 9999 0001",
        "--name",
        "Bu Camat",
        "--agency",
        "dinas",
        "--organisation",
        "Kecamatan Balaraja",
        "--region",
        "36.03.01",
    )
    person = User.objects.get(phone="+6281399990001")
    assert list(visible_cooperatives(person)) == [coop_a]
    call_command("supervision", "list")
    out = capsys.readouterr().out
    assert "+62813****0001" in out and "+6281399990001" not in out
    call_command("supervision", "revoke", "--phone", "081399990001")
    assert not visible_cooperatives(person).exists()


def test_csr_grant_by_village_codes(coop_a, coop_b):
    call_command(
        "supervision",
        "grant",
        "--phone",
        "081399990002",
        "--agency",
        "csr",
        "--organisation",
        "PT X",
        "--cooperatives",
        coop_b.village_id,
    )
    assert list(visible_cooperatives(User.objects.get(phone="+6281399990002"))) == [coop_b]


def test_bad_grants_fail_cleanly():
    with pytest.raises(CommandError, match=r"supervision\.invalid_grant"):
        call_command(
            "supervision",
            "grant",
            "--phone",
            "081399990003",
            "--agency",
            "dinas",
            "--organisation",
            "D",
            "--region",
            "99.99",
        )
    with pytest.raises(CommandError):
        call_command(
            "supervision",
            "grant",
            "--phone",
            "081399990004",
            "--agency",
            "csr",
            "--organisation",
            "C",
            "--cooperatives",
            "36.03.99.9999",
        )
    assert not User.objects.filter(phone__in=["+6281399990003", "+6281399990004"]).exists()
