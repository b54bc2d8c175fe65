"""Writes to the journal. Every change re-checks triage in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from exercises.plans import record_exercise_day
from tracker.evaluation import profile_data
from tracker.models import PAST_DAYS_EDITABLE, Entry, Profile
from tracker.queries import entries_of_form_or_day
from tracker.reminders import reschedule, schedule_of
from triage.engine import Evaluation, profile_flags
from triage.services import (
    codes_reported_by,
    recheck,
    recheck_after_deletion,
    record_clearances,
)

ENTRY_FIELDS = (
    "date", "pain", "night_pain", "woke_at_night", "rested", "rest_relief", "active_minutes",
    "activities", "daily_tasks", "sleep", "symptoms", "self_care", "notes",
)  # fmt: skip


class DayAlreadyLogged(Exception):
    """Another entry already holds this date: the person should edit that one instead."""

    def __init__(self, existing: Entry) -> None:
        super().__init__(f"{existing.date} is already logged")
        self.existing = existing


@dataclass(frozen=True)
class SavedEntry:
    entry: Entry
    evaluation: Evaluation
    created: bool


def get_or_create_profile(user: User) -> Profile:
    """The person's profile as stored now (read, or created), kept on the user object so
    that a re-check later in this request evaluates these answers."""
    profile, _ = Profile.objects.get_or_create(user=user)
    user.profile = profile
    return profile


def update_profile(
    *, user: User, values: dict[str, Any], examined_by_doctor: bool = False
) -> Evaluation:
    """Save the profile answers and re-check. `examined_by_doctor` is onboarding's "a doctor
    has already examined me for this pain": every profile flag the answers raise is then
    recorded as checked by the person, before any finding or prompt is written."""
    with transaction.atomic():
        profile = get_or_create_profile(user)
        schedule_before = schedule_of(profile)
        raised_before = raised_by_answers(profile)
        for field, value in values.items():
            setattr(profile, field, value)
        given_again = date_answers(profile, raised_before)
        if profile.onboarded_at is None:
            profile.onboarded_at = timezone.now()
        reschedule(profile, schedule_before=schedule_before, now=timezone.now())
        profile.save()
        if examined_by_doctor:
            record_clearances(patient=user, codes=raised_by_answers(profile), by=user)
        return recheck(user, reported=given_again)


def flags_raised_by(profile: Profile, values: dict[str, Any]) -> frozenset[str]:
    """The profile flags these answers would raise today, before they are saved."""
    answers = Profile(**{"time_zone": profile.time_zone, **values})
    return raised_by_answers(answers)


def raised_by_answers(profile: Profile) -> frozenset[str]:
    """The profile flags these answers raise today, whether or not a doctor checked them."""
    return profile_flags(profile_data(profile, frozenset()), profile.local_today())


def date_answers(profile: Profile, raised_before: frozenset[str]) -> frozenset[str]:
    """Record the local day each profile flag's answer was given (its "since"), and return
    the flags these answers raise that the previous answers did not: new information."""
    raised = raised_by_answers(profile)
    today = profile.local_today().isoformat()
    given_again = raised - raised_before
    profile.answered_on = {
        code: today if code in given_again else profile.answered_on.get(code, today)
        for code in sorted(raised)
    }
    return given_again


@dataclass(frozen=True)
class ExerciseAnswers:
    """What the entry said about the day's exercises: key -> done/some/not_today, and how
    the pain was after them."""

    marks: dict[str, str]
    pain_after: str = ""


def save_entry(
    *,
    user: User,
    values: dict[str, Any],
    editing: Entry | None = None,
    exercises: ExerciseAnswers | None = None,
) -> SavedEntry:
    """Create or update one day's entry (upsert on the client's UUID), then re-check triage.
    `exercises`, when the form showed the day's exercises, is kept with it (None leaves the
    day's exercise log as it is).

    Two submissions of the same form (same UUID) update one entry; a different entry
    already on the chosen date raises DayAlreadyLogged and nothing is written.
    """
    client_uuid: uuid.UUID = values.get("client_uuid") or uuid.uuid4()
    try:
        with transaction.atomic():
            return _save_entry_once(user, values, editing, client_uuid, exercises)
    except IntegrityError:
        # A concurrent request won the race for this day or UUID: retry once, now as an update.
        with transaction.atomic():
            return _save_entry_once(user, values, editing, client_uuid, exercises)


def _save_entry_once(
    user: User,
    values: dict[str, Any],
    editing: Entry | None,
    client_uuid: uuid.UUID,
    exercises: ExerciseAnswers | None,
) -> SavedEntry:
    # One read for both questions: is this form's entry saved already, and what is on
    # the chosen day?
    found = entries_of_form_or_day(user, client_uuid, values["date"])
    target = editing
    if target is None:
        target = next((e for e in found if e.client_uuid == client_uuid), None)
        if target is not None and target.date != values["date"]:
            # The same form can only ever be one day's entry: a resent form for another
            # day is a tampered or stale page, never a reason to move a saved entry.
            raise DayAlreadyLogged(target)
    on_that_day = next((e for e in found if e.date == values["date"]), None)
    if on_that_day is not None and (target is None or on_that_day.pk != target.pk):
        raise DayAlreadyLogged(on_that_day)
    created = target is None
    entry = target or Entry(user=user, client_uuid=client_uuid)
    before = {field: getattr(entry, field) for field in ENTRY_FIELDS}
    for field in ENTRY_FIELDS:
        if field in values:
            setattr(entry, field, values[field])
    if not entry.rested:
        entry.rest_relief = None
    entry.full_clean(
        exclude=["user", "client_uuid"], validate_unique=False, validate_constraints=False
    )
    if created:
        entry.save()
    elif editing is not None:
        # Read before this transaction: every answer is written, the last save wins whole.
        entry.save(update_fields=[*ENTRY_FIELDS, "updated_at"])
    else:
        # Read in this transaction: only the answers that changed are written.
        changed = [field for field in ENTRY_FIELDS if getattr(entry, field) != before[field]]
        entry.save(update_fields=[*changed, "updated_at"])
    if exercises is not None:
        record_exercise_day(
            patient=user, day=entry.date, marks=exercises.marks, pain_after=exercises.pain_after
        )
    # Only a symptom this save adds is new information (red-flags.md v2): correcting the
    # pain of an entry that already had it re-alerts nothing.
    added = codes_reported_by(set(entry.symptoms) - set(before["symptoms"]))
    evaluation = recheck(user, reported=added)
    return SavedEntry(entry=entry, evaluation=evaluation, created=created)


def delete_entry(*, entry: Entry) -> Evaluation:
    with transaction.atomic():
        user, day = entry.user, entry.date
        entry.delete()
        return recheck_after_deletion(user, day)


def editable_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a person may fill in or correct: today and the 6 days before it, the days
    the symptom flags read (red-flags.md v2)."""
    return today - dt.timedelta(days=PAST_DAYS_EDITABLE), today
