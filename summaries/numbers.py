"""A week's numbers, worked out in one place: `compute_week`.

It is pure (plain data in, a dataclass out; no ORM, no clock), so the email, the in-app
page and the physiotherapist's view all read the same numbers. `summaries.services` loads
what it needs in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from django.db import models

from exercises.adherence import Adherence, DayCount, total
from triage.diary import EntryData
from triage.rules import RULES_BY_CODE
from triage.vocabulary import Activity, SelfCare

WEEK = dt.timedelta(days=7)
# Fewer days than this, and a mean says more about which days were logged than about the week.
MIN_DAYS = 3
# A change a person is likely to notice on a 0-10 pain scale: 2 points, or 30% of where it
# was (Farrar et al., Pain 2001; IMMPACT, Dworkin et al., J Pain 2008).
MEANINGFUL_POINTS = 2
MEANINGFUL_SHARE = Fraction(3, 10)
ASSOCIATION_DAYS = 28
# The comparison item for the days of an exercise plan: never a diary activity or self-care code.
EXERCISE_PLAN = "exercise_plan"
ONE_DAY = dt.timedelta(days=1)


class Reading(models.TextChoices):
    BETTER = "better", "Better"
    SAME = "same", "About the same"
    WORSE = "worse", "Worse"


@dataclass(frozen=True, slots=True)
class FindingNote:
    """A finding as a summary needs it; `seen_on` is the local date it was first seen."""

    code: str
    level: str
    seen_on: dt.date


@dataclass(frozen=True, slots=True)
class PegAnswers:
    pain: int
    enjoyment: int
    activity: int

    @property
    def score(self) -> Fraction:
        return Fraction(self.pain + self.enjoyment + self.activity, 3)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A mean this week against last week's. `change` and `reading` only when both weeks
    have at least MIN_DAYS values: no trend is read into two or three scattered days."""

    this_week: float | None
    last_week: float | None
    change: float | None = None
    reading: str | None = None

    @property
    def reading_label(self) -> str:
        return Reading(self.reading).label if self.reading else ""


@dataclass(frozen=True, slots=True)
class Association:
    """Mean day pain over the last 28 days, on days with and without one activity or
    self-care item (their codes never overlap), or, for EXERCISE_PLAN, on the days after
    plan days with some of the plan's exercises done and after plan days with none. Only
    when each side has MIN_DAYS days."""

    item: str
    mean_with: float
    mean_without: float
    days_with: int
    days_without: int

    @property
    def seems_to_help(self) -> bool:
        return self.mean_with < self.mean_without


@dataclass(frozen=True, slots=True)
class RaisedFinding:
    code: str
    level: str
    title: str


@dataclass(frozen=True, slots=True)
class WeekNumbers:
    week_start: dt.date  # a Monday, in the person's local dates
    days_logged: int
    pain_by_day: tuple[int | None, ...]  # Monday to Sunday; None for a day not logged
    day_pain: Comparison
    night_pain: Comparison
    nights_with_night_pain: int
    active_minutes: int
    rest_days: int
    findings: tuple[RaisedFinding, ...]
    associations: tuple[Association, ...]  # the most helpful-looking first
    peg: float | None = None
    previous_peg: float | None = None
    # Sessions of the person's exercise plans this week; None when none were due (no plan).
    exercises: Adherence | None = None

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def enough_days(self) -> bool:
        return self.days_logged >= MIN_DAYS

    @property
    def peg_change(self) -> float | None:
        if self.peg is None or self.previous_peg is None:
            return None
        return self.peg - self.previous_peg

    @property
    def helpful(self) -> tuple[Association, ...]:
        return tuple(a for a in self.associations if a.seems_to_help)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "week_start": self.week_start.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeekNumbers:
        """Summaries stored before exercise plans have no "exercises": no plan then."""
        exercises = data.get("exercises")
        return cls(
            **{
                **data,
                "week_start": dt.date.fromisoformat(data["week_start"]),
                "pain_by_day": tuple(data["pain_by_day"]),
                "day_pain": Comparison(**data["day_pain"]),
                "night_pain": Comparison(**data["night_pain"]),
                "findings": tuple(RaisedFinding(**f) for f in data["findings"]),
                "associations": tuple(Association(**a) for a in data["associations"]),
                "exercises": Adherence(**exercises) if exercises else None,
            }
        )


