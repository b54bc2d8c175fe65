"""Reads of plans and exercise logs, shaped for the pure counting in `adherence`. Each
function takes many people at once and costs a fixed number of queries, whatever the
number of people, plans, versions or days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from exercises import adherence
from exercises.adherence import LoggedDay, PlanSchedule, ScheduledExercise, VersionSchedule
from exercises.models import ExerciseDay, Plan, PlanItem, PlanVersion

# Every read of plans takes their versions (oldest first) and each version's exercises (in
# order, with the library's entry, whose "what to feel" and "stop if" a page shows) in two
# more queries, whatever the number of plans, versions or exercises.
VERSIONS_AND_ITEMS = Prefetch(
    "versions",
    queryset=PlanVersion.objects.order_by("number").prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.order_by("position").select_related("exercise"))
    ),
)


def plans_touching(patient_ids: Iterable[int], first: dt.date) -> QuerySet[Plan]:
    """Accepted plans in force on some day from `first` on, versions and items included
    (3 queries)."""
    return (
        Plan.objects.filter(patient_id__in=list(patient_ids), accepted_on__isnull=False)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .prefetch_related(VERSIONS_AND_ITEMS)
        .order_by("pk")
    )


def schedule_of(plan: Plan) -> PlanSchedule:
    return PlanSchedule(
        accepted_on=plan.accepted_on,
        ended_on=plan.ended_on,
        versions=tuple(
            VersionSchedule(
                starts_on=version.starts_on,
                exercises=tuple(
                    ScheduledExercise(
                        key=item.key,
                        name=item.name,
                        times_a_day=item.times_a_day,
                        weekdays=frozenset(item.weekdays),
                    )
                    for item in version.items.all()
                ),
            )
            for version in sorted(version_list(plan), key=lambda v: (v.starts_on, v.number))
        ),
    )


def version_list(plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.all())


def schedules_by_patient(
    patient_ids: Iterable[int], first: dt.date
) -> dict[int, list[PlanSchedule]]:
    schedules: dict[int, list[PlanSchedule]] = defaultdict(list)
    for plan in plans_touching(patient_ids, first):
        schedules[plan.patient_id].append(schedule_of(plan))
    return schedules


def logged_days_by_patient(
    patient_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, dict[dt.date, LoggedDay]]:
    """What each person ticked, day by day (2 queries)."""
    logged: dict[int, dict[dt.date, LoggedDay]] = defaultdict(dict)
    days = ExerciseDay.objects.filter(
        patient_id__in=list(patient_ids), day__gte=first, day__lte=last
    ).prefetch_related("marks")
    for day in days:
        logged[day.patient_id][day.day] = LoggedDay(
            marks={mark.key: mark.done for mark in day.marks.all()}, pain_after=day.pain_after
        )
    return logged


def day_counts_by_patient(
    patient_ids: Iterable[int], first: dt.date, last: dt.date, today_of: dict[int, dt.date]
) -> dict[int, list[adherence.DayCount]]:
    """Each person's counts from `first` to `last` (never past their own today): 5 queries.
    People without a plan in that time get no entry."""
    ids = list(patient_ids)
    schedules = schedules_by_patient(ids, first)
    logged = logged_days_by_patient([i for i in ids if i in schedules], first, last)
    return {
        patient_id: adherence.count_days(
            first, last, plans, logged.get(patient_id, {}), today_of[patient_id]
        )
        for patient_id, plans in schedules.items()
    }


def current_plans(patient_id: int) -> QuerySet[Plan]:
    """The person's plans not ended: suggested ones waiting and accepted ones, newest first."""
    return (
        Plan.objects.filter(patient_id=patient_id, ended_at__isnull=True)
        .select_related("prescribed_by")
        .prefetch_related(VERSIONS_AND_ITEMS)
        .order_by("-created_at", "-pk")
    )


def items_due_on(patient_id: int, day: dt.date) -> list[PlanItem]:
    """The exercises of the person's accepted plans scheduled for `day` (3 queries)."""
    due: list[PlanItem] = []
    for plan in plans_touching([patient_id], day):
        if not plan.is_live(day):
            continue
        in_force = [v for v in version_list(plan) if v.starts_on <= day]
        if in_force:
            newest = max(in_force, key=lambda v: (v.starts_on, v.number))
            due.extend(i for i in newest.items.all() if day.weekday() in i.weekdays)
    return due
