"""The daily reminder: when it is next due, and the dispatcher that sends it.

When. Computed in local wall-clock time and converted with zoneinfo, so it stays at the
person's chosen hour across daylight-saving changes. A reminder time that does not exist
on a spring-forward day (01:30 in London) fires one hour later by the clock (02:30, the
same instant as 01:30 would have been before the change); one that happens twice on a
fall-back day fires once, at the first of the two.

Sending. `Profile.next_reminder_at` holds the next due moment (UTC, indexed). Every
minute beat runs `tracker.tasks.send_due_reminders`, which reads the ids of due profiles
through that index (never a scan of everyone) and queues them in chunks of
`CHUNK_SIZE` to `tracker.tasks.send_reminders`. For each due profile, `remind` then:

1. claims the slot: `UPDATE ... SET next_reminder_at = <the next one> WHERE pk = ... AND
   next_reminder_at = <the value read>` must change exactly one row, else another worker
   (a second beat tick, a redelivered task) has it and this one moves on;
2. in the same transaction, records the message through `notify.send`, keyed
   `reminder:<user id>:<local date>`, unless that day is logged, reminders are paused,
   or the slot is more than `LATE_LIMIT` old (yesterday's reminder is no use at 3 a.m.);
3. after commit, delivers its channels (email, push): `notify` owns that part.

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
from itertools import batched

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notify.models import Kind
from notify.preferences import channels_for
from notify.service import send
from tracker.models import Entry, Profile

UTC = dt.UTC
CHUNK_SIZE = 100  # small enough to spread a busy minute over every worker
MAX_DUE_PER_RUN = 100 * CHUNK_SIZE  # the rest waits for the next minute
LATE_LIMIT = dt.timedelta(hours=6)

TITLE = "Time for today's diary"
BODY = "How is your back today? Noting it down takes about a minute."


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


def next_reminder_at(profile: Profile, *, after: dt.datetime) -> dt.datetime | None:
    return next_reminder_time(
        after=after,
        reminder_time=profile.reminder_time,
        zone=profile.zone,
        paused_until=profile.reminders_paused_until,
    )


def due_profile_ids(now: dt.datetime, limit: int = MAX_DUE_PER_RUN) -> list[int]:
    """Profiles whose reminder is due, oldest slot first, read through the index."""
    due = Profile.objects.filter(next_reminder_at__lte=now).order_by("next_reminder_at", "pk")
    return list(due.values_list("pk", flat=True)[:limit])


def chunks_of_due_profiles(now: dt.datetime) -> list[list[int]]:
    return [list(chunk) for chunk in batched(due_profile_ids(now), CHUNK_SIZE)]


def send_reminders(profile_ids: list[int], now: dt.datetime | None = None) -> int:
    """Remind every profile of the chunk that is still due; return how many were sent."""
    now = now or timezone.now()
    due = Profile.objects.filter(pk__in=profile_ids, next_reminder_at__lte=now)
    return sum(remind(profile, now) for profile in due.select_related("user").order_by("pk"))


def remind(profile: Profile, now: dt.datetime) -> bool:
    """Claim this profile's due slot, and record its reminder in the same transaction."""
    slot = profile.next_reminder_at
    if slot is None:
        return False
    following = next_reminder_at(profile, after=max(now, slot))
    local_day = slot.astimezone(profile.zone).date()
    with transaction.atomic():
        claimed = Profile.objects.filter(pk=profile.pk, next_reminder_at=slot).update(
            next_reminder_at=following
        )
        if claimed != 1 or not wants_reminder(profile, local_day, slot, now):
            return False
        message = send(
            user=profile.user,
            kind=Kind.REMINDER,
            key=f"reminder:{profile.user_id}:{local_day.isoformat()}",
            title=TITLE,
            body=BODY,
            url=reverse("tracker:today"),
            channels=channels_for(profile.user, Kind.REMINDER, at=now),
        )
    return message is not None


def wants_reminder(
    profile: Profile, local_day: dt.date, slot: dt.datetime, now: dt.datetime
) -> bool:
    if profile.reminder_time is None or not profile.user.is_active:
        return False
    if profile.reminders_paused_until is not None and profile.reminders_paused_until >= local_day:
        return False
    if now - slot > LATE_LIMIT:
        return False
    return not Entry.objects.filter(user_id=profile.user_id, date=local_day).exists()
