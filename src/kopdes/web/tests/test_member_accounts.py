"""The back office's side of the member app's accounts: the activation code on the member's
page, its printed slip, and the outbox page (ADR 0031)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from kopdes.accounts import otp
from kopdes.core.models import AuditEvent
from kopdes.members import activation
from kopdes.members.models import ActivationCode
from kopdes.web.tests.test_members import make_member

pytestmark = pytest.mark.django_db


def code_url(place, member):
    return reverse(
        "web:member_activation_code", args=[place.cooperative.public_id, member.public_id]
    )


def test_the_sekretaris_prints_an_activation_code(client, place_a):
    member = make_member(place_a, phone="")
    client.force_login(place_a.sekretaris)
    page = client.get(reverse("web:member", args=[place_a.cooperative.public_id, member.public_id]))
    assert code_url(place_a, member) in page.content.decode()
    slip = client.post(code_url(place_a, member))
    assert slip.status_code == 200
    html = slip.content.decode()
    code = re.search(r'class="activation-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', html).group(1)
    assert 'class="receipt slip activation-slip"' in html
    row = ActivationCode.objects.get(member=member)
    assert code.replace("-", "") not in row.code_hash
    assert AuditEvent.objects.filter(action="member.activation_code_issue").count() == 1
    # the code works once in the member app
    activation.member_activate_by_code(
        activation_code=code,
        phone="081377700055",
        nik=member.nik,
        birth_date=date(1980, 5, 4),
        password="Kebun-Kelapa-88",
        address=None,
    )
    page = client.get(reverse("web:member", args=[place_a.cooperative.public_id, member.public_id]))
    assert code_url(place_a, member) not in page.content.decode()
    refused = client.post(code_url(place_a, member))
    assert refused.status_code == 400 and "auth.already_active" not in refused.content.decode()


def test_viewers_get_no_button_and_no_code(client, place_a):
    member = make_member(place_a)
    client.force_login(place_a.pengawas)
    page = client.get(reverse("web:member", args=[place_a.cooperative.public_id, member.public_id]))
    assert code_url(place_a, member) not in page.content.decode()
    assert client.post(code_url(place_a, member)).status_code == 404
    assert not ActivationCode.objects.exists()


def test_another_cooperatives_member_is_404(client, place_a, place_b):
    member = make_member(place_a)
    client.force_login(place_b.sekretaris)
    assert client.post(code_url(place_a, member)).status_code == 404
    mixed = reverse(
        "web:member_activation_code", args=[place_b.cooperative.public_id, member.public_id]
    )
    assert client.post(mixed).status_code == 404
    assert not ActivationCode.objects.exists()


def test_the_outbox_page_shows_codes_with_numbers_masked(client, place_a, settings):
    otp.otp_issue(phone="+6281377700042", purpose="register")
    client.force_login(place_a.anggota)
    page = client.get("/app/pesan-keluar/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "+62813****0042" in html and "+6281377700042" not in html
    assert re.search(r"\b\d{6}\b", html)
    settings.PRODUCTION = True
    assert client.get("/app/pesan-keluar/").status_code == 404
    settings.PRODUCTION = False
    settings.KOPDES_MESSAGING_BACKEND = "example.Gateway"
    assert client.get("/app/pesan-keluar/").status_code == 404
    client.logout()
    assert client.get("/app/pesan-keluar/").status_code == 302
