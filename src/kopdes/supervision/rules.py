"""The health assessment's pure calculations (docs/domain.md §5): no ORM.

A method is data (`HealthMethod.rules`, edited by the Dinas, versioned): aspects, each with
components; a component has a weight (its share of 100 points), the ratio it reads (a key of
`RATIOS`, numerator and denominator named by `inputs`) or the management questionnaire, and its
scoring bands. A band `{"from": a, "to": b, "score": s}` covers a <= ratio < b (a missing end is
open); the first band that covers the ratio gives the component's value (0..100), and the
component adds value x weight / 100 points. The total is 0..100 and its predicate comes from
the method's `predicates` (the lowest score of each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
QUESTIONNAIRE = "questionnaire"

# The ratios a component may read: key -> (numerator input, denominator input). The inputs are
# read from the closed books by kopdes.supervision.services (`book_inputs`).
RATIOS: dict[str, tuple[str, str]] = {
    "equity_to_assets": ("own_capital", "total_assets"),
    "equity_to_loans": ("own_capital", "loans_outstanding"),
    "member_loans_share": ("member_loans", "loans_outstanding"),
    "allowance_to_loans": ("loan_allowance", "member_loans"),
    "productive_assets": ("productive_assets", "total_assets"),
    "opex_to_member_income": ("operating_costs", "member_income"),
    "opex_to_gross_result": ("operating_expenses", "gross_result"),
    "salaries_to_income": ("salaries", "total_income"),
    "cash_ratio": ("cash_and_bank", "current_liabilities"),
    "loans_to_funds": ("loans_outstanding", "funds_received"),
    "return_on_assets": ("shu", "total_assets"),
    "return_on_equity": ("shu", "own_capital"),
    "income_to_costs": ("total_income", "total_costs"),
    "gross_participation": ("member_income", "member_and_other_income"),
}


class MethodInvalid(ValueError):
    """The method's data break a rule; `problems` names each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ComponentResult:
    aspect: str
    key: str
    label: str
    weight: Decimal
    ratio: Decimal | None  # percent, two decimals; None: not computable (or the questionnaire)
    value: int  # 0..100
    points: Decimal  # value x weight / 100
    inputs: dict[str, int]
    note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "aspect": self.aspect,
            "key": self.key,
            "label": self.label,
            "weight": str(self.weight),
            "ratio": None if self.ratio is None else str(self.ratio),
            "value": self.value,
            "points": str(self.points),
            "inputs": self.inputs,
            "note": self.note,
        }


@dataclass(frozen=True)
class Result:
    score: Decimal  # 0..100, two decimals
    predicate: str
    components: list[ComponentResult]


def ratio_percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in percent, two decimals half-up; None when the denominator is
    not positive (the ratio means nothing)."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def band_value(ratio: Decimal, bands: Sequence[Mapping[str, Any]]) -> int:
    """The value of the first band with from <= ratio < to (an absent end is open); 0 if none."""
    for band in bands:
        low, high = band.get("from"), band.get("to")
        if low is not None and ratio < Decimal(str(low)):
            continue
        if high is not None and ratio >= Decimal(str(high)):
            continue
        return int(band["score"])
    return 0


def points(value: int, weight: Decimal) -> Decimal:
    return (Decimal(value) * weight / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def questionnaire_value(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, bool]) -> int:
    """The share of questions answered yes, 0..100 (rounded half-up)."""
    if not questions:
        return 0
    yes = sum(1 for q in questions if answers.get(q["key"]) is True)
    return int((Decimal(yes) * HUNDRED / len(questions)).quantize(Decimal(1), ROUND_HALF_UP))


