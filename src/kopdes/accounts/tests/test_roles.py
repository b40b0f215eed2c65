"""Roles: rights only from the start date, cancelling a future role, separation of duties and no
self-appointment (docs/domain.md §2)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kopdes import testing
from kopdes.accounts import services
from kopdes.accounts.access import Capability, capabilities
from kopdes.accounts.errors import PengawasHandlesMoney, SelfAppointment
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_future_role_gives_rights_only_from_its_start(place_a):
    person = testing.make_person(full_name="Calon Manajer")
    cooperative = place_a.cooperative
    start = timezone.localdate() + timedelta(days=10)
    services.role_assign(
        actor=place_a.ketua, cooperative=cooperative, user=person, kind="kasir", started_on=start
    )
    assert capabilities(person, cooperative) == set()
    with time_machine.travel(start + timedelta(hours=12)):
        assert Capability.HANDLE_CASH in capabilities(person, cooperative)


def test_a_future_role_can_be_cancelled_today(place_a):
    person = testing.make_person(full_name="Calon Kasir")
    start = timezone.localdate() + timedelta(days=30)
    role = services.role_assign(
        actor=place_a.ketua,
        cooperative=place_a.cooperative,
        user=person,
        kind="kasir",
        started_on=start,
    )
    services.role_end(actor=place_a.ketua, role=role, reason="Tidak jadi")
    role.refresh_from_db()
    assert role.ended_on == start
    assert AuditEvent.objects.filter(action="role.cancel").count() == 1
    with time_machine.travel(start + timedelta(days=1)):
        assert capabilities(person, place_a.cooperative) == set()


@pytest.mark.parametrize("money_role", ["kasir", "manajer"])
def test_a_pengawas_never_handles_cash_or_keeps_the_books(place_a, money_role):
    with pytest.raises(PengawasHandlesMoney):
        services.role_assign(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            user=place_a.pengawas,
            kind=money_role,
        )


def test_a_kasir_cannot_become_pengawas(place_a):
    with pytest.raises(PengawasHandlesMoney):
        services.role_assign(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            user=place_a.kasir,
            kind="pengawas",
        )


def test_nobody_appoints_themselves(place_a):
    with pytest.raises(SelfAppointment):
        services.role_assign(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            user=place_a.ketua,
            kind="manajer",
        )


def test_self_appointment_on_the_officers_page_is_refused(client, place_a):
    client.force_login(place_a.ketua)
    response = client.post(
        reverse("web:officers", args=[place_a.cooperative.public_id]),
        {
            "phone": place_a.ketua.phone,
            "kind": "manajer",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert Capability.KEEP_BOOKS not in capabilities(place_a.ketua, place_a.cooperative)


def test_the_officers_page_shows_the_ketua_her_links(client, place_a):
    client.force_login(place_a.ketua)
    html = client.get(reverse("web:officers", args=[place_a.cooperative.public_id])).content
    html = html.decode()
    assert reverse("web:role_end", args=[place_a.cooperative.public_id]) in html
    assert reverse("web:employee_add", args=[place_a.cooperative.public_id]) in html
    assert reverse("web:password_reset", args=[place_a.cooperative.public_id]) in html


def test_the_officers_page_hides_the_links_from_others(client, place_a):
    client.force_login(place_a.kasir)
    html = client.get(reverse("web:officers", args=[place_a.cooperative.public_id])).content
    html = html.decode()
    assert reverse("web:role_end", args=[place_a.cooperative.public_id]) not in html
    assert reverse("web:password_reset", args=[place_a.cooperative.public_id]) not in html


def test_the_reset_page_shows_the_temporary_password_once(client, place_a):
    from kopdes.accounts.models import Role

    role = Role.objects.get(cooperative=place_a.cooperative, user=place_a.kasir)
    client.force_login(place_a.ketua)
    url = reverse("web:password_reset", args=[place_a.cooperative.public_id])
    assert client.get(url, {"role": role.public_id}).status_code == 200
    response = client.post(url, {"role": role.public_id})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    place_a.kasir.refresh_from_db()
    assert place_a.kasir.must_change_password
    client.force_login(place_a.sekretaris)  # manages officers, but is not the ketua
    assert client.post(url, {"role": role.public_id}).status_code == 404


def test_the_role_page_does_not_tell_whose_phone_number_it_is(client, place_a, place_b):
    """An officer who types a stranger's phone number learns no name and gives no role."""
    client.force_login(place_a.ketua)
    url = reverse("web:officers", args=[place_a.cooperative.public_id])
    stranger = place_b.bendahara
    data = {"phone": stranger.phone, "kind": "kasir", "started_on": timezone.localdate()}
    for name in ("", "Siapa Saja"):
        response = client.post(url, {**data, "full_name": name})
        assert response.status_code == 400
        assert stranger.full_name not in response.content.decode()
    assert not stranger.roles.filter(cooperative=place_a.cooperative).exists()
    # With the right name the known person gets the role.
    ok = client.post(url, {**data, "full_name": stranger.full_name.upper()})
    assert ok.status_code == 302
    assert stranger.roles.filter(cooperative=place_a.cooperative, kind="kasir").exists()


def test_holds_agrees_with_capabilities_for_officers_supervisors_and_outsiders(
    place_a, place_b, dinas
):
    """`holds` (the services' check) answers as `capabilities` does, for every capability."""
    from django.contrib.auth.models import AnonymousUser

    from kopdes.accounts.access import holds

    cooperative = place_a.cooperative
    people = [place_a.ketua, place_a.kasir, place_b.ketua, dinas, AnonymousUser()]
    for person in people:
        held = capabilities(person, cooperative)
        for capability in Capability:
            assert holds(person, cooperative, capability) == (capability in held), (
                person,
                capability,
            )
        assert holds(person, cooperative, Capability.VIEW, Capability.KEEP_BOOKS) == bool(
            held & {Capability.VIEW, Capability.KEEP_BOOKS}
        )
    assert holds(dinas, cooperative, Capability.VIEW_BOOKS)
    assert not holds(dinas, cooperative, Capability.KEEP_BOOKS)
