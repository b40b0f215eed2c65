"""QRIS in the API: the member's savings payment, its state, the provider's webhook with raw
bytes (forged, replayed, refused) (docs/adr/0019-qris-gateway.md)."""

import pytest

from kopdes import testing
from kopdes.ledger.models import AccountMonth
from kopdes.payments import gateway as gateways
from kopdes.payments.models import PaymentIntent, PaymentNotification
from kopdes.payments.tests.factories import make_merchant
from kopdes.savings.models import SavingsAccount
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db
NOTIFY = "/api/v1/payments/notify/simulator"


def bearer(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.fixture
def payer(place_a, place_b):
    make_merchant(place_a.cooperative)
    make_merchant(place_b.cooperative)
    make_member(place_b.cooperative, user=place_b.anggota)
    return make_member(place_a.cooperative, user=place_a.anggota)


def _ask(client, place, auth, key=None, **body):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/v1/me/savings/qris",
        {"cooperative_id": str(place.cooperative.public_id), **body},
        content_type="application/json",
        **auth,
        **extra,
    )


def _notify(client, body, headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.generic("POST", NOTIFY, body, content_type="application/json", **extra)


def _sukarela(member):
    account = SavingsAccount.objects.filter(member=member, kind="sukarela").first()
    return account.balance if account else 0


def _clearing(cooperative):
    rows = AccountMonth.objects.filter(cooperative=cooperative, account__code="1-109")
    return sum(r.debit - r.credit for r in rows)


def test_deposit_by_qris_through_the_webhook(client, place_a, payer):
    auth = bearer(client, place_a.anggota)
    asked = _ask(client, place_a, auth, kind="deposit", amount=50_000)
    assert asked.status_code == 201, asked.content
    intent = asked.json()
    assert intent["status"] == "pending" and intent["amount"] == 50_000
    assert intent["payload"].startswith("000201010212")
    # the QR code to show, made on the server from the payload (no QR library on the phone)
    assert intent["qr_svg"].startswith("data:image/svg+xml")
    # the same request with the same key: the same intent
    keyed = [_ask(client, place_a, auth, kind="deposit", amount=10_000, key="k1") for _ in range(2)]
    assert keyed[0].json()["id"] == keyed[1].json()["id"]
    conflict = _ask(client, place_a, auth, kind="deposit", amount=20_000, key="k1")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency.key_reused"

    body, headers = gateways.simulator().notification(
        provider_reference="BANK-123", bill_number=intent["bill_number"], amount=50_000
    )
    # forged: 400, nothing changes
    forged = _notify(client, body, {**headers, "X-Kopdes-Signature": "ab" * 32})
    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "payments.bad_signature"
    assert _sukarela(payer) == 0 and _clearing(place_a.cooperative) == 0
    # genuine: paid, booked
    paid = _notify(client, body, headers)
    assert paid.status_code == 200, paid.content
    assert paid.json() == {"outcome": "paid", "bill_number": intent["bill_number"]}
    assert _sukarela(payer) == 50_000 and _clearing(place_a.cooperative) == 50_000
    # replayed: the same answer, nothing more
    rows = PaymentNotification.objects.count()
    again = _notify(client, body, headers)
    assert again.status_code == 200 and again.json() == paid.json()
    assert PaymentNotification.objects.count() == rows
    assert _sukarela(payer) == 50_000 and _clearing(place_a.cooperative) == 50_000
    state = client.get(f"/api/v1/me/payments/{intent['id']}", **auth)
    assert state.status_code == 200 and state.json()["status"] == "paid"


def test_refusals_have_stable_codes(client, place_a, payer):
    auth = bearer(client, place_a.anggota)
    intent = _ask(client, place_a, auth, kind="deposit", amount=5_000).json()
    cases = [
        ("R-1", intent["bill_number"], 4_000, 422, "payments.amount_mismatch"),
        ("R-2", "KDUNKNOWN", 5_000, 404, "payments.unknown_intent"),
    ]
    for reference, bill, amount, status, code in cases:
        body, headers = gateways.simulator().notification(
            provider_reference=reference, bill_number=bill, amount=amount
        )
        answer = _notify(client, body, headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    bad = b"not json"
    answer = _notify(client, bad, {"X-Kopdes-Signature": gateways.simulator().signature(bad)})
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        400,
        "payments.bad_notification",
    )
    other = client.post("/api/v1/payments/notify/acme", b"{}", content_type="application/json")
    assert (other.status_code, other.json()["error"]["code"]) == (404, "payments.unknown_provider")
    assert _sukarela(payer) == 0
    assert PaymentIntent.objects.get(public_id=intent["id"]).status == "pending"


def test_another_members_payment_is_404(client, place_a, place_b, payer):
    intent = _ask(client, place_a, bearer(client, place_a.anggota), kind="deposit", amount=5_000)
    url = f"/api/v1/me/payments/{intent.json()['id']}"
    for person in (place_b.anggota, place_a.ketua):
        answer = client.get(url, **bearer(client, person))
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "request.not_found"
    assert client.get(url).status_code == 401
    # nor can anyone ask for a payment in a cooperative where they are no member
    refused = _ask(client, place_b, bearer(client, place_a.anggota), kind="deposit", amount=5_000)
    assert refused.status_code == 404


def test_bad_requests(client, place_a, payer):
    auth = bearer(client, place_a.anggota)
    for body, code in (
        ({"kind": "deposit", "amount": 0}, "savings.invalid_amount"),
        ({"kind": "deposit"}, "savings.invalid_amount"),
        ({"kind": "steal", "amount": 5}, "request.invalid"),
        ({"kind": "bill", "bill_id": "00000000-0000-0000-0000-000000000000"}, "request.not_found"),
    ):
        answer = _ask(client, place_a, auth, **body)
        assert answer.json()["error"]["code"] == code, (body, answer.content)
    assert PaymentIntent.objects.count() == 0


def test_forgers_are_throttled_providers_are_not(client, settings, place_a, payer):
    settings.KOPDES_PAYMENT_NOTIFY_ADDRESS_LIMIT = 2
    auth = bearer(client, place_a.anggota)
    for n in range(4):  # genuine notifications are never counted
        intent = _ask(client, place_a, auth, kind="deposit", amount=1_000 + n).json()
        body, headers = gateways.simulator().notification(
            provider_reference=f"OK-{n}", bill_number=intent["bill_number"], amount=1_000 + n
        )
        assert _notify(client, body, headers).status_code == 200
    forged = {"X-Kopdes-Signature": "00" * 32}
    assert [_notify(client, b"{}", forged).status_code for _ in range(3)] == [400, 400, 429]
    assert _notify(client, b"{}", forged).json()["error"]["code"] == "throttle.too_many_attempts"


@pytest.mark.parametrize("key", ["two words", "kunci-ü", "x" * 101])
def test_an_idempotency_key_beyond_visible_ascii_is_refused_with_nothing_made(
    client, place_a, payer, key
):
    """The Idempotency-Key header is 1-100 visible ASCII characters (api.base.KEY_PATTERN, in
    the schema of every keyed operation): anything else is a 422, and no intent is made."""
    auth = bearer(client, place_a.anggota)
    refused = _ask(client, place_a, auth, key=key, kind="deposit", amount=50_000)
    assert refused.status_code == 422, refused.content
    assert not PaymentIntent.objects.exists()
