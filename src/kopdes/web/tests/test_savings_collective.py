"""The collective deposit page: rows typed or uploaded, checked with names and total, booked once."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kopdes.ledger.models import JournalEntry
from kopdes.members.models import Member
from kopdes.savings.models import SavingsTransaction
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

ON = "2026-04-06"


def url(coop):
    return reverse("web:savings_collective", args=[coop.public_id])


@pytest.fixture
def people(coop_a):
    return [make_member(coop_a, name=n) for n in ("Siti Aminah", "Budi Santoso")]


def booked(coop):
    return (
        JournalEntry.objects.filter(cooperative=coop).count(),
        SavingsTransaction.objects.filter(cooperative=coop).count(),
    )


def data(rows, **extra):
    return {"on": ON, "channel": "cash", "rows": rows, "memo": "", "idempotency_key": "k1", **extra}


def test_get_and_link_in_the_savings_menu(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    page = client.get(url(coop))
    assert page.status_code == 200 and page.context["form"].initial["idempotency_key"]
    deposit = client.get(reverse("web:savings_deposit", args=[coop.public_id]))
    assert url(coop) in deposit.content.decode()


def test_check_shows_names_and_total_then_confirm_books_once(client, place_a, people):
    coop = place_a.cooperative
    siti, budi = people
    client.force_login(place_a.kasir)
    rows = f"{siti.number} wajib 25.000\n\n{budi.number}; sukarela; Rp50.000\n{siti.number} s 10000"
    check = client.post(url(coop), data(rows, action="check"))
    assert check.status_code == 200
    body = check.content.decode()
    assert "Siti Aminah" in body and "Budi Santoso" in body and "85.000" in body
    assert booked(coop) == (0, 0)  # checking books nothing
    confirm = {
        "on": ON,
        "channel": "cash",
        "memo": "",
        "idempotency_key": "k1",
        "rows": check.context["confirm"]["rows"].value(),
        "action": "confirm",
    }
    done = client.post(url(coop), confirm)
    assert done.status_code == 200
    assert booked(coop) == (1, 3)
    txns = list(SavingsTransaction.objects.order_by("receipt_number"))
    assert [(t.account.member, t.account.kind, t.amount) for t in txns] == [
        (siti, "wajib", 25_000),
        (budi, "sukarela", 50_000),
        (siti, "sukarela", 10_000),
    ]
    assert all(t.date == date(2026, 4, 6) for t in txns)
    assert "KWT-000001" in done.content.decode() and "KWT-000003" in done.content.decode()
    again = client.post(url(coop), confirm)  # a double click books nothing more
    assert again.status_code == 200 and booked(coop) == (1, 3)


def test_bad_rows_are_shown_with_their_line_and_nothing_is_saved(client, place_a, people):
    coop = place_a.cooperative
    siti, budi = people
    client.force_login(place_a.kasir)
    rows = f"{siti.number} wajib 25000\n999 wajib 25000\n{budi.number} tabungan 5000\n{budi.number} wajib nol"
    for action in ("check", "confirm"):
        response = client.post(url(coop), data(rows, action=action))
        assert response.status_code == 400
        body = response.content.decode()
        assert "Baris 2" in body and "999" in body and "Baris 3" in body and "Baris 4" in body
        assert "Baris 1:" not in body
    # The service's own refusal (a member who has left) is shown on the form too.
    Member.objects.filter(pk=budi.pk).update(status=Member.Status.RESIGNED)
    response = client.post(url(coop), data(f"{budi.number} sukarela 5000", action="confirm"))
    assert response.status_code == 400 and "Baris 1" in response.content.decode()
    future = client.post(url(coop), data(f"{siti.number} wajib 25000", on="2999-01-01"))
    assert future.status_code == 400
    assert client.post(url(coop), data("", action="check")).status_code == 400
    assert booked(coop) == (0, 0)


def test_collectors_sheet_csv_and_xlsx(client, place_a, people):
    from openpyxl import Workbook

    coop = place_a.cooperative
    siti, budi = people
    client.force_login(place_a.kasir)
    csv = f"NIAK;Jenis;Jumlah\n{siti.number};Wajib;25.000\n{budi.number};sukarela;50000\n"
    sheet = SimpleUploadedFile("setoran.csv", csv.encode(), content_type="text/csv")
    check = client.post(url(coop), {**data("", action="check"), "sheet": sheet})
    assert check.status_code == 200 and check.context["total"] == 75_000
    assert [(m, k) for _n, m, k, _a in check.context["preview"]] == [
        (siti, "Simpanan wajib"),
        (budi, "Simpanan sukarela"),
    ]
    book = Workbook()
    book.active.append(["No Anggota", "Jumlah", "Jenis"])  # columns in another order
    book.active.append([siti.number, 30000, "pokok"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("setoran.xlsx", buffer.getvalue())
    check = client.post(url(coop), {**data("", action="check"), "sheet": upload})
    assert check.status_code == 200 and check.context["total"] == 30_000
    bad = SimpleUploadedFile("setoran.pdf", b"%PDF-1.4")
    assert client.post(url(coop), {**data("", action="check"), "sheet": bad}).status_code == 400
    assert booked(coop) == (0, 0)


def test_cross_tenant_is_404(client, cross_tenant, place_a, place_b, people):
    coop = place_a.cooperative
    cross_tenant(client, place_b.kasir, url(coop))
    cross_tenant(
        client, place_b.kasir, url(coop), method="post", data=data(f"{people[0].number} w 1000")
    )
    # Another cooperative's member number resolves in one's own cooperative only.
    client.force_login(place_b.kasir)
    response = client.post(url(place_b.cooperative), data(f"{people[0].number} w 1000"))
    assert response.status_code == 400 and "Siti Aminah" not in response.content.decode()
    assert booked(coop) == (0, 0)


def test_roles_without_cash_handling_are_refused(client, place_a, people):
    coop = place_a.cooperative
    for person in (place_a.anggota, place_a.pengawas):
        client.force_login(person)
        assert client.get(url(coop)).status_code == 404
        post = client.post(url(coop), data(f"{people[0].number} w 1000", action="confirm"))
        assert post.status_code == 404
    assert booked(coop) == (0, 0)
