"""The CSR partner's view (issue 15.6) on its pages and in the API: the funded cooperatives, their
CSR grants' use by business line with the evidence, their aggregate results; nothing else of
the cooperative, and nothing of a cooperative the grant does not name (issue 15.1)."""

import hashlib
from datetime import date

import pytest
from django.urls import reverse

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.funding import services as funding


@pytest.fixture
def funded(place_a):
    """Place A's CSR grant with one use, and a bank loan's source beside it that the CSR
    partner must not see."""
    made = testing.make_funding(place_a)
    funding.funding_source_create(
        actor=place_a.bendahara,
        cooperative=place_a.cooperative,
        kind="apbd_hibah",
        name="Hibah APBD Kabupaten",
        partner="Pemkab Tangerang",
        amount=50_000_000,
        permitted_lines=["pertanian"],
    )
    return made


def _api(client, person, path):
    token, _row = token_issue(user=person)
    return client.get(f"/api/v1/supervision/csr{path}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_partner_sees_its_funded_cooperatives_and_their_csr_funds(
    client, funded, csr_a, place_a
):
    client.force_login(csr_a)
    assert client.get(reverse("web:home"))["Location"] == reverse("web:csr_overview")
    page = client.get(reverse("web:csr_overview")).content.decode()
    assert place_a.cooperative.name in page
    assert 'href="/pantau/"' not in page  # the supervision pages are not its
    assert "Rp100.000.000" in page and "Rp4.500.000" in page and "1 / 1" in page

    page = client.get(reverse("web:csr_cooperative", args=[place_a.cooperative.public_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hibah CSR PT Contoh Properti" in text and "Rak, timbangan dan freezer" in text
    assert "Hibah APBD Kabupaten" not in text  # only the CSR grants
    evidence = reverse(
        "web:csr_use_evidence", args=[place_a.cooperative.public_id, funded.use.public_id]
    )
    assert evidence in text
    response = client.get(evidence)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert hashlib.sha256(response.content).hexdigest() == funded.use.evidence_sha256


def test_the_partner_reads_nothing_else_of_the_cooperative(client, funded, csr_a, place_a, place_b):
    client.force_login(csr_a)
    a = place_a.cooperative.public_id
    for name in (
        "cooperative",
        "journal",
        "members",
        "loans",
        "funding",
        "funding_report",
        "health",
    ):
        assert client.get(reverse(f"web:{name}", args=[a])).status_code == 404, name
    assert client.get(reverse("web:supervision")).status_code == 404
    b = place_b.cooperative.public_id
    assert client.get(reverse("web:csr_cooperative", args=[b])).status_code == 404


def test_another_funds_evidence_is_404(client, place_a, csr_a):
    """A use of a fund that is not a CSR grant is not the partner's, even in a funded
    cooperative."""
    source = funding.funding_source_create(
        actor=place_a.bendahara,
        cooperative=place_a.cooperative,
        kind="dana_desa",
        name="Penyertaan Dana Desa",
        amount=10_000_000,
    )
    funding.fund_receive(
        actor=place_a.bendahara, source=source, amount=10_000_000, on=date(2026, 3, 2)
    )
    use = funding.fund_spend(
        actor=place_a.bendahara,
        source=source,
        line="sembako",
        kind="asset",
        amount=1_000_000,
        on=date(2026, 3, 3),
        description="Etalase",
        payee="Toko",
        evidence=testing.SAMPLE_PNG,
        channel="bank",
    )
    client.force_login(csr_a)
    url = reverse("web:csr_use_evidence", args=[place_a.cooperative.public_id, use.public_id])
    assert client.get(url).status_code == 404


def test_people_without_a_csr_grant_get_404(client, funded, place_a, dinas):
    for person in (dinas, place_a.ketua):
        client.force_login(person)
        assert client.get(reverse("web:csr_overview")).status_code == 404
        url = reverse("web:csr_cooperative", args=[place_a.cooperative.public_id])
        assert client.get(url).status_code == 404


def test_the_api_gives_the_same_report(client, funded, csr_a, place_a, place_b, dinas):
    [row] = _api(client, csr_a, "/cooperatives").json()
    assert row["cooperative"]["id"] == str(place_a.cooperative.public_id)
    assert (row["received"], row["spent"], row["balance"]) == (100_000_000, 4_500_000, 95_500_000)
    assert (row["uses"], row["uses_with_evidence"]) == (1, 1)

    body = _api(client, csr_a, f"/cooperatives/{place_a.cooperative.public_id}").json()
    [fund] = body["funds"]
    assert fund["name"] == "Hibah CSR PT Contoh Properti"
    assert fund["by_line"] == [
        {"line": "sembako", "label": fund["by_line"][0]["label"], "amount": 4_500_000}
    ]
    assert fund["uses"][0]["evidence_sha256"] == funded.use.evidence_sha256

    missing = _api(client, csr_a, f"/cooperatives/{place_b.cooperative.public_id}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "request.not_found"
    assert _api(client, dinas, "/cooperatives").json() == []
    assert _api(client, dinas, f"/cooperatives/{place_a.cooperative.public_id}").status_code == 404


def test_many_cooperatives_funds_are_read_at_once(place_a, place_b, django_assert_num_queries):
    """The partner's list reads every funded cooperative's grants in three queries, with the
    same rows as each cooperative's own report."""
    from kopdes.funding import selectors

    testing.make_funding(place_a)
    testing.make_funding(place_b)
    cooperatives = [place_a.cooperative, place_b.cooperative]
    with django_assert_num_queries(3):
        together = selectors.fund_use_by_cooperative(cooperatives, kinds=selectors.CSR_KINDS)
    for coop in cooperatives:
        alone = selectors.fund_use(coop, kinds=selectors.CSR_KINDS)
        assert together[coop.pk] == alone and len(alone) == 1
