"""Announcements and documents: publish (idempotent on its source), schedule, withdraw, the
documents' checks, supersede, and who may do it."""

from datetime import timedelta

import pytest

from kopdes.announcements import selectors, services
from kopdes.announcements.errors import (
    AlreadyWithdrawn,
    DocumentSuperseded,
    DocumentTooLarge,
    InvalidAnnouncement,
    InvalidDocumentType,
    InvalidPublishDate,
    NotAllowed,
    ReasonRequired,
)
from kopdes.announcements.models import Announcement, Document
from kopdes.announcements.rules import DOCUMENT_MAX_BYTES
from kopdes.core import clock
from kopdes.core.errors import IdempotencyConflict
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _publish(place, **kwargs):
    values = {"title": "Rapat anggota", "body": "Hadirilah rapat anggota."}
    values.update(kwargs)
    return services.announcement_publish(
        actor=place.sekretaris, cooperative=place.cooperative, **values
    )


def test_publish_is_idempotent_on_its_source(place_a):
    first = _publish(place_a, kind="rat", source="rat:abc")
    again = _publish(place_a, kind="rat", source="rat:abc")
    assert again.pk == first.pk
    assert Announcement.objects.filter(cooperative=place_a.cooperative).count() == 1
    assert AuditEvent.objects.filter(action="announcement.publish").count() == 1
    with pytest.raises(IdempotencyConflict):
        _publish(place_a, kind="rat", source="rat:abc", body="Another text")
    # Without a source, two publications are two announcements.
    _publish(place_a)
    _publish(place_a)
    assert Announcement.objects.filter(cooperative=place_a.cooperative).count() == 3


def test_the_same_source_in_another_cooperative_is_another_announcement(place_a, place_b):
    a = _publish(place_a, source="rat:abc")
    b = _publish(place_b, source="rat:abc")
    assert a.pk != b.pk


def test_a_scheduled_announcement_is_hidden_until_its_day(place_a):
    today = clock.today()
    later = _publish(place_a, title="Nanti", publish_on=today + timedelta(days=3))
    now = _publish(place_a, title="Sekarang")
    assert list(selectors.announcements_visible(place_a.cooperative)) == [now]
    on_the_day = selectors.announcements_visible(place_a.cooperative, on=today + timedelta(days=3))
    assert list(on_the_day) == [later, now]
    assert selectors.latest_announcement(place_a.cooperative) == now


def test_a_day_in_the_past_is_refused(place_a):
    with pytest.raises(InvalidPublishDate):
        _publish(place_a, publish_on=clock.today() - timedelta(days=1))
    assert not Announcement.objects.exists()


def test_withdrawn_is_hidden_but_kept(place_a):
    shown = _publish(place_a)
    with pytest.raises(ReasonRequired):
        services.announcement_withdraw(actor=place_a.ketua, announcement=shown, reason="  ")
    withdrawn = services.announcement_withdraw(
        actor=place_a.ketua, announcement=shown, reason="Salah tanggal"
    )
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_by_label == str(place_a.ketua)
    assert list(selectors.announcements_visible(place_a.cooperative)) == []
    assert list(selectors.announcements_all(place_a.cooperative)) == [withdrawn]
    event = AuditEvent.objects.get(action="announcement.withdraw")
    assert event.reason == "Salah tanggal"
    with pytest.raises(AlreadyWithdrawn):
        services.announcement_withdraw(actor=place_a.ketua, announcement=shown, reason="Lagi")


@pytest.mark.parametrize(
    "field,value", [("title", ""), ("body", "<b>tebal</b>"), ("body", "x" * 3001)]
)
def test_bad_text_is_refused_with_its_field(place_a, field, value):
    with pytest.raises(InvalidAnnouncement) as caught:
        _publish(place_a, **{field: value})
    assert field in caught.value.fields
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("persona", ["bendahara", "kasir", "pengawas", "manajer"])
def test_only_ketua_and_sekretaris_publish(place_a, persona):
    with pytest.raises(NotAllowed):
        services.announcement_publish(
            actor=getattr(place_a, persona), cooperative=place_a.cooperative, title="T", body="B"
        )


def test_an_officer_of_another_cooperative_may_not_publish(place_a, place_b):
    with pytest.raises(NotAllowed):
        services.announcement_publish(
            actor=place_b.ketua, cooperative=place_a.cooperative, title="T", body="B"
        )


def test_a_document_is_checked_stored_and_hashed(place_a):
    document = services.document_add(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        kind="ad_art",
        title="AD/ART 2025",
        file=PDF,
        fiscal_year=2025,
    )
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert len(document.sha256) == 64
    assert not document.published
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    png = services.document_add(
        actor=place_a.ketua, cooperative=place_a.cooperative, kind="other", title="Foto", file=PNG
    )
    assert png.content_type == "image/png"


@pytest.mark.parametrize(
    "content,error",
    [
        (b"GIF89a" + b"\x00" * 20, InvalidDocumentType),
        (b"<html><script>", InvalidDocumentType),
        (b"%PDF-" + b"\x00" * DOCUMENT_MAX_BYTES, DocumentTooLarge),
    ],
)
def test_document_type_and_size_are_refused(place_a, content, error):
    with pytest.raises(error) as caught:
        services.document_add(
            actor=place_a.sekretaris,
            cooperative=place_a.cooperative,
            kind="other",
            title="Berkas",
            file=content,
        )
    assert "file" in caught.value.fields
    assert not Document.objects.exists()


def test_publish_unpublish_and_supersede(place_a):
    old = services.document_add(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        kind="ad_art",
        title="AD/ART lama",
        file=PDF,
        published=True,
    )
    new = services.document_supersede(
        actor=place_a.sekretaris, document=old, title="AD/ART baru", file=PDF + b"\n"
    )
    old.refresh_from_db()
    assert old.superseded_by == new
    assert new.published and new.kind == "ad_art"
    assert set(selectors.documents_published(place_a.cooperative)) == {old, new}
    with pytest.raises(DocumentSuperseded):
        services.document_supersede(actor=place_a.sekretaris, document=old, title="X", file=PDF)
    services.document_unpublish(actor=place_a.sekretaris, document=old)
    with pytest.raises(DocumentSuperseded):
        services.document_publish(actor=place_a.sekretaris, document=old)
    assert list(selectors.documents_published(place_a.cooperative)) == [new]
    assert list(selectors.public_documents(place_a.cooperative)) == [new]


def test_whatsapp_text(place_a):
    announcement = _publish(place_a, title="Rapat", body="Datanglah.\nTerima kasih.")
    text = selectors.announcement_whatsapp_text(announcement)
    assert text.startswith(f"*{place_a.cooperative.name}*\n")
    assert "*Rapat*" in text and text.endswith("Terima kasih.")
    long = _publish(place_a, title="Panjang", body="kata " * 590)
    assert len(selectors.announcement_whatsapp_text(long)) <= 4096
