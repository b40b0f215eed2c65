"""The transparency portal publishes the witnesses: their verifier keys on /transparansi/, and per
checkpoint who cosigned it and when, with the cosignature lines appended to the published note
(the API's proof answer too)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import override_settings
from django.urls import reverse

from kopdes.accounts.tokens import token_issue
from kopdes.ledger import checkpoints, cosigning, services
from kopdes.ledger.models import Checkpoint, Cosignature
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2 = date(2026, 3, 9), date(2026, 3, 10)
NAME = "saksi.inspektorat.example/w1"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
VERIFIER_KEY = cosigning.cosigner_verifier_key(NAME, KEY.public_key().public_bytes_raw())
WITNESSES = [{"name": NAME, "url": "https://saksi.example", "verifier_key": VERIFIER_KEY}]
AT = 1_773_111_600  # 2026-03-10 03:00 UTC, 10.00 in Jakarta


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


@pytest.fixture
def cosigned(coop_a):
    """A checkpoint of A cosigned by one witness (the cosignature made with its key)."""
    with at(D1):
        entry = services.journal_entry_post(
            cooperative=coop_a,
            date=D1,
            memo="Setoran",
            lines=[Line("1-102", debit=1_000), Line("3-103", credit=1_000)],
            source_kind="test",
        )
    with at(D2):
        checkpoints.checkpoints_close_day(day=D1)
    checkpoint = Checkpoint.objects.get(cooperative=coop_a, date=D1)
    return checkpoint, cosign(checkpoint), entry


@override_settings(KOPDES_WITNESSES=WITNESSES)
def test_the_portal_lists_the_witnesses_and_their_keys(client, cosigned):
    _checkpoint, line, _entry = cosigned
    html = client.get("/transparansi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Independent witnesses" in html and VERIFIER_KEY in html
    assert line.rstrip("\n") in html  # the latest note is published with its cosignature


def test_without_witnesses_the_portal_says_so(client, cosigned):
    html = client.get("/transparansi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No independent witness is configured yet" in html


@override_settings(KOPDES_WITNESSES=WITNESSES)
def test_each_checkpoint_shows_who_cosigned_it_and_when(client, cosigned, coop_a):
    checkpoint, line, _entry = cosigned
    html = client.get(
        reverse("web:transparency_verify", args=[coop_a.village_id]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert f"<code>{NAME}</code>, 10 Mar 2026 10:00" in html
    assert checkpoints.published_note(checkpoint) == checkpoint.note + line
    assert line.rstrip("\n") in html
    html = client.get(
        reverse("web:transparency_verify", args=[coop_a.village_id]), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "Ditandatangani bersama oleh saksi" in html


def test_the_api_proof_publishes_the_cosigned_note(client, cosigned, place_a):
    checkpoint, line, entry = cosigned
    token, _row = token_issue(user=place_a.ketua)
    answer = client.get(
        f"/api/v1/ledger/entries/{entry.public_id}/proof", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert answer["checkpoint"]["note"] == checkpoints.published_note(checkpoint)
    assert answer["checkpoint"]["note"].endswith(line)


def cosign(checkpoint: Checkpoint) -> str:
    text, _lines = cosigning.split_note(checkpoint.note)
    line = cosigning.cosign(text, name=NAME, private_key=KEY, timestamp=AT)
    Cosignature.objects.create(
        cooperative_id=checkpoint.cooperative_id,
        checkpoint=checkpoint,
        witness=NAME,
        key_id=cosigning.parse_cosigner_key(VERIFIER_KEY).key_id.hex(),
        timestamp=AT,
        line=line.rstrip("\n"),
    )
    return line


def test_the_public_report_names_the_witnesses_of_its_checkpoint(client, coop_a):
    with at(D1):
        services.journal_entry_post(
            cooperative=coop_a,
            date=D1,
            memo="Setoran",
            lines=[Line("1-102", debit=1_000), Line("3-103", credit=1_000)],
            source_kind="test",
        )
    with at(date(2026, 4, 2)):
        services.period_close_through(actor=None, cooperative=coop_a, year=2026, month=3)
    with at(date(2026, 4, 3)):
        checkpoints.checkpoints_close_day(day=date(2026, 4, 2))
    page = reverse("web:transparency_cooperative", args=[coop_a.village_id])
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No independent witness has cosigned this checkpoint yet." in html
    cosign(Checkpoint.objects.get(cooperative=coop_a, date=D1))
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cosigned by the independent witnesses:" in html
    assert f"<code>{NAME}</code>, 10 Mar 2026 10:00" in html
