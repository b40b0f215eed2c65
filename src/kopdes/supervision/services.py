"""The health assessment's writes (docs/domain.md §5): assess a cooperative's closed year, fill
the management questionnaire, revise a method. Only the examiner (a Dinas grant that is not
read-only and covers the cooperative: `Capability.ASSESS_HEALTH`) assesses and fills; the
system (`actor=None`, `kopdes health assess`) assesses too."""

from typing import Any

from django.db import transaction

from kopdes.accounts.access import Capability, examines_anywhere, holds
from kopdes.accounts.models import User
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.supervision import rules, selectors
from kopdes.supervision.errors import MethodInvalid, NotExaminer, UnknownQuestion, YearNotClosed
from kopdes.supervision.models import Assessment, HealthMethod, ManagementAnswers


def _check_examiner(actor: Actor, cooperative: Cooperative) -> None:
    if actor is not None and not (
        isinstance(actor, User) and holds(actor, cooperative, Capability.ASSESS_HEALTH)
    ):
        raise NotExaminer()


@transaction.atomic
def health_assess(*, actor: Actor, cooperative: Cooperative, year: int) -> Assessment:
    """Score the closed books of `year` by the ratio method in force, with the management
    questionnaire if filled (else that aspect scores 0). The new assessment becomes the
    current one of the year; earlier ones stay as history."""
    _check_examiner(actor, cooperative)
    if not selectors.year_closed(cooperative, year):
        raise YearNotClosed(year=year)
    method = selectors.method_in_force(HealthMethod.Kind.RATIO)
    inputs = selectors.book_inputs(cooperative, year)
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
