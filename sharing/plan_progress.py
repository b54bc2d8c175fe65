"""Exercise plans as a physiotherapist reads them: adherence on the caseload (last 7 days)
and, on the review, the plans with adherence week by week beside mean pain and the
"better, same or worse after exercising" answers. A fixed number of queries per page.

"Worse after exercises" on at least 3 of the last 7 plan days is a signal for the
physiotherapist to look at the plan: not a red flag, and never sent to the patient as one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from accounts.models import User
from exercises import adherence, queries
from exercises.adherence import Adherence, DayCount
from exercises.models import Plan
from tracker.models import Entry

WEEKS_SHOWN = 4


@dataclass(frozen=True)
class LastSevenDays:
    adherence: Adherence
    worse_days: int

    @property
    def worse_after_exercise(self) -> bool:
        return self.worse_days >= adherence.WORSE_DAYS_FOR_SIGNAL


def last_seven_days(
    today_of: dict[int, dt.date],
) -> dict[int, LastSevenDays]:
    """For each of these patients (id -> their own today) with a plan in force lately."""
    if not today_of:
        return {}
    first = min(today_of.values()) - dt.timedelta(days=6)
    counts = queries.day_counts_by_patient(today_of, first, max(today_of.values()), today_of)
    seen = {}
    for patient_id, days in counts.items():
        today = today_of[patient_id]
        week = [d for d in days if today - dt.timedelta(days=6) <= d.day <= today]
        if any(d.is_plan_day for d in week):
            seen[patient_id] = LastSevenDays(
                adherence.total(week), adherence.worse_after_exercise_days(week, today)
            )
    return seen


def exercise_days(
    patient: User, start: dt.date, end: dt.date
) -> dict[dt.date, tuple[float, float]]:
    """Day -> (sessions done, sessions prescribed), for the chart's row of marks."""
    counts = queries.day_counts_by_patient([patient.pk], start, end, {patient.pk: end})
    return {d.day: (d.done, d.prescribed) for d in counts.get(patient.pk, [])}


@dataclass(frozen=True)
class Week:
    start: dt.date
    end: dt.date
    adherence: Adherence
    mean_pain: float | None
    better: int
    same: int
    worse: int


@dataclass(frozen=True)
class ExerciseReview:
    plans: list[Plan]
    suggested: list[Plan]  # this physiotherapist's suggestions not accepted yet
    weeks: list[Week]
    last_seven: LastSevenDays | None

    @property
    def has_anything(self) -> bool:
        return bool(self.plans or self.suggested or self.weeks)


def review_of(patient: User, physiotherapist: User, today: dt.date) -> ExerciseReview:
    current = list(queries.current_plans(patient.pk))
    first = today - dt.timedelta(days=7 * WEEKS_SHOWN - 1)
    days = queries.day_counts_by_patient([patient.pk], first, today, {patient.pk: today}).get(
        patient.pk, []
    )
    weeks = _weeks(patient, days, first, today) if any(d.is_plan_day for d in days) else []
    last_seven = last_seven_days({patient.pk: today}).get(patient.pk)
    return ExerciseReview(
        plans=[p for p in current if p.accepted_at is not None],
        suggested=[
            p for p in current if p.accepted_at is None and p.prescribed_by_id == physiotherapist.pk
        ],
        weeks=weeks,
        last_seven=last_seven,
    )


def _weeks(patient: User, days: Sequence[DayCount], first: dt.date, today: dt.date) -> list[Week]:
    pains = Entry.objects.filter(user=patient, date__range=(first, today)).values_list(
        "date", "pain"
    )
    return weeks_back_from(today, first, days, pains)


def weeks_back_from(
    end: dt.date, first: dt.date, days: Sequence[DayCount], pains: Iterable[tuple[dt.date, int]]
) -> list[Week]:
    """Seven-day blocks ending on `end`, newest first, back to `first` (the oldest block cut
    at `first`), each with its adherence, mean day pain and answers after exercising. Only
    the blocks with a plan day or a logged pain. Pure: the callers read days and pains."""
    pains_by_start: dict[dt.date, list[int]] = {}
    for day, pain in pains:
        if first <= day <= end:
            pains_by_start.setdefault(_block_start(day, end, first), []).append(pain)
    weeks = []
    block_end = end
    while block_end >= first:
        start = _block_start(block_end, end, first)
        block = [d for d in days if start <= d.day <= block_end]
        answers = [d.pain_after for d in block if d.is_plan_day]
        block_pains = pains_by_start.get(start)
        week = Week(
            start=start,
            end=block_end,
            adherence=adherence.total(block),
            mean_pain=sum(block_pains) / len(block_pains) if block_pains else None,
            better=answers.count("better"),
            same=answers.count("same"),
            worse=answers.count("worse"),
        )
        if week.adherence.prescribed or week.mean_pain is not None:
            weeks.append(week)
        block_end = start - dt.timedelta(days=1)
    return weeks


def _block_start(day: dt.date, end: dt.date, first: dt.date) -> dt.date:
    back = (end - day).days // 7
    return max(end - dt.timedelta(days=7 * back + 6), first)
