"""The meeting's documents: the pack generated from the closed books of the fiscal year (the
financial statements as a PDF and Excel, made by the ledger's statements and exports, the SHU
proposal, the fund-use report at the year's end), the files
the officers upload (RAPB, the pengurus' and pengawas' reports), and the minutes (berita acara)
as a PDF. Every file is kept with its SHA-256, which the pages and the member app show."""

from datetime import date
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kopdes.accounts.models import Role
from kopdes.accounts.selectors import officers
from kopdes.core import clock, pdf
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.funding import report as funding_report
from kopdes.ledger import exports, statements
from kopdes.ledger.selectors import closed_through
from kopdes.rat import selectors
from kopdes.rat.errors import BooksNotClosed, InvalidDocument
from kopdes.rat.models import Meeting, MeetingDocument
from kopdes.rat.services._common import (
    content,
    lock,
    read_document,
    require_manager,
    require_status,
    sha256,
)
from kopdes.shu import selectors as shu_selectors

Status = Meeting.Status
Kind = MeetingDocument.Kind
UPLOAD_KINDS = (
    Kind.RAPB,
    Kind.PENGURUS_REPORT,
    Kind.PENGAWAS_REPORT,
    Kind.OTHER,
)


def statement_tables(cooperative, year: int) -> list[exports.Table]:
    """The statements of the fiscal year, as the ledger's exports lay them out."""
    period = statements.ReportPeriod.whole_year(year)
    return [
        exports.balance_sheet_table(
            statements.balance_sheet(cooperative=cooperative, period=period)
        ),
        exports.income_statement_table(
            statements.income_statement(cooperative=cooperative, period=period)
        ),
        exports.equity_changes_table(
            statements.equity_changes(cooperative=cooperative, period=period)
        ),
        exports.cash_flow_table(statements.cash_flow(cooperative=cooperative, period=period)),
    ]


def _heading(cooperative, table: exports.Table) -> list[str]:
    village = cooperative.village
    return [
        cooperative.name,
        f"{village} · Kec. {village.district.name}",
        table.title,
        table.period,
    ]


def _signatories(cooperative, kinds: list[tuple[str, str]]) -> list[tuple[str, str]]:
    names = {role.kind: role.user.full_name for role in officers(cooperative=cooperative)}
    return [(office, names.get(kind, "")) for kind, office in kinds]


def _add(meeting: Meeting, *, kind: str, title: str, data: bytes, ext: str, actor, generated):
    digest = sha256(data)
    document = MeetingDocument(
        cooperative=meeting.cooperative,
        meeting=meeting,
        kind=kind,
        title=title,
        sha256=digest,
        generated=generated,
        created_by_label=actor_label(actor),
    )
    document.file.save(f"{meeting.public_id}-{digest[:12]}.{ext}", content(data, "f"), save=False)
    document.save()
    return document


@transaction.atomic
def documents_generate(*, actor: Actor, meeting: Meeting) -> list[MeetingDocument]:
    """The pack of a draft or announced meeting from the CLOSED books of its fiscal year
    (BooksNotClosed until December is closed): the financial statements as one PDF and the
    balance sheet and income statement as Excel (the ledger's statements and exports), the SHU
    proposal of the year when there is one (kopdes.shu.selectors.shu_proposal), and the fund-use
    report as of 31 December when the cooperative had a funding source by then (the members
    judge how the CSR grants and hibah were spent). Generated documents made before are
    replaced; uploaded ones stay."""
    cooperative = meeting.cooperative
    require_manager(actor, cooperative)
    meeting = lock(meeting)
    require_status(meeting, Status.DRAFT, Status.ANNOUNCED)
    year_end = date(meeting.fiscal_year, 12, 31)
    closed = closed_through(cooperative=cooperative)
    if closed is None or closed < year_end:
        raise BooksNotClosed(
            year=meeting.fiscal_year, closed=closed.isoformat() if closed else _("nothing")
        )
    tables = statement_tables(cooperative, meeting.fiscal_year)
    html = render_to_string(
        "rat/statements_pdf.html",
        {
            "cooperative": cooperative,
            "tables": [
                {
                    "table": t,
                    "header": list(zip(t.columns, t.amounts, strict=True)),
                    "rows": [
                        {
                            "style": r.style,
                            "indent": r.indent,
                            "cells": [
                                {"value": v, "amount": a}
                                for v, a in zip(r.cells, t.amounts, strict=True)
                            ],
                        }
                        for r in t.rows
                    ],
                }
                for t in tables
            ],
            "heading": _heading(cooperative, tables[0]),
            "year": meeting.fiscal_year,
            "signatories": _signatories(
                cooperative, [(Role.Kind.KETUA, "Ketua"), (Role.Kind.BENDAHARA, "Bendahara")]
            ),
        },
    )
    replaced = list(
        MeetingDocument.objects.filter(meeting=meeting, generated=True).values_list(
            "title", flat=True
        )
    )
    MeetingDocument.objects.filter(meeting=meeting, generated=True).delete()
    made = [
        _add(
            meeting,
            kind=Kind.STATEMENTS,
            title=f"Laporan Keuangan Tahun Buku {meeting.fiscal_year} (PDF)",
            data=pdf.render_pdf(html),
            ext="pdf",
            actor=actor,
            generated=True,
        )
    ]
    for table in tables[:2]:
        made.append(
            _add(
                meeting,
                kind=Kind.STATEMENTS,
                title=f"{table.title} {meeting.fiscal_year} (Excel)",
                data=exports.xlsx_bytes(table, heading=_heading(cooperative, table)),
                ext="xlsx",
                actor=actor,
                generated=True,
            )
        )
    proposal = shu_selectors.shu_proposal(cooperative, meeting.fiscal_year)
    if proposal is not None:
        with translation.override("id"):
            shu_html = render_to_string(
                "rat/shu_pdf.html",
                {
                    "cooperative": cooperative,
                    "shu": proposal,
                    "lines": list(shu_selectors.allocation_lines(proposal)),
                    "heading": _heading(cooperative, tables[0]),
                },
            )
        made.append(
            _add(
                meeting,
                kind=Kind.SHU,
                title=f"Usulan Pembagian SHU Tahun Buku {meeting.fiscal_year}",
                data=pdf.render_pdf(shu_html),
                ext="pdf",
                actor=actor,
                generated=True,
            )
        )
    with translation.override("id"):  # the business lines' labels are read as the report is built
        fund_use = funding_report.fund_use_report(cooperative, year_end)
        fund_use_pdf = funding_report.fund_use_report_pdf(fund_use) if fund_use.rows else None
    if fund_use_pdf is not None:
        made.append(
            _add(
                meeting,
                kind=Kind.FUND_USE,
                title=f"Laporan Penggunaan Dana s.d. 31 Desember {meeting.fiscal_year}",
                data=fund_use_pdf,
                ext="pdf",
                actor=actor,
                generated=True,
            )
        )
    audit_record(
        actor=actor,
        action="rat.documents_generate",
        obj=meeting,
        before={"documents": replaced},
        after={"documents": [d.title for d in made], "sha256": [d.sha256 for d in made]},
    )
    return made


