"""When a person's daily reminder is next due, in UTC, from their local time and zone.

Computed in local wall-clock time and converted with zoneinfo, so it stays at the
person's chosen hour across daylight-saving changes. A reminder time that does not
exist on a spring-forward day (01:30 in London) fires one hour later by the clock
(02:30, the same instant as 01:30 would have been before the change); one that happens
twice on a fall-back day fires once, at the first of the two.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from tracker.models import Profile

UTC = dt.UTC


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
