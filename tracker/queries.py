"""Reads of the journal, with their query shape decided here."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from tracker.models import Entry, Profile


def profile_of(user: User) -> Profile | None:
    """The person's profile, or None: read once per user object, then kept on it (Django
    caches the one-to-one relation both ways, also when the profile is created)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def entry_on(user: User, day: dt.date) -> Entry | None:
    return Entry.objects.filter(user=user, date=day).first()


def activities_of_day_before(user: User, day: dt.date) -> list[str]:
    previous = (
        Entry.objects.filter(user=user, date=day - dt.timedelta(days=1))
        .values_list("activities", flat=True)
        .first()
    )
    return list(previous or [])
