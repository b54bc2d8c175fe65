"""How an evaluation reads to the person: findings with what to do now, urgent first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from triage.engine import Evaluation, FindingResult
from triage.rules import LEVEL_ORDER, RULES_BY_CODE

# What each level means, as the rule catalogue lists it (red-flags.md v2, "Levels").
LEVEL_ADVICE = {
    "urgent": "See a doctor immediately. If you have chest pain that is crushing, spreads to "
    "your arm, jaw or back, or comes with breathlessness or sweating, call the emergency number "
    "now.",
    "soon": "Book an appointment with your doctor (GP) in the next few days and mention this.",
    "selfcare": "No warning sign found today. Keep gently active, use heat or cold, take "
    "simple pain relief if a pharmacist says it suits you, and take regular breaks.",
}
LEVEL_TITLE = {
    "urgent": "See a doctor immediately",
    "soon": "Book a doctor's appointment",
    "selfcare": "Keep going with self-care",
}
# The heading's advice: the most severe finding's own advice, without the chest-pain line,
# which comes first, and only when chest pain is among the findings.
HEADING_ADVICE = {
    "urgent": "Ask your GP surgery for an urgent appointment today, or go to an urgent care "
    "service. If you think you are seriously ill, call your local emergency number.",
    "soon": LEVEL_ADVICE["soon"],
    "selfcare": LEVEL_ADVICE["selfcare"],
}
CALL_THE_EMERGENCY_NUMBER = (
    "If your chest pain is crushing, spreads to your arm, jaw or back, or comes with "
    "breathlessness or sweating, call the emergency number now."
)
CHEST_PAIN = "CHEST_PAIN"


class Flag(Protocol):
    """A finding as the heading reads it: a stored Finding, an evaluation's result."""

    @property
    def code(self) -> str: ...

    @property
    def level(self) -> str: ...


@dataclass(frozen=True)
class Heading:
    level: str
    title: str
    advice: str
    # Chest pain is among the findings: the call-the-emergency-number line is shown first.
    emergency_first: bool
    emergency: str = CALL_THE_EMERGENCY_NUMBER


def heading(findings: Iterable[Flag]) -> Heading:
    """The heading of a result or banner: the most severe finding's own advice
    (red-flags.md v2). Self-care when there is none.

    The banner passes the open urgent findings; the result after a save passes what that
    evaluation raised, so chest pain in the last 7 days puts the call-now line first even
    when its finding was acknowledged: the panel lists it, and the safer reading wins."""
    flags = list(findings)
    levels = {str(flag.level) for flag in flags}
    level = next((str(lv) for lv in LEVEL_ORDER if str(lv) in levels), "selfcare")
    return Heading(
        level=level,
        title=LEVEL_TITLE[level],
        advice=HEADING_ADVICE[level],
        emergency_first=any(flag.code == CHEST_PAIN for flag in flags),
    )


def title_of(code: str) -> str:
    """A code's plain words: a person never sees a code."""
    rule = RULES_BY_CODE.get(code)
    return rule.title if rule else "A warning sign"


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
    top = heading(evaluation.findings)
    return {
        "advice_level": top.level,
        "advice_title": top.title,
        "advice": top.advice,
        "heading": top,
        "findings": [shown(f) for f in evaluation.findings],
    }


@dataclass(frozen=True)
class Banner:
    """The urgent banner on every page while an urgent finding is open."""

    heading: Heading
    count: int
    # Every open urgent finding rests on an entry the person deleted.
    only_removed_entries: bool


def urgent_banner(findings: Iterable[Flag]) -> Banner:
    flags = list(findings)
    return Banner(
        heading=heading(flags),
        count=len(flags),
        only_removed_entries=bool(flags) and all(getattr(f, "entry_removed", False) for f in flags),
    )