def compute_week(
    entries: Iterable[EntryData],
    findings: Iterable[FindingNote],
    week_start: dt.date,
    *,
    peg: PegAnswers | None = None,
    previous_peg: PegAnswers | None = None,
    exercise_days: Sequence[DayCount] = (),
) -> WeekNumbers:
    """The numbers of the week starting `week_start` (a Monday), from the entries of the
    28 days ending on its Sunday (earlier or later ones are ignored), the person's findings,
    the PEG answers of this week and the one before, and the exercise counts of the same
    28 days (`exercises.adherence.count_days`; none for someone without a plan)."""
    by_date = {entry.date: entry for entry in entries}
    week = [week_start + dt.timedelta(days=n) for n in range(7)]
    this_week = [by_date[day] for day in week if day in by_date]
    last_week = [by_date[day - WEEK] for day in week if day - WEEK in by_date]
    window_start = week[-1] - dt.timedelta(days=ASSOCIATION_DAYS - 1)
    window = [entry for day, entry in by_date.items() if window_start <= day <= week[-1]]
    plan_days = [d for d in exercise_days if window_start <= d.day <= week[-1] and d.is_plan_day]
    sessions = total(d for d in plan_days if week[0] <= d.day)
    return WeekNumbers(
        week_start=week_start,
        days_logged=len(this_week),
        pain_by_day=tuple(by_date[day].pain if day in by_date else None for day in week),
        day_pain=_compare([e.pain for e in this_week], [e.pain for e in last_week]),
        night_pain=_compare(_night_values(this_week), _night_values(last_week)),
        nights_with_night_pain=sum(1 for e in this_week if (e.night_pain or 0) > 0),
        active_minutes=sum(e.active_minutes for e in this_week),
        rest_days=sum(1 for e in this_week if e.rested),
        findings=_raised(findings, week[0], week[-1]),
        associations=_associations(window, plan_days),
        peg=float(peg.score) if peg else None,
        previous_peg=float(previous_peg.score) if previous_peg else None,
        exercises=sessions if sessions.prescribed else None,
    )


def reading_of(change: Fraction, last_week: Fraction) -> Reading:
    """Better means less pain. Below both thresholds the week reads as about the same."""
    if abs(change) < MEANINGFUL_POINTS and not (
        last_week > 0 and abs(change) >= MEANINGFUL_SHARE * last_week
    ):
        return Reading.SAME
    return Reading.BETTER if change < 0 else Reading.WORSE


def _mean(values: Sequence[int]) -> Fraction:
    return Fraction(sum(values), len(values))


def _compare(this_week: Sequence[int], last_week: Sequence[int]) -> Comparison:
    this_mean = _mean(this_week) if this_week else None
    last_mean = _mean(last_week) if last_week else None
    if this_mean is None or last_mean is None or min(len(this_week), len(last_week)) < MIN_DAYS:
        return Comparison(
            float(this_mean) if this_mean is not None else None,
            float(last_mean) if last_mean is not None else None,
        )
    change = this_mean - last_mean
    return Comparison(
        float(this_mean), float(last_mean), float(change), reading_of(change, last_mean).value
    )


def _night_values(entries: Sequence[EntryData]) -> list[int]:
    return [e.night_pain for e in entries if e.night_pain is not None]


def _raised(
    findings: Iterable[FindingNote], first: dt.date, last: dt.date
) -> tuple[RaisedFinding, ...]:
    raised = sorted(
        (f for f in findings if first <= f.seen_on <= last),
        key=lambda f: (f.level != "urgent", f.seen_on, f.code),
    )
    return tuple(
        RaisedFinding(
            f.code, f.level, rule.title if (rule := RULES_BY_CODE.get(f.code)) else f.code
        )
        for f in raised
    )


ITEMS = (*Activity.values, *SelfCare.values)


def _associations(
    window: Sequence[EntryData], plan_days: Sequence[DayCount]
) -> tuple[Association, ...]:
    found = []
    for item in ITEMS:
        has = [item in {*entry.activities, *entry.self_care} for entry in window]
        found.append(_association(item, window, has))
    # Exercise shows in the next day's pain: each plan day is read by the day after it.
    pain_of = {entry.date: entry for entry in window}
    followed = [d for d in plan_days if d.day + ONE_DAY in pain_of]
    found.append(
        _association(
            EXERCISE_PLAN,
            [pain_of[d.day + ONE_DAY] for d in followed],
            [d.done > 0 for d in followed],
        )
    )
    compared = [pair for pair in found if pair is not None]
    return tuple(association for _, association in sorted(compared, key=lambda pair: pair[0]))


def _association(
    item: str, days: Sequence[EntryData], has: Sequence[bool]
) -> tuple[Fraction, Association] | None:
    """Mean pain on the `days` with `item` (where `has` is true) and on the others, with
    the difference to sort by; None unless each side has MIN_DAYS days."""
    pain_with = [day.pain for day, with_item in zip(days, has, strict=True) if with_item]
    pain_without = [day.pain for day, with_item in zip(days, has, strict=True) if not with_item]
    if len(pain_with) < MIN_DAYS or len(pain_without) < MIN_DAYS:
        return None
    mean_with, mean_without = _mean(pain_with), _mean(pain_without)
    association = Association(
        item, float(mean_with), float(mean_without), len(pain_with), len(pain_without)
    )
    return mean_with - mean_without, association


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