def predicate(score: Decimal, predicates: Sequence[Mapping[str, Any]]) -> str:
    """The predicate whose lowest score `score` reaches, the highest first."""
    ranked = sorted(predicates, key=lambda p: Decimal(str(p["min"])), reverse=True)
    for item in ranked:
        if score >= Decimal(str(item["min"])):
            return str(item["key"])
    return str(ranked[-1]["key"])


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def percent(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + " %"


def decimal_text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def assess(
    method: Mapping[str, Any],
    inputs: Mapping[str, int],
    answers: Mapping[str, bool] | None,
    input_labels: Mapping[str, str] | None = None,
) -> Result:
    """Score `inputs` (rupiah read from the books) and the questionnaire's `answers` (None: not
    filled) by `method`; every component says how its value came about, in Indonesian."""
    labels = input_labels or {}
    results: list[ComponentResult] = []
    for aspect in method["aspects"]:
        for component in aspect["components"]:
            weight = Decimal(str(component["weight"]))
            kind = component["ratio"]
            if kind == QUESTIONNAIRE:
                questions = method.get("questionnaire", [])
                if answers is None:
                    value, note = 0, "kuesioner belum diisi → nilai 0"
                else:
                    value = questionnaire_value(questions, answers)
                    yes = sum(1 for q in questions if answers.get(q["key"]) is True)
                    note = f"{yes} dari {len(questions)} jawaban ya → nilai {value}"
                part = points(value, weight)
                note += f" \u00d7 bobot {decimal_text(weight)} = {decimal_text(part)}"
                results.append(
                    ComponentResult(
                        aspect["key"],
                        component["key"],
                        component["label"],
                        weight,
                        None,
                        value,
                        part,
                        {},
                        note,
                    )
                )
                continue
            top, bottom = RATIOS[kind]
            numerator, denominator = int(inputs.get(top, 0)), int(inputs.get(bottom, 0))
            ratio = ratio_percent(numerator, denominator)
            words = (
                f"{labels.get(top, top)} {rupiah(numerator)} / "
                f"{labels.get(bottom, bottom)} {rupiah(denominator)}"
            )
            if ratio is None:
                value = 0
                note = f"{words}: tidak dapat dihitung (penyebut nol) → nilai 0"
            else:
                value = band_value(ratio, component["bands"])
                note = f"{words} = {percent(ratio)} → nilai {value}"
            part = points(value, weight)
            note += f" \u00d7 bobot {decimal_text(weight)} = {decimal_text(part)}"
            results.append(
                ComponentResult(
                    aspect["key"],
                    component["key"],
                    component["label"],
                    weight,
                    ratio,
                    value,
                    part,
                    {top: numerator, bottom: denominator},
                    note,
                )
            )
    score = min(HUNDRED, max(Decimal(0), sum((r.points for r in results), Decimal(0))))
    return Result(score, predicate(score, method["predicates"]), results)


def validate_method(method: Mapping[str, Any]) -> None:
    """Weights total 100; every component names a known ratio (or the questionnaire) and has
    bands with scores 0..100, in order, not overlapping; predicates have their lowest scores."""
    problems: list[str] = []
    total = Decimal(0)
    keys: set[str] = set()
    for aspect in method.get("aspects", []):
        aspect_total = Decimal(0)
        for component in aspect.get("components", []):
            key = component.get("key", "?")
            if key in keys:
                problems.append(f"komponen {key} ganda")
            keys.add(key)
            weight = Decimal(str(component.get("weight", 0)))
            if weight < 0:
                problems.append(f"{key}: bobot negatif")
            aspect_total += weight
            kind = component.get("ratio")
            if kind == QUESTIONNAIRE:
                if not method.get("questionnaire"):
                    problems.append(f"{key}: kuesioner kosong")
                continue
            if kind not in RATIOS:
                problems.append(f"{key}: rasio {kind} tidak dikenal")
            previous_to: Decimal | None = None
            for index, band in enumerate(component.get("bands", [])):
                score = int(band.get("score", -1))
                if not 0 <= score <= 100:
                    problems.append(f"{key}: nilai pita di luar 0..100")
                low = None if band.get("from") is None else Decimal(str(band["from"]))
                high = None if band.get("to") is None else Decimal(str(band["to"]))
                if low is not None and high is not None and low >= high:
                    problems.append(f"{key}: pita {index + 1} kosong")
                if index and (low is None or previous_to is None or low < previous_to):
                    problems.append(f"{key}: pita {index + 1} tumpang tindih")
                previous_to = high
            if not component.get("bands"):
                problems.append(f"{key}: tanpa pita nilai")
        if aspect_total != Decimal(str(aspect.get("weight", aspect_total))):
            problems.append(
                f"aspek {aspect.get('key')}: bobot komponen tidak sama dengan bobot aspek"
            )
        total += aspect_total
    if total != HUNDRED:
        problems.append(f"jumlah bobot {decimal_text(total)}, harus 100")
    if not method.get("predicates"):
        problems.append("predikat belum ditetapkan")
    if problems:
        raise MethodInvalid(problems)


def thresholds_problems(values: dict[str, Any], known: Iterable[str]) -> list[str]:
    """What is wrong with early-warning threshold values (an override may set only some keys):
    unknown keys, values that are not whole numbers >= 0, hours outside 0..24 or not in order,
    a RAT deadline outside 1..12 months, a percentage above 100."""
    names = set(known)
    problems = []
    for key, value in values.items():
        if key not in names:
            problems.append(f"{key}: unknown")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{key}: must be a whole number, 0 or more")
        elif key.endswith("_hour") and value > 24:
            problems.append(f"{key}: an hour is 0..24")
        elif key.endswith("_percent") and value > 100:
            problems.append(f"{key}: at most 100")
        elif key == "rat_months" and not 1 <= value <= 12:
            problems.append(f"{key}: 1..12 months")
    opens, closes = values.get("office_open_hour"), values.get("office_close_hour")
    if isinstance(opens, int) and isinstance(closes, int) and opens >= closes:
        problems.append("office_open_hour: must be before office_close_hour")
    return problems
