"""What the person reads first: the heading follows the most severe finding's own advice."""

from __future__ import annotations

from dataclasses import dataclass

from triage.presentation import CALL_THE_EMERGENCY_NUMBER, heading


@dataclass
class Flag:
    code: str
    level: str


def test_no_finding_is_a_self_care_heading() -> None:
    top = heading([])
    assert (top.level, top.title, top.emergency_first) == (
        "selfcare",
        "Keep going with self-care",
        False,
    )


def test_a_soon_finding_says_to_book_an_appointment() -> None:
    top = heading([Flag("AGE", "soon")])
    assert (top.title, top.emergency_first) == ("Book a doctor's appointment", False)


def test_an_urgent_finding_says_see_a_doctor_immediately_without_the_chest_pain_line() -> None:
    top = heading([Flag("AGE", "soon"), Flag("FEVER", "urgent")])
    assert top.title == "See a doctor immediately"
    assert not top.emergency_first
    assert "chest" not in top.advice


def test_chest_pain_puts_calling_the_emergency_number_first() -> None:
    top = heading([Flag("FEVER", "urgent"), Flag("CHEST_PAIN", "urgent")])
    assert (top.title, top.emergency_first) == ("See a doctor immediately", True)
    assert top.emergency == CALL_THE_EMERGENCY_NUMBER
    assert "crushing" in top.emergency and "emergency number now" in top.emergency
