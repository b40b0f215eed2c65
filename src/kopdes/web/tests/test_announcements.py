"""The announcements and documents pages: list, publish or schedule, withdraw, the WhatsApp text;
documents uploaded (refusals shown on the form, nothing saved), published, superseded,
downloaded; who may do what; cross-tenant 404; the Beranda's tile."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kopdes import testing
from kopdes.announcements import services
from kopdes.announcements.models import Announcement, Document
from kopdes.core import clock

pytestmark = pytest.mark.django_db

PDF = testing.SAMPLE_PDF


def url(name, coop, *ids):
    return reverse(f"web:{name}", args=[coop.public_id, *ids])


def test_publish_from_the_page_then_read_and_withdraw(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.sekretaris)
    page = client.get(url("announcements_new", coop))
    assert page.status_code == 200
    assert f'value="{clock.today().isoformat()}"' in page.content.decode()
    response = client.post(
        url("announcements_new", coop),
        {
            "title": "Kerja bakti",
            "body": "Minggu pagi di balai desa.",
            "kind": "general",
            "document": "",
            "publish_on": clock.today().isoformat(),
        },
    )
    announcement = Announcement.objects.get(cooperative=coop)
    assert response.status_code == 302
    assert response["Location"] == url("announcements_detail", coop, announcement.public_id)
    detail = client.get(response["Location"]).content.decode()
    assert "Kerja bakti" in detail and 'id="wa-text"' in detail and "wa.me/?text=" in detail
    assert "web/copy.js" in detail
    listing = client.get(url("announcements", coop)).content.decode()
    assert "Kerja bakti" in listing
    refused = client.post(
        url("announcements_withdraw", coop, announcement.public_id), {"reason": ""}
    )
    assert refused.status_code == 400
    done = client.post(
        url("announcements_withdraw", coop, announcement.public_id), {"reason": "Dibatalkan"}
    )
    assert done.status_code == 302
    announcement.refresh_from_db()
    assert announcement.withdrawn_reason == "Dibatalkan"


def test_html_and_a_past_day_are_refused_on_the_form(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    response = client.post(
        url("announcements_new", coop),
        {
            "title": "Rapat",
            "body": "<script>alert(1)</script>",
            "kind": "general",
            "publish_on": (clock.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert not Announcement.objects.exists()


def test_a_scheduled_announcement_shows_as_scheduled(client, place_a):
    coop = place_a.cooperative
    services.announcement_publish(
        actor=place_a.ketua,
        cooperative=coop,
        title="Nanti",
        body="Teks",
        publish_on=clock.today() + timedelta(days=5),
    )
    client.force_login(place_a.bendahara)
    listing = client.get(url("announcements", coop)).content.decode()
    assert "Nanti" in listing and "Terjadwal" in listing


@pytest.mark.parametrize("persona", ["bendahara", "kasir", "pengawas"])
def test_readers_may_not_publish(client, place_a, persona):
    coop = place_a.cooperative
    client.force_login(getattr(place_a, persona))
    assert client.get(url("announcements", coop)).status_code == 200
    assert client.get(url("announcements_documents", coop)).status_code == 200
    assert client.get(url("announcements_new", coop)).status_code == 404
    assert client.get(url("announcements_document_new", coop)).status_code == 404


def test_upload_a_document_publish_supersede_and_download(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.sekretaris)
    response = client.post(
        url("announcements_document_new", coop),
        {
            "kind": "ad_art",
            "title": "AD/ART 2025",
            "fiscal_year": "2025",
            "file": SimpleUploadedFile("adart.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(cooperative=coop)
    assert not document.published
    assert (
        client.post(url("announcements_document_publish", coop, document.public_id)).status_code
        == 302
    )
    document.refresh_from_db()
    assert document.published
    download = client.get(url("announcements_document_file", coop, document.public_id))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == PDF
    replaced = client.post(
        url("announcements_document_supersede", coop, document.public_id),
        {"title": "AD/ART 2026", "file": SimpleUploadedFile("a.pdf", PDF + b"\n")},
    )
    assert replaced.status_code == 302
    document.refresh_from_db()
    new = document.superseded_by
    assert new is not None and new.published and new.title == "AD/ART 2026"
    page = client.get(url("announcements_document", coop, document.public_id)).content.decode()
    assert "AD/ART 2026" in page and document.sha256 in page


def test_a_wrong_file_is_refused_on_the_form_and_nothing_is_saved(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    response = client.post(
        url("announcements_document_new", coop),
        {
            "kind": "other",
            "title": "Berkas",
            "file": SimpleUploadedFile("x.pdf", b"GIF89a fake", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "PDF, PNG atau JPEG" in response.content.decode()
    assert not Document.objects.exists()


def test_pages_of_another_cooperative_are_404(client, place_a, place_b):
    news = testing.make_announcements(place_b)
    coop_b = place_b.cooperative
    for name, ids in [
        ("announcements", ()),
        ("announcements_detail", (news.announcement.public_id,)),
        ("announcements_document", (news.document.public_id,)),
        ("announcements_document_file", (news.document.public_id,)),
    ]:
        testing.assert_cross_tenant(client, place_a.ketua, url(name, coop_b, *ids))
    # B's objects under A's cooperative: 404 too.
    coop_a = place_a.cooperative
    testing.assert_cross_tenant(
        client, place_a.ketua, url("announcements_detail", coop_a, news.announcement.public_id)
    )
    testing.assert_cross_tenant(
        client, place_a.ketua, url("announcements_document_file", coop_a, news.document.public_id)
    )


def test_the_beranda_shows_the_latest_announcement(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    page = client.get(url("cooperative_home", coop)).content.decode()
    assert "Pengumuman terbaru" not in page
    services.announcement_publish(actor=None, cooperative=coop, title="Listrik padam", body="Teks")
    page = client.get(url("cooperative_home", coop)).content.decode()
    assert "Pengumuman terbaru" in page and "Listrik padam" in page


def test_the_public_page_lists_published_ad_art_and_rat_results_with_their_hash(client, place_a):
    coop = place_a.cooperative
    news = testing.make_announcements(place_a)  # a published AD/ART
    add = services.document_add
    result = add(
        actor=None,
        cooperative=coop,
        kind="rat_result",
        title="Hasil RAT 2025",
        file=PDF + b"rat",
        published=True,
    )
    hidden = add(
        actor=None, cooperative=coop, kind="rat_result", title="Draf RAT", file=PDF + b"draf"
    )
    statement = add(
        actor=None,
        cooperative=coop,
        kind="statement",
        title="Laporan keuangan",
        file=PDF + b"lk",
        published=True,
    )
    client.logout()
    html = client.get(reverse("web:transparency_cooperative", args=[coop.village_id])).content
    html = html.decode()
    assert news.document.title in html and news.document.sha256 in html
    assert result.title in html and result.sha256 in html
    assert hidden.title not in html and statement.title not in html
    assert place_a.sekretaris.full_name not in html  # who uploaded is not shown
