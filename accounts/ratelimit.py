"""How often a person may do something: fixed windows counted in the database.

There is no shared cache, and a count kept in one web process means nothing to the next;
a row per (key, window) with a conditional UPDATE is exact across processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import RateLimit

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window: dt.timedelta
    what: str  # "save 60 entries an hour", for the message

    def key(self, who: object) -> str:
        return f"{self.name}:{who}"


ENTRY_SAVES = Limit("entry-save", 60, dt.timedelta(hours=1), "save 60 entries an hour")
IMPORTS = Limit("import", 10, dt.timedelta(hours=1), "import 10 files an hour")
SHARE_OFFERS = Limit("share-offer", 20, dt.timedelta(days=1), "send 20 invitations or codes a day")
# Wrong sign-in codes: with at most 10 an hour, guessing a 6-digit code (3 valid at any
# moment) stays below 1 chance in 1,000 a day, and the password is needed first.
SECOND_STEP_FAILURES = Limit("second-step", 10, dt.timedelta(hours=1), "try 10 wrong codes an hour")
# Wrong passwords typed to confirm a change once signed in (turn off two-step sign-in...).
PASSWORD_CONFIRMATIONS = Limit(
    "password-confirm", 5, dt.timedelta(minutes=30), "try 5 wrong passwords in 30 minutes"
)


# Every limit counted per person (by their id); `forget` clears them all.
PER_PERSON = (ENTRY_SAVES, IMPORTS, SHARE_OFFERS, SECOND_STEP_FAILURES, PASSWORD_CONFIRMATIONS)


class RateLimited(Exception):
    def __init__(self, limit: Limit, retry_at: dt.datetime) -> None:
        self.limit = limit
        self.retry_at = retry_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (
            f"You can {self.limit.what}, and that is used up for now. "
            f"Please try again after {self.retry_at:%H:%M} UTC."
        )


def window_of(limit: Limit, now: dt.datetime) -> dt.datetime:
    windows = (now - EPOCH) // limit.window
    return EPOCH + windows * limit.window


def take(limit: Limit, who: object, now: dt.datetime | None = None) -> None:
    """Count one use, or raise RateLimited (counting nothing) when the window is used up."""
    now = now or timezone.now()
    if not _count(limit, who, now, only_below_limit=True):
        raise RateLimited(limit, window_of(limit, now) + limit.window)


def count(limit: Limit, who: object, now: dt.datetime | None = None) -> None:
    """Count one failure (a wrong code, a wrong password); `check` refuses once there are
    too many."""
    _count(limit, who, now or timezone.now(), only_below_limit=False)


def check(limit: Limit, who: object, now: dt.datetime | None = None) -> None:
    """Raise RateLimited when the window is used up, without counting anything."""
    now = now or timezone.now()
    start = window_of(limit, now)
    used = (
        RateLimit.objects.filter(key=limit.key(who), window_start=start)
        .values_list("count", flat=True)
        .first()
    )
    if used is not None and used >= limit.allowed:
        raise RateLimited(limit, start + limit.window)


def _count(limit: Limit, who: object, now: dt.datetime, *, only_below_limit: bool) -> bool:
    start = window_of(limit, now)
    key = limit.key(who)
    # Usually the window's row exists and has room: one UPDATE, and done.
    window = RateLimit.objects.filter(key=key, window_start=start)
    if only_below_limit:
        window = window.filter(count__lt=limit.allowed)
    if window.update(count=F("count") + 1) == 1:
        return True
    with transaction.atomic():
        row, created = RateLimit.objects.get_or_create(key=key, window_start=start)
        if created:  # a new window: the old ones for this key are of no more use
            RateLimit.objects.filter(key=key, window_start__lt=start).delete()
        rows = RateLimit.objects.filter(pk=row.pk)
        if only_below_limit:
            rows = rows.filter(count__lt=limit.allowed)
        return rows.update(count=F("count") + 1) == 1


def forget_old_windows(now: dt.datetime | None = None) -> int:
    """Delete counters of windows long past (each is pruned when its key is next used;
    this clears keys that went quiet)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=2)
    deleted, _ = RateLimit.objects.filter(window_start__lt=cutoff).delete()
    return deleted


def forget(who: object) -> int:
    """Delete every counter kept for this person (their account is being deleted)."""
    deleted, _ = RateLimit.objects.filter(key__in=[limit.key(who) for limit in PER_PERSON]).delete()
    return deleted
