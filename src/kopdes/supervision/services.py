"""The health assessment's writes (docs/domain.md §5): assess a cooperative's closed year, fill
the management questionnaire, revise a method. Only the examiner (a Dinas grant that is not
read-only and covers the cooperative: `Capability.ASSESS_HEALTH`) assesses and fills; the
system (`actor=None`, `kopdes health assess`) assesses too."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from kopdes.accounts.access import Capability, examiner_prefixes, examines_anywhere, holds
from kopdes.accounts.models import User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record, audit_records
from kopdes.core.replicas import supervision_reads
from kopdes.supervision import rules, selectors, warning_rules
from kopdes.supervision.errors import (
    MethodInvalid,
    NotExaminer,
    NotWarningExaminer,
    ResolutionNoteRequired,
    ScopeNotExamined,
    ThresholdsInvalid,
    UnknownQuestion,
    WarningClosed,
    WarningNotOpen,
    YearNotClosed,
)
from kopdes.supervision.models import (
    Assessment,
    EarlyWarning,
    HealthMethod,
    ManagementAnswers,
    WarningState,
    WarningThresholds,
)


def _check_examiner(actor: Actor, cooperative: Cooperative) -> None:
    if actor is not None and not (
        isinstance(actor, User) and holds(actor, cooperative, Capability.ASSESS_HEALTH)
    ):
        raise NotExaminer()


def health_assess(*, actor: Actor, cooperative: Cooperative, year: int) -> Assessment:
    """Score the closed books of `year` by the ratio method in force, with the management
    questionnaire if filled (else that aspect scores 0). The new assessment becomes the
    current one of the year; earlier ones stay as history.

    The books (the year's statements, the heavy read) come from a read replica when one is
    configured and has the year closed too (`core.replicas`, ADR 0036): a closed year takes no
    posting, so the replica's copy is the primary's. A replica that lags behind the closing is
    not read; the write's transaction checks the year closed again, on the primary."""
    _check_examiner(actor, cooperative)
    inputs = None
    with supervision_reads():
        if selectors.year_closed(cooperative, year):
            inputs = selectors.book_inputs(cooperative, year)
    return _assessment_record(actor=actor, cooperative=cooperative, year=year, inputs=inputs)


@transaction.atomic
def _assessment_record(
    *, actor: Actor, cooperative: Cooperative, year: int, inputs: dict[str, int] | None
) -> Assessment:
    if not selectors.year_closed(cooperative, year):
        raise YearNotClosed(year=year)
    if inputs is None:  # the replica had not replayed the closing yet
        inputs = selectors.book_inputs(cooperative, year)
    method = selectors.method_in_force(HealthMethod.Kind.RATIO)
    filled = selectors.management_answers(cooperative, year)
    result = rules.assess(
        method.rules,
        inputs,
        None if filled is None else filled.answers,
        selectors.INPUT_LABELS,
    )
    previous = (
        Assessment.objects.select_for_update()
        .filter(cooperative=cooperative, year=year, is_current=True)
        .first()
    )
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    assessment = Assessment.objects.create(
        cooperative=cooperative,
        year=year,
        method=method,
        score=result.score,
        predicate=result.predicate,
        components=[c.as_json() for c in result.components],
        inputs=inputs,
        questionnaire_filled=filled is not None,
        assessed_by_label=actor_label(actor),
        assessed_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="health.assess",
        obj=assessment,
        cooperative_id=cooperative.pk,
        before=None
        if previous is None
        else {"score": str(previous.score), "predicate": previous.predicate},
        after={
            "year": year,
            "method": str(method),
            "score": str(assessment.score),
            "predicate": assessment.predicate,
        },
    )
    return assessment


@transaction.atomic
def management_answers_fill(
    *, actor: Actor, cooperative: Cooperative, year: int, answers: dict[str, bool]
) -> ManagementAnswers:
    """The examiner's answers to the method's management questionnaire for `year` (every
    question not answered yes is no); replaces earlier answers of the year."""
    _check_examiner(actor, cooperative)
    method = selectors.method_in_force(HealthMethod.Kind.RATIO)
    known = [q["key"] for q in method.rules.get("questionnaire", [])]
    for key in answers:
        if key not in known:
            raise UnknownQuestion(key=key)
    clean = {key: answers.get(key) is True for key in known}
    row = (
        ManagementAnswers.objects.select_for_update()
        .filter(cooperative=cooperative, year=year)
        .first()
    )
    before = None if row is None else dict(row.answers)
    if row is None:
        row = ManagementAnswers(cooperative=cooperative, year=year, method=method)
    row.method = method
    row.answers = clean
    row.filled_by_label = actor_label(actor)
    row.filled_at = clock.now()
    row.save()
    audit_record(
        actor=actor,
        action="health.questionnaire_fill",
        obj=row,
        cooperative_id=cooperative.pk,
        before=before,
        after={"year": year, **clean},
    )
    return row


@transaction.atomic
def health_method_revise(
    *, actor: Actor, kind: str, rules_data: dict[str, Any], note: str = ""
) -> HealthMethod:
    """A new version of a method (the Dinas' edit): a ratio method is checked first
    (weights total 100, bands in order, scores 0..100); the risk-based frame is stored as
    given. Assessments already made keep the version they used. Only an examiner (or the
    system)."""
    if actor is not None and not (isinstance(actor, User) and examines_anywhere(actor)):
        raise NotExaminer()
    if kind == HealthMethod.Kind.RATIO:
        try:
            rules.validate_method(rules_data)
        except rules.MethodInvalid as error:
            raise MethodInvalid(problems="; ".join(error.problems)) from None
    last = HealthMethod.objects.select_for_update().filter(kind=kind).order_by("-version").first()
    method = HealthMethod.objects.create(
        kind=kind,
        version=(last.version if last else 0) + 1,
        rules=rules_data,
        note=note,
        created_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="health.method_revise",
        obj=method,
        after={"kind": kind, "version": method.version, "note": note},
    )
    return method


# -- early warnings (peringatan dini, docs/supervision.md) ------------------------------------


@dataclass
class ScanResult:
    cooperatives: int = 0
    raised: int = 0
    kept: int = 0
    cleared: int = 0
    reopened: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # open or acknowledged after the scan


def _follow_up_check(actor: Actor, cooperative: Cooperative) -> None:
    if not (isinstance(actor, User) and holds(actor, cooperative, Capability.FOLLOW_UP_WARNINGS)):
        raise NotWarningExaminer()


@transaction.atomic
def warnings_scan(
    *,
    actor: Actor,
    cooperatives: Iterable[Cooperative] | None = None,
    on: date | None = None,
) -> ScanResult:
    """Run every early-warning rule (`warning_rules.RULES`) over `cooperatives` (every one by
    default) as of `on` (today), each rule one set of queries for all of them. A finding
    without a warning raises one; an open or acknowledged warning that holds is kept (its facts
    refreshed); a cleared one that holds again is reopened; a resolved one stays resolved. An
    open or acknowledged warning whose rule no longer holds is cleared. Scanning twice changes
    nothing the second time (one warning per cooperative, kind and subject). The system
    (`actor=None`) or an examiner (of every cooperative scanned) scans; each change is audited."""
    day = on or clock.today()
    chosen = {
        c.pk: c for c in (Cooperative.objects.all() if cooperatives is None else cooperatives)
    }
    if actor is not None:
        for cooperative in chosen.values():
            _follow_up_check(actor, cooperative)
    result = ScanResult(cooperatives=len(chosen))
    if not chosen:
        return result
    scan = warning_rules.Scan(
        cooperatives=chosen, thresholds=selectors.thresholds_for(chosen.values()), on=day
    )
    findings = {
        (f.cooperative_id, f.kind, f.subject): f for rule in warning_rules.RULES for f in rule(scan)
    }
    existing = {
        (w.cooperative_id, w.kind, w.subject): w
        for w in EarlyWarning.objects.select_for_update().filter(cooperative_id__in=list(chosen))
    }
    now = clock.now()
    new, changed, reopened, cleared = [], [], [], []
    for key, finding in findings.items():
        warning = existing.get(key)
        if warning is None:
            new.append(
                EarlyWarning(
                    cooperative_id=finding.cooperative_id,
                    kind=finding.kind,
                    subject=finding.subject,
                    facts=finding.facts,
                    evidence=finding.evidence,
                    first_seen_on=day,
                    last_seen_on=day,
                    created_at=now,
                )
            )
            continue
        warning.facts, warning.evidence, warning.last_seen_on = (
            finding.facts,
            finding.evidence,
            day,
        )
        if warning.state == WarningState.CLEARED:
            warning.state, warning.cleared_on = WarningState.OPEN, None
            reopened.append(warning)
        changed.append(warning)
    for key, warning in existing.items():
        if key not in findings and warning.state in (WarningState.OPEN, WarningState.ACKNOWLEDGED):
            warning.state, warning.cleared_on = WarningState.CLEARED, day
            cleared.append(warning)
            changed.append(warning)
    created = EarlyWarning.objects.bulk_create(new, batch_size=500)
    if any(w.pk is None for w in created):  # a backend that does not return the ids
        keys = {(w.cooperative_id, w.kind, w.subject) for w in new}
        created = [
            w
            for w in EarlyWarning.objects.filter(cooperative_id__in=list(chosen))
            if (w.cooperative_id, w.kind, w.subject) in keys
        ]
    EarlyWarning.objects.bulk_update(
        changed, ["facts", "evidence", "last_seen_on", "state", "cleared_on"], batch_size=500
    )
    for action, rows in (
        ("warning.raise", created),
        ("warning.reopen", reopened),
        ("warning.clear", cleared),
    ):
        if rows:
            audit_records(
                actor=actor,
                action=action,
                objs=rows,
                afters=[
                    {"kind": w.kind, "subject": w.subject, "state": w.state, "on": day.isoformat()}
                    for w in rows
                ],
            )
    result.raised, result.reopened, result.cleared = len(created), len(reopened), len(cleared)
    result.kept = len(findings) - len(created) - len(reopened)
    for finding in findings.values():
        result.by_kind[finding.kind] = result.by_kind.get(finding.kind, 0) + 1
    return result


@transaction.atomic
def warning_acknowledge(*, actor: Actor, warning: EarlyWarning, note: str = "") -> EarlyWarning:
    """The examiner has seen an open warning and is following it up."""
    warning = (
        EarlyWarning.objects.select_for_update().select_related("cooperative").get(pk=warning.pk)
    )
    _follow_up_check(actor, warning.cooperative)
    if warning.state != WarningState.OPEN:
        raise WarningNotOpen(state=warning.get_state_display())
    warning.state = WarningState.ACKNOWLEDGED
    warning.acknowledged_by_label = actor_label(actor)
    warning.acknowledged_at = clock.now()
    warning.save(update_fields=["state", "acknowledged_by_label", "acknowledged_at"])
    audit_record(
        actor=actor,
        action="warning.acknowledge",
        obj=warning,
        before={"state": WarningState.OPEN},
        after={"state": warning.state},
        reason=note.strip(),
    )
    return warning


@transaction.atomic
def warning_resolve(*, actor: Actor, warning: EarlyWarning, note: str) -> EarlyWarning:
    """The examiner closes an open or acknowledged warning with a note of what was done (or
    why it needs nothing); a resolved warning stays resolved whatever later scans find."""
    warning = (
        EarlyWarning.objects.select_for_update().select_related("cooperative").get(pk=warning.pk)
    )
    _follow_up_check(actor, warning.cooperative)
    if warning.state not in (WarningState.OPEN, WarningState.ACKNOWLEDGED):
        raise WarningClosed(state=warning.get_state_display())
    text = (note or "").strip()
    if not text:
        raise ResolutionNoteRequired(fields={"note": [str(ResolutionNoteRequired.message)]})
    before = warning.state
    warning.state = WarningState.RESOLVED
    warning.resolution_note = text[:2000]
    warning.resolved_by_label = actor_label(actor)
    warning.resolved_at = clock.now()
    warning.save(update_fields=["state", "resolution_note", "resolved_by_label", "resolved_at"])
    audit_record(
        actor=actor,
        action="warning.resolve",
        obj=warning,
        before={"state": before},
        after={"state": warning.state},
        reason=warning.resolution_note,
    )
    return warning


def may_set_thresholds(user: Actor, scope: str) -> bool:
    """An examiner sets the thresholds of a scope its grants cover: a kecamatan or a village
    within its region, its region itself; the default scope "" needs a grant of a whole
    regency or wider (or a superuser)."""
    if not isinstance(user, User) or not examines_anywhere(user):
        return False
    if user.is_superuser:
        return True
    prefixes = examiner_prefixes(user)
    if scope == "":
        return any(prefix.count(".") <= 1 for prefix in prefixes)
    return any(
        prefix == "" or scope == prefix or scope.startswith(prefix + ".") for prefix in prefixes
    )


@transaction.atomic
def warning_thresholds_set(
    *, actor: Actor, scope: str, values: dict[str, int], note: str = ""
) -> WarningThresholds:
    """A new version of a scope's thresholds ("" the default: every key; a region or village
    code: the keys it overrides, none to fall back on the wider scope). Earlier versions stay."""
    scope = scope.strip()
    if actor is not None and not may_set_thresholds(actor, scope):
        raise ScopeNotExamined()
    problems = rules.thresholds_problems(values, warning_rules.DEFAULT_THRESHOLDS)
    if scope == "":
        missing = set(warning_rules.DEFAULT_THRESHOLDS) - set(values)
        problems += [f"{key}: required in the default" for key in sorted(missing)]
    if problems:
        raise ThresholdsInvalid(problems="; ".join(problems))
    last = (
        WarningThresholds.objects.select_for_update()
        .filter(scope=scope)
        .order_by("-version")
        .first()
    )
    row = WarningThresholds.objects.create(
        scope=scope,
        version=(last.version if last else 0) + 1,
        values=dict(values),
        note=note.strip(),
        created_by_label=actor_label(actor),
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="warning.thresholds_set",
        obj=row,
        before=None if last is None else dict(last.values),
        after={"scope": scope, "version": row.version, **values},
        reason=row.note,
    )
    return row
