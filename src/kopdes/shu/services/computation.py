"""The SHU of a year: simulated from the closed books, approved by the RAT, posted to the ledger,
paid to the members (docs/adr/0027-shu-computation.md)."""

from django.db import transaction
from django.utils import timezone

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_id, actor_label
from kopdes.core.audit import audit_record
from kopdes.ledger import services as ledger
from kopdes.members.models import Member
from kopdes.savings.services import INTEREST_LINES_PER_ENTRY, sukarela_credit_from
from kopdes.shu import selectors
from kopdes.shu.errors import (
    AlreadyApproved,
    AlreadyPaid,
    Deficit,
    InvalidChannel,
    InvalidYear,
    MemberNeeded,
    ResolutionMissing,
    SamePerson,
    ShuYearNotFound,
    WrongStatus,
)
from kopdes.shu.models import ShuAllocationLine, ShuMemberShare, ShuYear

CHANNELS = ("sukarela", "cash")


def _user(actor: Actor):
    return actor if actor_id(actor) is not None else None


@transaction.atomic
def shu_simulate(*, actor: Actor, cooperative: Cooperative, year: int) -> ShuYear:
    """Compute the year's SHU from its closing entry and the policy in force today: the member
    part, the allocation lines, the pools and every member's share. Replaces an earlier
    simulation of the year; never an approved one (AlreadyApproved). Raises InvalidYear,
    YearNotClosed, Deficit, AllocationNot100, UnknownAllocationLine, NoBasis."""
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year < clock.today().year:
        raise InvalidYear(fields={"year": [str(InvalidYear.message)]})
    existing = (
        ShuYear.objects.select_for_update().filter(cooperative=cooperative, year=year).first()
    )
    if existing is not None and existing.status != ShuYear.Status.SIMULATED:
        raise AlreadyApproved(year=year, status=existing.get_status_display())
    result = selectors.year_result(cooperative, year)
    if result.shu_total <= 0:
        raise Deficit(year=year, result=result.shu_total)
    policy = policy_in_force(cooperative=cooperative, on=clock.today())
    if policy is None:
        raise InvalidYear(fields={"year": [str(InvalidYear.message)]})
    d = selectors.division(cooperative, year, result, policy)
    member_part, non_member_part, lines = d.member_part, d.non_member_part, d.lines
    members_line, modal_pool, usaha_pool = d.members_line, d.jasa_modal_pool, d.jasa_usaha_pool
    members, bases, shares = d.members, d.bases, d.shares
    purchases, interest, with_interest = d.purchases, d.interest, d.with_interest
    if existing is not None:
        existing.delete()
    shu_year = ShuYear.objects.create(
        cooperative=cooperative,
        year=year,
        status=ShuYear.Status.SIMULATED,
        policy_version=policy.version,
        shu_total=result.shu_total,
        member_income=result.member_income,
        non_member_income=result.non_member_income,
        member_part=member_part,
        non_member_part=non_member_part,
        savings_basis=policy.shu_savings_basis,
        savings_include_sukarela=policy.shu_savings_include_sukarela,
        transaction_basis=policy.shu_transaction_basis,
        jasa_modal_percent=policy.shu_jasa_modal_percent,
        members_line=members_line,
        jasa_modal_pool=modal_pool,
        jasa_usaha_pool=usaha_pool,
        savings_total=sum(b.savings for b in bases),
        purchases_total=sum(max(purchases.get(m.pk, 0), 0) for m in members),
        interest_total=sum(interest.get(m.pk, 0) for m in members) if with_interest else 0,
        transactions_total=sum(b.transactions for b in bases),
        member_count=len(members),
        simulated_at=timezone.now(),
        simulated_by=_user(actor),
        simulated_by_label=actor_label(actor),
    )
    ShuAllocationLine.objects.bulk_create(
        [
            ShuAllocationLine(
                cooperative=cooperative,
                shu_year=shu_year,
                position=n,
                key=ln.key,
                label=ln.label,
                percent=ln.percent,
                amount=ln.amount,
            )
            for n, ln in enumerate(lines)
        ]
    )
    by_number = {m.number or 0: m for m in members}
    ShuMemberShare.objects.bulk_create(
        [
            ShuMemberShare(
                cooperative=cooperative,
                shu_year=shu_year,
                member=by_number[s.number],
                savings=b.savings,
                purchases=max(purchases.get(by_number[s.number].pk, 0), 0),
                interest=interest.get(by_number[s.number].pk, 0) if with_interest else 0,
                transactions=b.transactions,
                jasa_modal=s.jasa_modal,
                jasa_usaha=s.jasa_usaha,
                total=s.total,
            )
            for s, b in zip(shares, sorted(bases, key=lambda b: b.number), strict=True)
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        action="shu.simulate",
        obj=shu_year,
        after={
            "year": year,
            "shu_total": result.shu_total,
            "member_part": member_part,
            "lines": {ln.key: ln.amount for ln in lines},
            "jasa_modal_pool": modal_pool,
            "jasa_usaha_pool": usaha_pool,
            "members": len(members),
            "policy_version": policy.version,
        },
    )
    return shu_year


def _locked(shu_year: ShuYear) -> ShuYear:
    found = ShuYear.objects.select_for_update().filter(pk=shu_year.pk).first()
    if found is None:
        raise ShuYearNotFound()
    return found


def _need(shu_year: ShuYear, status: str) -> None:
    if shu_year.status != status:
        raise WrongStatus(
            year=shu_year.year,
            status=shu_year.get_status_display(),
            needed=ShuYear.Status(status).label,
        )


@transaction.atomic
def shu_approve(*, actor: Actor, shu_year: ShuYear, resolution: str) -> ShuYear:
    """Record the RAT's approval of the simulated SHU, with the resolution's public id text.
    Raises ResolutionMissing, WrongStatus."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ResolutionMissing(fields={"resolution": [str(ResolutionMissing.message)]})
    shu_year = _locked(shu_year)
    _need(shu_year, ShuYear.Status.SIMULATED)
    shu_year.status = ShuYear.Status.APPROVED
    shu_year.resolution = resolution[:200]
    shu_year.approved_at = timezone.now()
    shu_year.approved_by = _user(actor)
    shu_year.save(update_fields=["status", "resolution", "approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action="shu.approve",
        obj=shu_year,
        after={"year": shu_year.year, "resolution": shu_year.resolution},
    )
    return shu_year


@transaction.atomic
def shu_post(*, actor: Actor, shu_year: ShuYear) -> ShuYear:
    """Post the approved allocation ("shu.allocated": 3-106 to each line's account), dated today.
    A second person: whoever simulated may not post (SamePerson). Raises WrongStatus,
    PeriodClosed."""
    shu_year = _locked(shu_year)
    _need(shu_year, ShuYear.Status.APPROVED)
    if actor_id(actor) is not None and actor_id(actor) == shu_year.simulated_by_id:
        raise SamePerson()
    on = clock.today()
    rule = ledger.posting_rule_in_force(
        cooperative=shu_year.cooperative, event="shu.allocated", key="", on=on
    )
    amounts = {ln.key: ln.amount for ln in selectors.allocation_lines(shu_year)}
    entry = ledger.journal_entry_post(
        cooperative=shu_year.cooperative,
        date=on,
        memo=f"Pembagian SHU {shu_year.year} ({shu_year.resolution})"[:200],
        lines=ledger.event_lines(rule=rule, amounts=amounts),
        source_kind="shu.allocated",
        source_id=str(shu_year.year),
        idempotency_key=f"shu-{shu_year.year}-allocated",
        actor=actor,
    )
    shu_year.status = ShuYear.Status.POSTED
    shu_year.allocation_entry = entry
    shu_year.posted_at = timezone.now()
    shu_year.posted_by = _user(actor)
    shu_year.save(update_fields=["status", "allocation_entry", "posted_at", "posted_by"])
    audit_record(
        actor=actor,
        action="shu.post",
        obj=shu_year,
        after={"year": shu_year.year, "entry": entry.pk, "lines": amounts},
    )
    return shu_year


def _finish_if_paid(shu_year: ShuYear) -> None:
    unpaid = ShuMemberShare.objects.filter(shu_year=shu_year, total__gt=0, paid_channel="")
    if not unpaid.exists():
        shu_year.status = ShuYear.Status.PAID
        shu_year.save(update_fields=["status"])


@transaction.atomic
def shu_pay(
    *, actor: Actor, shu_year: ShuYear, channel: str, member: Member | None = None
) -> ShuYear:
    """Pay the members' shares of a posted SHU. `sukarela`: every unpaid share of an active
    member credited to their simpanan sukarela in one bulk posting ("shu.paid"/sukarela, through
    `savings.services.sukarela_credit_from`); `cash`: one member at the counter ("shu.paid"/cash,
    from the office cash). The year is `paid` once every share above zero is. Raises
    InvalidChannel, MemberNeeded, AlreadyPaid, WrongStatus, PeriodClosed."""
    if channel not in CHANNELS:
        raise InvalidChannel(fields={"channel": [str(InvalidChannel.message)]})
    shu_year = _locked(shu_year)
    if shu_year.status == ShuYear.Status.PAID:
        raise AlreadyPaid()
    _need(shu_year, ShuYear.Status.POSTED)
    cooperative = shu_year.cooperative
    on = clock.today()
    if channel == "cash":
        if member is None:
            raise MemberNeeded(fields={"member": [str(MemberNeeded.message)]})
        share = (
            ShuMemberShare.objects.select_for_update()
            .filter(shu_year=shu_year, member=member)
            .first()
        )
        if share is None:
            raise ShuYearNotFound()
        if share.paid_channel or share.total == 0:
            raise AlreadyPaid()
        rule = ledger.posting_rule_in_force(
            cooperative=cooperative, event="shu.paid", key="cash", on=on
        )
        entry = ledger.journal_entry_post(
            cooperative=cooperative,
            date=on,
            memo=f"SHU {shu_year.year} dibayar tunai: {member.full_name} ({member.niak})"[:200],
            lines=ledger.event_lines(rule=rule, amounts={"amount": share.total}),
            source_kind="shu.paid",
            source_id=f"{shu_year.year}:{member.public_id}",
            idempotency_key=f"shu-{shu_year.year}-cash-{member.public_id}",
            actor=actor,
        )
        share.paid_channel = ShuMemberShare.Channel.CASH
        share.paid_on = on
        share.paid_entry = entry
        share.save(update_fields=["paid_channel", "paid_on", "paid_entry"])
        paid = [(member.niak, share.total)]
    else:
        shares = list(
            ShuMemberShare.objects.select_for_update()
            .filter(
                shu_year=shu_year,
                paid_channel="",
                total__gt=0,
                member__status=Member.Status.ACTIVE,
            )
            .select_related("member")
            .order_by("member__number")
        )
        run = (
            ShuMemberShare.objects.filter(shu_year=shu_year, paid_channel="sukarela")
            .values("paid_entry_id")
            .distinct()
            .count()
        )
        entries = sukarela_credit_from(
            actor=actor,
            cooperative=cooperative,
            credits=[(s.member, s.total) for s in shares],
            event="shu.paid",
            key="sukarela",
            reference=f"shu-{shu_year.year}-sukarela-{run + 1}",
            on=on,
            memo=f"SHU {shu_year.year} ke simpanan sukarela",
        )
        size = INTEREST_LINES_PER_ENTRY  # the member lines of each entry, in order
        for n, entry in enumerate(entries):
            ShuMemberShare.objects.filter(
                pk__in=[s.pk for s in shares[n * size : (n + 1) * size]]
            ).update(paid_channel=ShuMemberShare.Channel.SUKARELA, paid_on=on, paid_entry=entry)
        paid = [(s.member.niak, s.total) for s in shares]
    _finish_if_paid(shu_year)
    audit_record(
        actor=actor,
        action="shu.pay",
        obj=shu_year,
        after={
            "year": shu_year.year,
            "channel": channel,
            "members": len(paid),
            "total": sum(t for _n, t in paid),
        },
    )
    return shu_year
