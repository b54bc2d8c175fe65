"""The daily reminder (and the optional exercise reminder): when each is next due, and the
dispatcher that sends them. Both follow every rule below; they differ only in their time
field, their slot field, their key and when they are not wanted (`Reminder`).

When. Computed in local wall-clock time and converted with zoneinfo, so it stays at the
person's chosen hour across daylight-saving changes. A reminder time that does not exist
on a spring-forward day (01:30 in London) fires one hour later by the clock (02:30, the
same instant as 01:30 would have been before the change); one that happens twice on a
fall-back day fires once, at the first of the two.

Sending. `Profile.next_reminder_at` holds the next due moment (UTC, indexed). Every
minute beat runs `tracker.tasks.send_due_reminders`, which reads the ids of due profiles
through that index (never a scan of everyone) and queues them in chunks of
`CHUNK_SIZE` to `tracker.tasks.send_reminders`. For each chunk, `remind_all` then, in
one transaction:

1. claims the slots with conditional UPDATEs: a row still holding the slot read moves
   on to its next one, else another worker (a second beat tick, a redelivered task) has
   it and this one leaves it alone;
2. records the messages through `notify.send_many`, keyed `reminder:<user id>:<local
   date>`, except for a day already logged, paused reminders, or a slot more than
   `LATE_LIMIT` old (yesterday's reminder is no use at 3 a.m.);
3. after commit, delivers their channels (email, push): `notify` owns that part.

Why nobody is reminded twice, or lost:
- The claim and the message commit together. A worker killed before the commit rolls
  both back: the slot is still due and the next tick claims it. Killed after: the
  message exists and its deliveries wait as pending rows, which `notify.tasks.
  sweep_deliveries` attempts once they are overdue. A task redelivered after such a
  kill finds its slots already moved on and does nothing.
- The key makes one message per person per local day, whatever races the claim missed:
  a person who changes time zone or reminder time after today's reminder gets a new
  slot that may fall on the same local day again, and that second slot sends nothing.
- A backlog (workers down for a while) queues the same due ids more than once; each
  extra copy costs one read and a failed claim.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import batched
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exercises.adherence import PlanSchedule, ScheduledExercise
from exercises.queries import logged_days_by_patient, schedules_by_patient
from notify.models import Kind
from notify.preferences import channels_for_many, save_preferences
from notify.service import Outgoing, send_many
from tracker.models import Entry, Profile

UTC = dt.UTC
CHUNK_SIZE = 100  # small enough to spread a busy minute over every worker
# A minute's wave for a few million people (100,000 due at 20:00, say); the rest waits for
# the next minute.
MAX_DUE_PER_RUN = 2000 * CHUNK_SIZE
LATE_LIMIT = dt.timedelta(hours=6)

TITLE = "Time for today's diary"
BODY = "How is your back today? Noting it down takes about a minute."
WITH_EXERCISES = " Your exercises are in today's entry too."
EXERCISE_TITLE = "Time for your exercises"


@dataclass(frozen=True)
class Reminder:
    """One kind of reminder: the profile fields holding its time and next slot, and its key."""

    key: str
    time_field: str
    slot_field: str


DAILY = Reminder("reminder", "reminder_time", "next_reminder_at")
EXERCISES = Reminder("exercise-reminder", "exercise_reminder_time", "next_exercise_reminder_at")
REMINDERS = {reminder.key: reminder for reminder in (DAILY, EXERCISES)}


def local_moment(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (fold=0: the first, if repeated)."""
    return dt.datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_reminder_time(
    *,
    after: dt.datetime,
    reminder_time: dt.time | None,
    zone: zoneinfo.ZoneInfo,
    paused_until: dt.date | None = None,
) -> dt.datetime | None:
    """The first local reminder moment strictly after `after` (and after any pause)."""
    if reminder_time is None:
        return None
    local_day = after.astimezone(zone).date()
    if paused_until is not None and paused_until >= local_day:
        local_day = paused_until + dt.timedelta(days=1)
        after = max(after, local_moment(local_day, dt.time(0, 0), zone) - dt.timedelta(seconds=1))
    for offset in range(3):
        candidate = local_moment(local_day + dt.timedelta(days=offset), reminder_time, zone)
        if candidate > after:
            return candidate
    raise AssertionError("a reminder moment always exists within three days")


def next_reminder_at(
    profile: Profile, *, after: dt.datetime, reminder: Reminder = DAILY
) -> dt.datetime | None:
    return next_reminder_time(
        after=after,
        reminder_time=getattr(profile, reminder.time_field),
        zone=profile.zone,
        paused_until=profile.reminders_paused_until,
    )


def schedule_of(profile: Profile) -> tuple[object, ...]:
    """What a person's next reminders depend on: their times, the time zone, any pause."""
    return (
        profile.reminder_time,
        profile.exercise_reminder_time,
        profile.time_zone,
        profile.reminders_paused_until,
    )


