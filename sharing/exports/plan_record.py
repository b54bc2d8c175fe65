"""One patient's exercise plans over an export's period: the plans in force, adherence day by
day and week by week (7-day blocks ending on the period's last day, as on the review), and
the exercise log row by row. Five queries, whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from exercises import adherence, queries
from exercises.adherence import Adherence, DayCount, LoggedDay, PlanSchedule
from exercises.models import Plan, PlanItem, PlanVersion
from sharing.exports.record import PatientRecord
from sharing.plan_progress import Week, weeks_back_from


@dataclass(frozen=True)
class PlanInForce:
    plan: Plan
    version: PlanVersion  # the one in force on the plan's last day within the period
    first_day: dt.date  # the first day its sessions count
    last_day: dt.date | None  # its last day in force, when it has ended

    @property
    def items(self) -> list[PlanItem]:
        return list(self.version.items.all())

    @property
    def is_self_chosen(self) -> bool:
        return self.plan.is_self_chosen

    @property
    def prescribed_by_name(self) -> str:
        prescriber = self.plan.prescribed_by
        return prescriber.name if prescriber is not None else ""


@dataclass(frozen=True)
class LogRow:
    day: dt.date
    exercise: str
    done: str  # done, some, not_today, or "" when nothing was ticked
    times_a_day: int
    pain_after: str  # better, same, worse, or ""


@dataclass(frozen=True)
class PlanRecord:
    start: dt.date
    end: dt.date
    plans: tuple[PlanInForce, ...]  # oldest first
    days: tuple[DayCount, ...]  # oldest first
    weeks: tuple[Week, ...]  # newest first
    schedules: tuple[PlanSchedule, ...]
    logged: Mapping[dt.date, LoggedDay]

    @property
    def has_plans(self) -> bool:
        return bool(self.plans)

    @property
    def adherence(self) -> Adherence:
        return adherence.total(self.days)

    def answers(self) -> dict[str, int]:
        """How often the person said their pain was better, the same or worse after
        exercising, on the period's plan days."""
        said = [d.pain_after for d in self.days if d.is_plan_day]
        return {answer: said.count(answer) for answer in ("better", "same", "worse")}

    def log_rows(self) -> list[LogRow]:
        """One row per exercise due on each day of the period, oldest first; a day with
        nothing ticked keeps its rows with `done` empty."""
        rows = []
        for count in self.days:
            logged = self.logged.get(count.day, LoggedDay())
            for schedule in self.schedules:
                for exercise in schedule.exercises_on(count.day):
                    rows.append(
                        LogRow(
                            day=count.day,
                            exercise=exercise.name,
                            done=logged.marks.get(exercise.key, ""),
                            times_a_day=exercise.times_a_day,
                            pain_after=logged.pain_after,
                        )
                    )
        return rows


def plan_record(record: PatientRecord) -> PlanRecord:
    """The accepted plans in force on some day of the record's period. The period ends on
    the patient's today, so no day past it is counted; the mean pain of each week comes
    from the record's own entries."""
    patient_id, start, end = record.patient.pk, record.start, record.end
    touching = [
        plan
        for plan in queries.plans_touching([patient_id], start).select_related("prescribed_by")
        if plan.accepted_on is not None and plan.accepted_on <= end
    ]
    schedules = tuple(queries.schedule_of(plan) for plan in touching)
    in_force = tuple(p for p in (_in_force(plan, end) for plan in touching) if p is not None)
    logged: Mapping[dt.date, LoggedDay] = {}
    days: list[DayCount] = []
    if in_force:
        logged = queries.logged_days_by_patient([patient_id], start, end).get(patient_id, {})
        days = adherence.count_days(start, end, schedules, logged, today=end)
    pains = [(entry.date, entry.pain) for entry in record.entries]
    return PlanRecord(
        start=start,
        end=end,
        plans=in_force,
        days=tuple(days),
        weeks=tuple(weeks_back_from(end, start, days, pains)) if in_force else (),
        schedules=schedules,
        logged=logged,
    )


def _in_force(plan: Plan, end: dt.date) -> PlanInForce | None:
    versions = sorted(queries.version_list(plan), key=lambda v: (v.starts_on, v.number))
    if not versions or plan.accepted_on is None:
        return None
    last_day = plan.ended_on - dt.timedelta(days=1) if plan.ended_on is not None else None
    until = min(end, last_day) if last_day is not None else end
    first_day = max(plan.accepted_on, versions[0].starts_on)
    if first_day > end or (last_day is not None and last_day < first_day):
        return None  # never applied during the period
    current = [v for v in versions if v.starts_on <= until]
    return PlanInForce(
        plan=plan,
        version=current[-1] if current else versions[0],
        first_day=first_day,
        last_day=last_day,
    )
