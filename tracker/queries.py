"""Reads of the journal, with their query shape decided here."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from accounts.models import User
from tracker.models import Entry, Profile

UTC = zoneinfo.ZoneInfo("UTC")


def zones_of(user_ids: Sequence[int]) -> dict[int, zoneinfo.ZoneInfo]:
    """Each person's time zone (UTC for someone without a profile), in one query."""
    if not user_ids:
        return {}
    profiles = Profile.objects.filter(user_id__in=user_ids).only("user_id", "time_zone")
    zones = {profile.user_id: profile.zone for profile in profiles}
    return {pk: zones.get(pk, UTC) for pk in user_ids}


def profile_of(user: User) -> Profile | None:
    """The person's profile, or None: read once per user object, then kept on it (Django
    caches the one-to-one relation both ways, also when the profile is created)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def today_of(person: User) -> dt.date:
    """The person's own date now, in their time zone (UTC for someone without a profile):
    the one "today" for anything about their day, whoever is looking at it."""
    profile = profile_of(person)
    return profile.local_today() if profile is not None else dt.datetime.now(UTC).date()


def entry_on(user: User, day: dt.date) -> Entry | None:
    return Entry.objects.filter(user=user, date=day).first()


def activities_of_day_before(user: User, day: dt.date) -> list[str]:
    previous = (
        Entry.objects.filter(user=user, date=day - dt.timedelta(days=1))
        .values_list("activities", flat=True)
        .first()
    )
    return list(previous or [])
