"""Writes to exercise plans: propose, choose for oneself, accept, change, end, and the day's
log. Callers decide who may act (a physiotherapist needs a live share: `sharing` checks
it); these functions keep the plan's history whole and never touch another person's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from exercises.models import (
    EVERY_DAY,
    Done,
    Exercise,
    ExerciseDay,
    ExerciseMark,
    PainAfter,
    Plan,
    PlanItem,
    PlanVersion,
)


class PlanError(ValueError):
    """A plan change that cannot be made (ended already, not this person's, no exercises)."""


@dataclass(frozen=True)
class Prescription:
    """One exercise as prescribed: from the library (`exercise`) or written out (`name`,
    `steps`). A dose left empty takes the library's."""

    exercise: Exercise | None = None
    name: str = ""
    steps: Sequence[str] = ()
    sets: int | None = None
    repetitions: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    times_a_day: int = 1
    weekdays: Sequence[int] = field(default_factory=lambda: list(EVERY_DAY))


@transaction.atomic
def propose_plan(
    *,
    patient: User,
    physiotherapist: User,
    prescriptions: Sequence[Prescription],
    starts_on: dt.date,
    review_on: dt.date | None = None,
    note: str = "",
) -> Plan:
    """A physiotherapist's suggestion: it waits for the person to accept it."""
    plan = Plan.objects.create(patient=patient, prescribed_by=physiotherapist)
    _add_version(plan, physiotherapist, prescriptions, starts_on, review_on, note)
    return plan


@transaction.atomic
def choose_own_plan(
    *, patient: User, prescriptions: Sequence[Prescription], today: dt.date, note: str = ""
) -> Plan:
    """Exercises a person picks for themselves: in force from today, nothing to accept."""
    now = timezone.now()
    plan = Plan.objects.create(patient=patient, accepted_at=now, accepted_on=today)
    _add_version(plan, patient, prescriptions, today, None, note)
    return plan


def accept_plan(*, plan: Plan, patient: User, today: dt.date) -> Plan:
    """The person agrees to a suggested plan; its sessions count from today."""
    _check_is_theirs(plan, patient)
    if plan.ended_at is not None:
        raise PlanError("This plan has ended.")
    if plan.accepted_at is None:
        plan.accepted_at, plan.accepted_on = timezone.now(), today
        plan.save(update_fields=["accepted_at", "accepted_on"])
    return plan


@transaction.atomic
def change_plan(
    *,
    plan: Plan,
    by: User,
    prescriptions: Sequence[Prescription],
    starts_on: dt.date,
    review_on: dt.date | None = None,
    note: str = "",
) -> PlanVersion:
    """A new version from `starts_on`; days before it keep the version then in force. A
    version starting on the same day as the latest one replaces it for that day onwards."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.ended_at is not None:
        raise PlanError("This plan has ended.")
    return _add_version(plan, by, prescriptions, starts_on, review_on, note)


def end_plan(*, plan: Plan, by: User, today: dt.date) -> Plan:
    """Either side ends the plan: from today it no longer counts. Its history stays."""
    if plan.ended_at is None:
        plan.ended_at, plan.ended_on, plan.ended_by = timezone.now(), today, by
        plan.save(update_fields=["ended_at", "ended_on", "ended_by"])
    return plan


@transaction.atomic
def record_exercise_day(
    *, patient: User, day: dt.date, marks: Mapping[str, str], pain_after: str = ""
) -> ExerciseDay | None:
    """Keep what the person ticked for `day`; an exercise left blank stays unrecorded. With
    nothing ticked and no answer, nothing is stored (and an earlier record is cleared)."""
    marks = {key: done for key, done in marks.items() if done in Done.values}
    if pain_after not in PainAfter.values:
        pain_after = ""
    if not marks and not pain_after:
        ExerciseDay.objects.filter(patient=patient, day=day).delete()
        return None
    logged, _ = ExerciseDay.objects.update_or_create(
        patient=patient, day=day, defaults={"pain_after": pain_after}
    )
    logged.marks.exclude(key__in=marks).delete()
    for key, done in marks.items():
        ExerciseMark.objects.update_or_create(day=logged, key=key, defaults={"done": done})
    return logged


def _check_is_theirs(plan: Plan, patient: User) -> None:
    if plan.patient_id != patient.pk:
        raise PlanError("This plan is someone else's.")


def _add_version(
    plan: Plan,
    by: User,
    prescriptions: Sequence[Prescription],
    starts_on: dt.date,
    review_on: dt.date | None,
    note: str,
) -> PlanVersion:
    if not prescriptions:
        raise PlanError("A plan needs at least one exercise.")
    previous = plan.versions.order_by("-number").first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=previous.number + 1 if previous else 1,
        starts_on=starts_on,
        review_on=review_on,
        note=note,
        created_by=by,
    )
    keys: set[str] = set()
    PlanItem.objects.bulk_create(
        _item(version, prescription, position, keys)
        for position, prescription in enumerate(prescriptions)
    )
    return version


def _item(
    version: PlanVersion, prescription: Prescription, position: int, keys: set[str]
) -> PlanItem:
    library = prescription.exercise
    name = prescription.name.strip() or (library.name if library else "")
    if not name:
        raise PlanError("Each exercise needs a name.")
    key = library.code if library else "own-" + (slugify(name)[:30] or "exercise")
    while key in keys:  # the same exercise twice (say morning and evening) gets its own key
        key = f"{key[:36]}-{len(keys)}"
    keys.add(key)
    weekdays = sorted({int(d) for d in prescription.weekdays if 0 <= int(d) <= 6})
    if not weekdays:
        raise PlanError("Each exercise needs at least one day of the week.")

    def dose(given: int | None, default: int | None) -> int | None:
        return given if given is not None else default

    return PlanItem(
        version=version,
        exercise=library,
        key=key,
        name=name,
        steps=[s.strip() for s in prescription.steps if s.strip()]
        or (library.steps if library else []),
        sets=dose(prescription.sets, library.sets if library else 1) or 1,
        repetitions=dose(prescription.repetitions, library.repetitions if library else None),
        hold_seconds=dose(prescription.hold_seconds, library.hold_seconds if library else None),
        minutes=dose(prescription.minutes, library.minutes if library else None),
        times_a_day=prescription.times_a_day,
        weekdays=weekdays,
        position=position,
    )
