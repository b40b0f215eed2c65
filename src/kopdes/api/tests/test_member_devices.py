"""`GET /api/v1/me/devices` and `POST /api/v1/me/devices/{id}/disable`: a person's phones with
a PIN, and disabling one (own devices only, audited)."""

import uuid

import pytest

from kopdes import testing
from kopdes.accounts import devices
from kopdes.accounts.models import Device
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def bearer(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_list_then_disable_one(client, place_a):
    me = place_a.anggota
    old, old_key = devices.pin_set(user=me, pin="482915", device="HP lama")
    devices.pin_set(user=me, pin="730164", device="HP baru")
    auth = bearer(client, me)
    listed = client.get("/api/v1/me/devices", **auth).json()
    assert [d["label"] for d in listed] == ["HP baru", "HP lama"]
    assert all(d["active"] for d in listed) and "key" not in str(listed)

    response = client.post(f"/api/v1/me/devices/{old.public_id}/disable", **auth)
    assert response.status_code == 200
    assert response.json()["active"] is False and response.json()["disabled_at"]
    listed = client.get("/api/v1/me/devices", **auth).json()
    assert [(d["label"], d["active"]) for d in listed] == [("HP baru", True), ("HP lama", False)]
    # The disabled phone's PIN no longer unlocks.
    unlock = {"device_id": str(old.public_id), "device_key": old_key, "pin": "482915"}
    refused = client.post("/api/v1/auth/pin/unlock", unlock, content_type="application/json")
    assert refused.json()["error"]["code"] == "auth.device_locked"
    # One audit row; disabling again answers the same and writes none.
    assert (
        AuditEvent.objects.filter(action="device.disable", object_id=str(old.public_id)).count()
        == 1
    )
    again = client.post(f"/api/v1/me/devices/{old.public_id}/disable", **auth)
    assert again.status_code == 200 and again.json()["active"] is False
    assert AuditEvent.objects.filter(action="device.disable").count() == 1


def test_disabling_a_phone_ends_the_sessions_opened_on_it(client, place_a):
    """A lost phone keeps nothing open: the token of its PIN unlock and the password sign-in
    on which its PIN was set are revoked; the phone in hand keeps its session."""
    me = place_a.anggota
    on_lost = bearer(client, me)  # signed in with the password on the phone later lost ...
    pin = client.post(
        "/api/v1/auth/pin",
        {"pin": "482915", "device": "HP hilang"},
        **on_lost,
        content_type="application/json",
    ).json()  # ... and its PIN set there
    unlock = {"device_id": pin["device_id"], "device_key": pin["device_key"], "pin": "482915"}
    unlocked = client.post("/api/v1/auth/pin/unlock", unlock, content_type="application/json")
    on_lost_pin = {"HTTP_AUTHORIZATION": f"Bearer {unlocked.json()['token']}"}
    in_hand = bearer(client, me)
    for auth in (on_lost, on_lost_pin, in_hand):
        assert client.get("/api/v1/me/devices", **auth).status_code == 200

    response = client.post(f"/api/v1/me/devices/{pin['device_id']}/disable", **in_hand)
    assert response.status_code == 200
    for auth in (on_lost, on_lost_pin):
        assert client.get("/api/v1/me/devices", **auth).status_code == 401
    assert client.get("/api/v1/me/devices", **in_hand).status_code == 200
    event = AuditEvent.objects.get(action="device.disable")
    assert event.after["tokens_revoked"] == 2


def test_another_persons_device_is_not_found(client, place_a, place_b):
    theirs, _key = devices.pin_set(user=place_a.ketua, pin="482915", device="HP ketua")
    for user in (place_a.anggota, place_b.anggota):
        auth = bearer(client, user)
        response = client.post(f"/api/v1/me/devices/{theirs.public_id}/disable", **auth)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "request.not_found"
        assert (
            str(theirs.public_id) not in client.get("/api/v1/me/devices", **auth).content.decode()
        )
    unknown = client.post(
        f"/api/v1/me/devices/{uuid.uuid4()}/disable", **bearer(client, place_a.anggota)
    )
    assert unknown.status_code == 404
    assert Device.objects.get(pk=theirs.pk).disabled_at is None


def test_devices_need_a_token(client):
    assert client.get("/api/v1/me/devices").status_code == 401
    assert client.post(f"/api/v1/me/devices/{uuid.uuid4()}/disable").status_code == 401