def reschedule(profile: Profile, *, schedule_before: tuple[object, ...], now: dt.datetime) -> bool:
    """The one rule for moving a person's next reminder, whichever page changed their
    settings: recompute it when the schedule changed, or when none is set yet. Left
    unchanged, the slot stays, so saving a minute before a reminder is due does not skip
    it; a slot moved never sends a second reminder on a day (the key is the local date).
    Returns whether a slot was set (the caller saves the profile)."""
    if schedule_of(profile) == schedule_before and all(
        getattr(profile, r.slot_field) is not None or getattr(profile, r.time_field) is None
        for r in REMINDERS.values()
    ):
        return False
    for reminder in REMINDERS.values():
        setattr(
            profile, reminder.slot_field, next_reminder_at(profile, after=now, reminder=reminder)
        )
    return True


def save_notification_settings(
    *, user: User, reminder: dict[str, Any], channels: dict[str, Any]
) -> None:
    """The notification settings page, in one transaction: when reminders come (the
    journal's: time, time zone, pause) and where messages arrive (notify's preferences).
    The next reminder moves by `reschedule`, the one rule for it."""
    with transaction.atomic():
        save_preferences(user=user, values=channels)
        profile = Profile.objects.select_for_update().get(user=user)
        before = schedule_of(profile)
        profile.reminder_time = reminder["reminder_time"]
        profile.exercise_reminder_time = reminder["exercise_reminder_time"]
        profile.time_zone = reminder["time_zone"]
        profile.reminders_paused_until = paused_until(profile, reminder["pause_days"])
        if reschedule(profile, schedule_before=before, now=timezone.now()):
            profile.save(
                update_fields=[
                    "reminder_time",
                    "exercise_reminder_time",
                    "time_zone",
                    "reminders_paused_until",
                    "next_reminder_at",
                    "next_exercise_reminder_at",
                    "updated_at",
                ]
            )


def paused_until(profile: Profile, days: int) -> dt.date | None:
    """The last local day of a pause of `days` days starting today; None for no pause."""
    if days <= 0:
        return None
    return profile.local_today() + dt.timedelta(days=days - 1)


def due_profile_ids(
    now: dt.datetime, limit: int = MAX_DUE_PER_RUN, reminder: Reminder = DAILY
) -> list[int]:
    """Profiles whose reminder is due, oldest slot first, read through the index."""
    due = Profile.objects.filter(**{f"{reminder.slot_field}__lte": now}).order_by(
        reminder.slot_field, "pk"
    )
    return list(due.values_list("pk", flat=True)[:limit])


def chunks_of_due_profiles(now: dt.datetime, reminder: Reminder = DAILY) -> list[list[int]]:
    due = due_profile_ids(now, reminder=reminder)
    return [list(chunk) for chunk in batched(due, CHUNK_SIZE)]


def send_reminders(
    profile_ids: list[int], now: dt.datetime | None = None, reminder: Reminder = DAILY
) -> int:
    """Remind every profile of the chunk that is still due; return how many were sent."""
    now = now or timezone.now()
    due = Profile.objects.filter(pk__in=profile_ids, **{f"{reminder.slot_field}__lte": now})
    return remind_all(list(due.select_related("user").order_by("pk")), now, reminder)


def remind_all(profiles: Sequence[Profile], now: dt.datetime, reminder: Reminder = DAILY) -> int:
    """Claim each profile's due slot and record the reminders, all in one transaction: a
    slot is never advanced without its message, nor the reverse. Returns how many were
    sent."""
    # Reads that need no lock come first: the transaction holds SQLite's only writer.
    channels = channels_for_many(
        [profile.user for profile in profiles],
        Kind.REMINDER,
        now,
        zones={profile.user_id: profile.zone for profile in profiles},
    )
    url = reverse("tracker:today")
    with transaction.atomic():
        claims = claim_slots(profiles, now, reminder)
        day = DayFacts.of(claims, reminder)
        sent = send_many(
            outgoing=[
                reminder_for(claim, url, channels[claim.profile.user_id], reminder, day)
                for claim in claims
                if wants_reminder(claim, now, day, reminder)
            ]
        )
    return len(sent)


@dataclass(frozen=True)
class Claim:
    """A due slot this worker moved on: its reminder is this worker's to record."""

    profile: Profile
    slot: dt.datetime

    @property
    def local_day(self) -> dt.date:
        return self.slot.astimezone(self.profile.zone).date()


class SlotMoved(Exception):
    """Another worker moved one of these slots first."""


