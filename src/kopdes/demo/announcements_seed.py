"""The demo's announcements and member documents (issue 13.5), booked through the services as the
sekretaris would: the cooperative's AD/ART as a PDF (made with the one PDF helper,
`core.pdf.render_pdf`), published to the members, then two announcements: the AD/ART's, and a
general one (a work day or a reminder, drawn by the village's own random generator) scheduled a
few days ahead.

Deterministic (seeded by the village code) and idempotent: the announcements carry a `source`
("demo:..."), so a second run returns them, and the AD/ART is added only once. Not wired into
`seed.py` (the integrator does that).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape

from django.utils import timezone

from kopdes.accounts.models import Role, User
from kopdes.announcements import services as announcements
from kopdes.announcements.models import Announcement, Document
from kopdes.announcements.rules import date_id
from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.pdf import render_pdf

GENERAL = [
    (
        "Kerja bakti gerai koperasi",
        "Pengurus mengajak seluruh anggota kerja bakti membersihkan gerai dan gudang koperasi "
        "pada {day}, mulai pukul 07.00. Bawa alat kebersihan masing-masing.",
    ),
    (
        "Pengingat simpanan wajib",
        "Simpanan wajib bulan ini dapat disetor di kantor koperasi atau melalui petugas "
        "kolektor paling lambat {day}. Terima kasih atas kedisiplinan Bapak/Ibu anggota.",
    ),
    (
        "Sosialisasi pinjaman anggota",
        "Koperasi mengadakan sosialisasi produk pinjaman anggota pada {day} pukul 09.00 di "
        "balai desa. Anggota yang berminat dipersilakan hadir.",
    ),
]


@dataclass
class Seeded:
    document: Document
    announcements: list[Announcement]


def _sekretaris(cooperative: Cooperative) -> User | None:
    """The sekretaris in office (the one who publishes), or the ketua; None: the system."""
    for kind in ("sekretaris", "ketua"):
        role = (
            Role.objects.filter(cooperative=cooperative, kind=kind, ended_on__isnull=True)
            .select_related("user")
            .first()
        )
        if role is not None:
            return role.user
    return None


def ad_art_html(cooperative: Cooperative, *, on: date) -> str:
    """The AD/ART as a small self-contained HTML document (inline CSS, no external resource)."""
    policy = policy_in_force(cooperative=cooperative, on=on)
    quorum = f"{policy.rat_quorum_percent.normalize()}%" if policy is not None else "50%"
    notice = policy.rat_notice_days if policy is not None else 14
    name = escape(cooperative.name)
    village = escape(cooperative.village.name)
    founded = date_id(cooperative.founded_on) if cooperative.founded_on else date_id(on)
    articles = [
        ("Nama dan tempat kedudukan", f"Koperasi ini bernama {name}, berkedudukan di {village}."),
        (
            "Asas dan tujuan",
            "Koperasi berasaskan kekeluargaan dan bertujuan meningkatkan kesejahteraan anggota "
            "dan masyarakat desa.",
        ),
        (
            "Keanggotaan",
            "Anggota adalah warga desa yang telah membayar simpanan pokok dan simpanan wajib.",
        ),
        (
            "Rapat Anggota",
            f"Rapat Anggota Tahunan diadakan paling lambat enam bulan setelah tahun buku "
            f"berakhir, diumumkan sekurang-kurangnya {notice} hari sebelumnya, dan sah bila "
            f"dihadiri lebih dari {quorum} anggota.",
        ),
        (
            "Sisa Hasil Usaha",
            "SHU dibagi menurut keputusan Rapat Anggota sesuai jasa modal dan jasa usaha anggota.",
        ),
    ]
    body = "".join(
        f"<h2>Pasal {n}. {escape(title)}</h2><p>{text}</p>"
        for n, (title, text) in enumerate(articles, start=1)
    )
    return (
        "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
        "<style>body{font-family:sans-serif;font-size:11pt;margin:2cm}"
        "h1{font-size:16pt;text-align:center}h2{font-size:12pt}</style></head><body>"
        f"<h1>Anggaran Dasar dan Anggaran Rumah Tangga<br>{name}</h1>"
        f"<p>Ditetapkan pada rapat pendirian tanggal {founded}.</p>{body}</body></html>"
    )


def announcements_seed_cooperative(cooperative: Cooperative, *, on: date) -> Seeded:
    """Book the cooperative's AD/ART (published) and two announcements on `on` (the demo's day):
    the AD/ART's, shown from `on`, and a general one scheduled 3 to 7 days later."""
    seeded = list(
        Announcement.objects.filter(cooperative=cooperative, source__startswith="demo:")
        .select_related("document")
        .order_by("id")
    )
    if seeded and seeded[0].document is not None:  # a run on a later day leaves them alone
        return Seeded(document=seeded[0].document, announcements=seeded)
    rng = random.Random(f"announcements:{cooperative.village_id}")
    actor = _sekretaris(cooperative)
    moment = timezone.make_aware(datetime.combine(on, time(9, 0)))
    with clock.as_of(moment):
        document = (
            Document.objects.filter(cooperative=cooperative, kind=Document.Kind.AD_ART)
            .order_by("uploaded_at", "id")
            .first()
        )
        if document is None:
            document = announcements.document_add(
                actor=actor,
                cooperative=cooperative,
                kind=Document.Kind.AD_ART,
                title=f"AD/ART {cooperative.name}",
                file=render_pdf(ad_art_html(cooperative, on=on)),
                fiscal_year=on.year,
                published=True,
            )
        first = announcements.announcement_publish(
            actor=actor,
            cooperative=cooperative,
            kind="document",
            title="AD/ART koperasi dapat dibaca anggota",
            body=(
                f"Anggaran Dasar dan Anggaran Rumah Tangga {cooperative.name} kini dapat dibaca "
                "di aplikasi anggota, menu Dokumen. Sidik jari SHA-256-nya juga tercantum di "
                "halaman transparansi koperasi."
            ),
            document=document,
            publish_on=on,
            source="demo:ad_art",
        )
        title, text = rng.choice(GENERAL)
        day = on + timedelta(days=rng.randint(3, 7))
        second = announcements.announcement_publish(
            actor=actor,
            cooperative=cooperative,
            title=title,
            body=text.format(day=date_id(day)),
            publish_on=day,
            source="demo:general",
        )
    return Seeded(document=document, announcements=[first, second])
