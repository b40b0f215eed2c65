"""The funding pages: sources with balances, the forms (a source, a receipt, a spending with its
evidence, an attached entry), the pengawas' decision, evidence only in the tenant, the report as
a page, PDF and Excel."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kopdes import testing
from kopdes.cooperatives import services as cooperative_services
from kopdes.core import clock
from kopdes.funding.models import FundingSource, FundReceipt, FundUse
from kopdes.funding.tests.factories import PNG, funded, spend

pytestmark = pytest.mark.django_db


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def test_the_list_shows_each_fund_with_its_balance(client, place_a):
    source = funded(place_a, amount=10_000_000)
    spend(place_a, source, 2_500_000)
    client.force_login(place_a.sekretaris)  # VIEW_FUNDING: reads, no buttons
    page = client.get(url("funding", place_a.cooperative))
    text = page.content.decode()
    assert page.status_code == 200
    assert source.name in text and "Rp7.500.000" in text
    assert url("funding_source_new", place_a.cooperative) not in text


def test_the_bendahara_records_a_source_receives_and_spends_with_evidence(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(
        url("funding_source_new", coop),
        {
            "kind": "csr",
            "name": "Hibah CSR PT Maju",
            "partner": "PT Maju",
            "agreement_number": "A-1",
            "agreement_date": "2026-03-01",
            "amount": "50.000.000",
            "restricted": "on",
            "permitted_lines": ["sembako", "pertanian"],
            "note": "",
        },
    )
    source = FundingSource.objects.get(cooperative=coop, name="Hibah CSR PT Maju")
    assert response.status_code == 302
    assert source.permitted_lines == ["sembako", "pertanian"] and source.restricted
    response = client.post(
        url("funding_receive", coop, source.public_id),
        {"amount": "50.000.000", "on": clock.today().isoformat(), "channel": "bank"},
    )
    assert response.status_code == 302
    assert FundReceipt.objects.get(source=source).amount == 50_000_000
    data = {
        "line": "pertanian",
        "kind": "asset",
        "unit": "",
        "amount": "3.000.000",
        "on": clock.today().isoformat(),
        "channel": "bank",
        "description": "Mesin perontok padi",
        "payee": "CV Tani",
    }
    refused = client.post(url("funding_spend", coop, source.public_id), data)
    assert refused.status_code == 400  # no evidence
    data["evidence"] = SimpleUploadedFile("nota.png", PNG, content_type="image/png")
    response = client.post(url("funding_spend", coop, source.public_id), data)
    assert response.status_code == 302
    use = FundUse.objects.get(source=source)
    assert (use.line, use.amount, use.flagged) == ("pertanian", 3_000_000, False)
    outside = {**data, "line": "klinik"}
    outside["evidence"] = SimpleUploadedFile("nota.png", PNG, content_type="image/png")
    refused = client.post(url("funding_spend", coop, source.public_id), outside)
    assert refused.status_code == 400
    assert "line" in refused.context["form"].errors
    assert FundUse.objects.filter(source=source).count() == 1


def test_the_pengawas_decides_a_flag_on_the_use_page(client, place_a):
    cooperative_services.policy_change(
        actor=None,
        cooperative=place_a.cooperative,
        effective_from=date(2026, 1, 1),
        reason="RAT",
        restricted_fund_outside_lines="flag",
    )
    source = funded(place_a, amount=5_000_000)
    use = spend(place_a, source, 1_000_000, line="klinik")
    coop = place_a.cooperative
    page_url = url("funding_use", coop, source.public_id, use.public_id)
    client.force_login(place_a.bendahara)
    assert b'name="note"' not in client.get(page_url).content  # the bendahara cannot decide
    assert client.post(page_url, {"state": "resolved", "note": "x"}).status_code == 404
    client.force_login(place_a.pengawas)
    flags = client.get(url("funding_flags", coop))
    assert use.description in flags.content.decode()
    home = client.get(url("cooperative_home", coop))
    assert "fund_flags" in home.content.decode()
    response = client.post(page_url, {"state": "acknowledged", "note": "Minta klarifikasi"})
    assert response.status_code == 302
    use.refresh_from_db()
    assert (use.flag_state, use.flag_note) == ("acknowledged", "Minta klarifikasi")


def test_evidence_and_documents_are_served_only_in_the_tenant(client, place_a, place_b):
    data = testing.make_funding(place_a)
    coop = place_a.cooperative
    evidence = url("funding_use_evidence", coop, data.source.public_id, data.use.public_id)
    document = url("funding_document", coop, data.source.public_id, data.document.public_id)
    client.force_login(place_a.pengawas)
    response = client.get(evidence)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client.get(document).status_code == 200
    for target in (evidence, document):
        testing.assert_cross_tenant(client, place_b.ketua, target)
    # Place B's own cooperative in the URL with A's source: still 404.
    foreign = url(
        "funding_use_evidence", place_b.cooperative, data.source.public_id, data.use.public_id
    )
    testing.assert_cross_tenant(client, place_b.ketua, foreign)
    client.force_login(place_a.kasir)  # no VIEW_FUNDING
    assert client.get(evidence).status_code == 404


def test_the_report_as_a_page_pdf_and_excel(client, place_a):
    from openpyxl import load_workbook

    source = funded(place_a, amount=10_000_000)
    spend(place_a, source, 1_000_000, line="sembako")
    spend(place_a, source, 2_000_000, line="lpg")
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    page = client.get(url("funding_report", coop))
    text = page.content.decode()
    assert page.status_code == 200 and "Rp7.000.000" in text and "PT Contoh Properti" in text
    use = FundUse.objects.filter(source=source).first()
    assert url("funding_use_evidence", coop, source.public_id, use.public_id) in text
    name = f"penggunaan-dana-{coop.code}-{clock.today().isoformat()}"
    pdf = client.get(url("funding_report", coop) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{name}.pdf"'
    xlsx = client.get(url("funding_report", coop) + "?format=xlsx")
    assert xlsx["Content-Disposition"] == f'attachment; filename="{name}.xlsx"'
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    fund_row = next(r for r in rows if r[0] == source.name and r[5] is not None)
    assert fund_row[5:8] == [10_000_000, 3_000_000, 7_000_000]
    assert sorted(r[6] for r in rows if r[0] == source.name and r[5] is None) == [
        1_000_000,
        2_000_000,
    ]


def test_attaching_an_entry_by_its_number(client, place_a):
    from kopdes.ledger import services as ledger

    source = funded(place_a, amount=5_000_000)
    entry = ledger.post_event(
        cooperative=place_a.cooperative,
        event="expense.cash",
        key="5-209",
        amounts={"amount": 800_000},
        date=clock.today(),
        memo="Bibit jagung",
    )
    client.force_login(place_a.bendahara)
    target = url("funding_attach", place_a.cooperative, source.public_id)
    assert str(entry.number) in client.get(target).content.decode()
    response = client.post(
        target,
        {
            "number": str(entry.number),
            "line": "sembako",
            "amount": "800.000",
            "description": "Bibit",
            "evidence": SimpleUploadedFile("n.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    assert FundUse.objects.get(source=source, kind="attached").entry_id == entry.pk