def claim_slots(
    profiles: Sequence[Profile], now: dt.datetime, reminder: Reminder = DAILY
) -> list[Claim]:
    """Move each profile's slot on to the next one, where it still holds the slot read.

    Slots moving to the same next moment (one time zone and reminder time) move in one
    conditional UPDATE, which must change every row of the group. When one does not
    (another worker, a second beat or a redelivered task, got there first), the whole
    attempt is rolled back and each slot claimed on its own: `UPDATE ... WHERE pk = ...
    AND next_reminder_at = <the value read>` must change exactly one row.
    """
    moves: dict[tuple[dt.datetime, dt.datetime | None], list[Claim]] = defaultdict(list)
    for profile in profiles:
        if (slot := getattr(profile, reminder.slot_field)) is not None:
            following = next_reminder_at(profile, after=max(now, slot), reminder=reminder)
            moves[(slot, following)].append(Claim(profile, slot))
    try:
        with transaction.atomic():
            for (slot, following), group in moves.items():
                pks = [claim.profile.pk for claim in group]
                if _move(pks, slot, following, reminder) != len(group):
                    raise SlotMoved
    except SlotMoved:
        return [
            claim
            for (slot, following), group in moves.items()
            for claim in group
            if _move([claim.profile.pk], slot, following, reminder) == 1
        ]
    return [claim for group in moves.values() for claim in group]


def _move(
    pks: list[int], slot: dt.datetime, following: dt.datetime | None, reminder: Reminder
) -> int:
    return Profile.objects.filter(pk__in=pks, **{reminder.slot_field: slot}).update(
        **{reminder.slot_field: following}
    )


@dataclass(frozen=True)
class DayFacts:
    """What the reminders of a chunk depend on, for each person and the day each is for:
    whether the day is logged, the exercises due, those already ticked. A fixed number of
    queries for the whole chunk."""

    logged: frozenset[tuple[int, dt.date]]
    exercises_due: dict[tuple[int, dt.date], tuple[ScheduledExercise, ...]]
    exercises_ticked: dict[tuple[int, dt.date], frozenset[str]]

    @classmethod
    def of(cls, claims: Sequence[Claim], reminder: Reminder) -> DayFacts:
        if not claims:
            return cls(frozenset(), {}, {})
        people = [claim.profile.user_id for claim in claims]
        days = {claim.local_day for claim in claims}
        logged: frozenset[tuple[int, dt.date]] = frozenset()
        if reminder is DAILY:
            entries = Entry.objects.filter(user_id__in=people, date__in=days)
            logged = frozenset(entries.values_list("user_id", "date"))
        plans = schedules_by_patient(people, min(days))
        due = {
            (claim.profile.user_id, claim.local_day): _exercises_due(
                plans.get(claim.profile.user_id, []), claim.local_day
            )
            for claim in claims
        }
        ticked: dict[tuple[int, dt.date], frozenset[str]] = {}
        if reminder is EXERCISES:
            with_plans = [person for person in people if person in plans]
            log = logged_days_by_patient(with_plans, min(days), max(days))
            ticked = {
                (person, day): frozenset(marks.marks)
                for person, by_day in log.items()
                for day, marks in by_day.items()
            }
        return cls(logged, due, ticked)


def _exercises_due(plans: Sequence[PlanSchedule], day: dt.date) -> tuple[ScheduledExercise, ...]:
    return tuple(e for plan in plans for e in plan.exercises_on(day))


def wants_reminder(claim: Claim, now: dt.datetime, day: DayFacts, reminder: Reminder) -> bool:
    profile, local_day = claim.profile, claim.local_day
    if getattr(profile, reminder.time_field) is None or not profile.user.is_active:
        return False
    if profile.reminders_paused_until is not None and profile.reminders_paused_until >= local_day:
        return False
    if now - claim.slot > LATE_LIMIT:
        return False
    person_day = (profile.user_id, local_day)
    if reminder is EXERCISES:
        # Only on a day with exercises to do, and not once each of them is ticked.
        ticked = day.exercises_ticked.get(person_day, frozenset())
        return any(e.key not in ticked for e in day.exercises_due.get(person_day, ()))
    return person_day not in day.logged


def reminder_for(
    claim: Claim, url: str, channels: list[str], reminder: Reminder, day: DayFacts
) -> Outgoing:
    user = claim.profile.user
    due = day.exercises_due.get((user.pk, claim.local_day), ())
    if reminder is EXERCISES:
        names = ", ".join(e.name for e in due)
        title, body = EXERCISE_TITLE, f"Today: {names}. Tick them off in today's entry."
    else:
        title, body = TITLE, BODY + (WITH_EXERCISES if due else "")
    return Outgoing(
        user=user,
        kind=Kind.REMINDER,
        key=f"{reminder.key}:{user.pk}:{claim.local_day.isoformat()}",
        title=title,
        body=body,
        url=url,
        channels=channels,
    )
