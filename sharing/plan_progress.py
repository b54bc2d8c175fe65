"""Exercise plans as a physiotherapist reads them: adherence on the caseload (last 7 days)
and, on the review, the plans with adherence week by week beside mean pain and the
"better, same or worse after exercising" answers. A fixed number of queries per page.

"Worse after exercises" on at least 3 of the last 7 plan days is a signal for the
physiotherapist to look at the plan: not a red flag, and never sent to the patient as one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    """Seven-day blocks ending today, newest first, with the mean day pain of each."""
    weeks = []
    for n in range(WEEKS_SHOWN):
        end = today - dt.timedelta(days=7 * n)
        start = end - dt.timedelta(days=6)
        block = [d for d in days if start <= d.day <= end]
        answers = [d.pain_after for d in block if d.is_plan_day]
        weeks.append(
            Week(
                start=start,
                end=end,
                adherence=adherence.total(block),
                mean_pain=None,
                better=answers.count("better"),
                same=answers.count("same"),
                worse=answers.count("worse"),
            )
        )
    means = _mean_pain_by_week(patient, first, today)
    return [
        Week(**{**week.__dict__, "mean_pain": means.get(week.start)})
        for week in weeks
        if week.adherence.prescribed or means.get(week.start) is not None
    ]


def _mean_pain_by_week(patient: User, first: dt.date, today: dt.date) -> dict[dt.date, float]:
    """Mean day pain per 7-day block ending today, keyed by the block's first day."""
    rows = Entry.objects.filter(user=patient, date__range=(first, today)).values_list(
        "date", "pain"
    )
    blocks: dict[dt.date, list[int]] = {}
    for day, pain in rows:
        back = (today - day).days // 7
        start = today - dt.timedelta(days=7 * back + 6)
        blocks.setdefault(start, []).append(pain)
    return {start: sum(pains) / len(pains) for start, pains in blocks.items()}
