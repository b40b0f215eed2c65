"""The pure rules (no database): file types by their first bytes, plain text, the WhatsApp text."""

from datetime import date

from kopdes.announcements import rules


def test_file_kind_by_first_bytes_only():
    assert rules.file_kind(b"%PDF-1.7\n") == "pdf"
    assert rules.file_kind(b"\x89PNG\r\n\x1a\n\x00") == "png"
    assert rules.file_kind(b"\xff\xd8\xff\xe0") == "jpeg"
    assert rules.file_kind(b"GIF89a") is None
    assert rules.file_kind(b"<svg xmlns=") is None
    assert rules.file_kind(b"PK\x03\x04") is None  # a .docx or .xlsx


def test_markup_is_found():
    assert rules.has_markup("<b>tebal</b>")
    assert rules.has_markup("a <script src=x>")
    assert rules.has_markup("<!-- x -->")
    assert not rules.has_markup("nilai 3 < 5 dan 7 > 2")
    assert not rules.has_markup("Rp1.000.000")


def test_clean_text_normalises_lines():
    assert rules.clean_text("  a  \r\nb\t\r\n\r\n") == "a\nb"


def test_whatsapp_text_names_the_cooperative_and_date_and_stays_under_the_limit():
    text = rules.whatsapp_text(
        cooperative="Koperasi Desa Merah Putih Cangkudu",
        day=date(2026, 3, 1),
        title="RAT",
        body="Hadir ya.",
    )
    assert text == "*Koperasi Desa Merah Putih Cangkudu*\n1 Maret 2026\n\n*RAT*\n\nHadir ya."
    long = rules.whatsapp_text(cooperative="K", day=date(2026, 3, 1), title="T", body="x" * 5000)
    assert len(long) == rules.WHATSAPP_MAX_LENGTH and long.endswith("...")
