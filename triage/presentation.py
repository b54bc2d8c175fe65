"""How an evaluation reads to the person: findings with what to do now, urgent first."""

from __future__ import annotations

from dataclasses import dataclass

from triage.engine import Evaluation, FindingResult
from triage.rules import RULES_BY_CODE

LEVEL_ADVICE = {
    "urgent": "See a doctor today. If you have chest pain that is crushing, spreads to your "
    "arm, jaw or back, or comes with breathlessness or sweating, call the emergency number now.",
    "soon": "Book an appointment with your doctor (GP) in the next few days and mention this.",
    "selfcare": "No warning sign found today. Keep gently active, use heat or cold, take "
    "simple pain relief if a pharmacist says it suits you, and take regular breaks.",
}
LEVEL_TITLE = {
    "urgent": "See a doctor today",
    "soon": "Book a doctor's appointment",
    "selfcare": "Keep going with self-care",
}


@dataclass(frozen=True)
class ShownFinding:
    code: str
    level: str
    title: str
    evidence: str
    why: str
    what_to_do: str


def shown(result: FindingResult) -> ShownFinding:
    rule = RULES_BY_CODE[result.code]
    return ShownFinding(
        code=result.code,
        level=str(result.level),
        title=rule.title,
        evidence=result.evidence,
        why=rule.why_it_matters,
        what_to_do=rule.what_to_do,
    )


def result_panel(evaluation: Evaluation) -> dict[str, object]:
    level = str(evaluation.advice_level)
    return {
        "advice_level": level,
        "advice_title": LEVEL_TITLE[level],
        "advice": LEVEL_ADVICE[level],
        "findings": [shown(f) for f in evaluation.findings],
    }