@transaction.atomic
def document_upload(
    *, actor: Actor, meeting: Meeting, kind: str, title: str, file: Any
) -> MeetingDocument:
    """A document the officers made (RAPB, the pengurus' or pengawas' report, other): a PDF or
    a photo, at most 5 MB."""
    require_manager(actor, meeting.cooperative)
    title = str(title or "").strip()[:200]
    if kind not in UPLOAD_KINDS:
        raise InvalidDocument(fields={"kind": [_("Choose the kind of document.")]})
    if not title:
        raise InvalidDocument(fields={"title": [_("Give the document a title.")]})
    data, ext = read_document(file)
    meeting = lock(meeting)
    require_status(meeting, Status.DRAFT, Status.ANNOUNCED, Status.HELD)
    document = _add(
        meeting, kind=kind, title=title, data=data, ext=ext, actor=actor, generated=False
    )
    audit_record(
        actor=actor,
        action="rat.document_upload",
        obj=document,
        after={"kind": kind, "title": title, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def minutes_generate(*, actor: Actor, meeting: Meeting) -> Meeting:
    """The berita acara of a meeting in session or closed, as a PDF: when and where, the
    attendance count against the members and the quorum, each resolution's outcome and counts,
    and the signatures block. Made again on request (the last one is kept, with its SHA-256)."""
    require_manager(actor, meeting.cooperative)
    meeting = lock(meeting)
    require_status(meeting, Status.HELD, Status.CLOSED)
    cooperative = meeting.cooperative
    present, members, required, met = selectors.quorum(meeting)
    modes = {"in_person": 0, "online": 0}
    for mode in selectors.attendance(meeting).values_list("mode", flat=True):
        modes[mode] += 1
    with translation.override("id"):  # the berita acara is an Indonesian legal document
        html = _minutes_html(meeting, cooperative, present, members, required, met, modes)
    data = pdf.render_pdf(html)
    meeting.minutes_sha256 = sha256(data)
    meeting.minutes_file.save(
        f"berita-acara-{meeting.public_id}.pdf", content(data, "f"), save=False
    )
    meeting.save(update_fields=["minutes_file", "minutes_sha256", "updated_at"])
    audit_record(
        actor=actor,
        action="rat.minutes",
        obj=meeting,
        after={"sha256": meeting.minutes_sha256, "present": present, "quorum": met},
    )
    return meeting


def _minutes_html(meeting, cooperative, present, members, required, met, modes) -> str:
    return render_to_string(
        "rat/minutes_pdf.html",
        {
            "cooperative": cooperative,
            "meeting": meeting,
            "when": timezone.localtime(meeting.opened_at or meeting.scheduled_at),
            "made_at": timezone.localtime(clock.now()),
            "present": present,
            "members": members,
            "required": required,
            "met": met,
            "modes": modes,
            "agenda": list(meeting.agenda.order_by("order")),
            "resolutions": list(selectors.resolutions(meeting).order_by("opened_at", "pk")),
            "signatories": _signatories(
                cooperative,
                [
                    (Role.Kind.KETUA, "Ketua"),
                    (Role.Kind.SEKRETARIS, "Sekretaris"),
                    (Role.Kind.KETUA_PENGAWAS, "Ketua Pengawas"),
                ],
            ),
        },
    )
