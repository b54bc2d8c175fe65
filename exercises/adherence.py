"""Adherence: exercise sessions done over sessions prescribed. Pure: plain data in, numbers
out, no ORM and no clock, so the history, the weekly summary, the caseload, the review and
the exports all count the same way.

A session is one exercise once. An exercise prescribed twice a day is two sessions; "done"
counts all of them, "some" half of them, "not today" (or nothing logged) none. Only days
the plan was in force and the schedule named count; days after `today` never do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

CREDIT = {"done": 1.0, "some": 0.5, "not_today": 0.0}
# "Worse after your exercises" on this many of the last 7 plan days is shown to the
# physiotherapist as something to look at (a signal for review, not a red flag).
WORSE_DAYS_FOR_SIGNAL = 3
SIGNAL_WINDOW_DAYS = 7


@dataclass(frozen=True)
class ScheduledExercise:
    key: str
    name: str
    times_a_day: int
    weekdays: frozenset[int]  # 0 = Monday


@dataclass(frozen=True)
class VersionSchedule:
    starts_on: dt.date
    exercises: tuple[ScheduledExercise, ...]


@dataclass(frozen=True)
class PlanSchedule:
    """A plan as the counting needs it: from the day it was accepted (or its first version
    starts, whichever is later) until the day it ended, following its versions."""

    accepted_on: dt.date | None
    ended_on: dt.date | None
    versions: tuple[VersionSchedule, ...]  # oldest first

    def exercises_on(self, day: dt.date) -> tuple[ScheduledExercise, ...]:
        if self.accepted_on is None or day < self.accepted_on:
            return ()
        if self.ended_on is not None and day >= self.ended_on:
            return ()
        in_force = [v for v in self.versions if v.starts_on <= day]
        if not in_force:
            return ()
        return tuple(e for e in in_force[-1].exercises if day.weekday() in e.weekdays)


@dataclass(frozen=True)
class LoggedDay:
    marks: Mapping[str, str] = field(default_factory=dict)  # exercise key -> done/some/not_today
    pain_after: str = ""  # better / same / worse, or "" when not answered


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    prescribed: float
    done: float
    pain_after: str = ""

    @property
    def is_plan_day(self) -> bool:
        return self.prescribed > 0


@dataclass(frozen=True)
class Adherence:
    prescribed: float
    done: float

    @property
    def share(self) -> float | None:
        """0.0 to 1.0, or None when nothing was prescribed."""
        return self.done / self.prescribed if self.prescribed else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)

    def __str__(self) -> str:
        percent = self.percent
        if percent is None:
            return "no exercises planned"
        return f"{percent}% ({_sessions(self.done)} of {_sessions(self.prescribed)} sessions)"


def _sessions(value: float) -> str:
    return f"{value:g}"


def count_day(day: dt.date, plans: Sequence[PlanSchedule], logged: LoggedDay | None) -> DayCount:
    marks = logged.marks if logged else {}
    prescribed = done = 0.0
    for plan in plans:
        for exercise in plan.exercises_on(day):
            prescribed += exercise.times_a_day
            done += exercise.times_a_day * CREDIT.get(marks.get(exercise.key, ""), 0.0)
    return DayCount(day, prescribed, done, logged.pain_after if logged else "")


def count_days(
    first: dt.date,
    last: dt.date,
    plans: Sequence[PlanSchedule],
    logged: Mapping[dt.date, LoggedDay],
    today: dt.date,
) -> list[DayCount]:
    """One count per day from `first` to `last` inclusive, never past `today`."""
    last = min(last, today)
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [count_day(day, plans, logged.get(day)) for day in days]


def total(days: Iterable[DayCount]) -> Adherence:
    counted = list(days)
    return Adherence(
        prescribed=sum(d.prescribed for d in counted), done=sum(d.done for d in counted)
    )


def worse_after_exercise_days(days: Sequence[DayCount], today: dt.date) -> int:
    """Plan days among the last 7 (today included) when pain was worse after exercising."""
    since = today - dt.timedelta(days=SIGNAL_WINDOW_DAYS - 1)
    return sum(
        1 for d in days if since <= d.day <= today and d.is_plan_day and d.pain_after == "worse"
    )


def worse_after_exercise(days: Sequence[DayCount], today: dt.date) -> bool:
    return worse_after_exercise_days(days, today) >= WORSE_DAYS_FOR_SIGNAL
