"""How often a person may do something: fixed windows counted in the cache.

The cache is Redis in every real deployment (the broker's server, `REDIS_URL`), shared by
every web process; `cache.add` then `cache.incr` is one atomic count per window, with no
database write on the way. Each window's key expires with the window, so nothing needs
pruning. When the cache cannot be reached, a limit that must never stop a person logging
their day lets the request through; the limits that guard against guessing refuse it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

logger = logging.getLogger(__name__)

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window: dt.timedelta
    what: str  # "save 60 entries an hour", for the message
    # With the cache out of reach: True lets the request through, False refuses it.
    fail_open: bool = True

    def key(self, who: object, window_start: dt.datetime) -> str:
        return f"ratelimit:{self.name}:{who}:{int(window_start.timestamp())}"


ENTRY_SAVES = Limit("entry-save", 60, dt.timedelta(hours=1), "save 60 entries an hour")
IMPORTS = Limit("import", 10, dt.timedelta(hours=1), "import 10 files an hour")
SHARE_OFFERS = Limit("share-offer", 20, dt.timedelta(days=1), "send 20 invitations or codes a day")
# Wrong sign-in codes: with at most 10 an hour, guessing a 6-digit code (3 valid at any
# moment) stays below 1 chance in 1,000 a day, and the password is needed first.
SECOND_STEP_FAILURES = Limit(
    "second-step", 10, dt.timedelta(hours=1), "try 10 wrong codes an hour", fail_open=False
)
# Wrong passwords typed to confirm a change once signed in (turn off two-step sign-in...).
PASSWORD_CONFIRMATIONS = Limit(
    "password-confirm",
    5,
    dt.timedelta(minutes=30),
    "try 5 wrong passwords in 30 minutes",
    fail_open=False,
)


# Wrong share codes a physiotherapist types: about 40 bits a code, at most 5 tries an hour.
SHARE_CODE_FAILURES = Limit(
    "share-code", 5, dt.timedelta(hours=1), "try 5 wrong share codes an hour", fail_open=False
)

# Every limit counted per person (by their id); `forget` clears them all.
PER_PERSON = (
    ENTRY_SAVES, IMPORTS, SHARE_OFFERS, SECOND_STEP_FAILURES, PASSWORD_CONFIRMATIONS,
    SHARE_CODE_FAILURES,
)  # fmt: skip


class RateLimited(Exception):
    def __init__(self, limit: Limit, retry_at: dt.datetime, *, unchecked: bool = False) -> None:
        self.limit = limit
        self.retry_at = retry_at
        self.unchecked = unchecked  # the count could not be read: nothing was used up
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.unchecked:
            return "This cannot be checked safely just now. Please try again in a few minutes."
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
    start = window_of(limit, now)
    used = _add_one(limit, who, start, now)
    if used is None:
        _unreachable(limit, start)
    elif used > limit.allowed:
        _take_back(limit, who, start)
        raise RateLimited(limit, start + limit.window)


def count(limit: Limit, who: object, now: dt.datetime | None = None) -> None:
    """Count one failure (a wrong code, a wrong password); `check` refuses once there are
    too many."""
    now = now or timezone.now()
    start = window_of(limit, now)
    if _add_one(limit, who, start, now) is None:
        _unreachable(limit, start)


def check(limit: Limit, who: object, now: dt.datetime | None = None) -> None:
    """Raise RateLimited when the window is used up, without counting anything."""
    start = window_of(limit, now or timezone.now())
    try:
        used = cache.get(limit.key(who, start), 0)
    except Exception:  # noqa: BLE001 - any cache failure is the same "out of reach"
        _unreachable(limit, start)
        return
    if used >= limit.allowed:
        raise RateLimited(limit, start + limit.window)


def forget(who: object, now: dt.datetime | None = None) -> None:
    """Drop every count kept for this person (their account is being deleted). Counts of
    earlier windows expired with them."""
    now = now or timezone.now()
    keys = [limit.key(who, window_of(limit, now)) for limit in PER_PERSON]
    try:
        cache.delete_many(keys)
    except Exception:  # noqa: BLE001 - they expire within a day anyway
        logger.warning("Cache unreachable; rate-limit counts expire on their own")


def _add_one(limit: Limit, who: object, start: dt.datetime, now: dt.datetime) -> int | None:
    """The window's count after adding one, or None when the cache cannot be reached."""
    key = limit.key(who, start)
    # The key lives until its window ends, and a minute more for clocks a little apart.
    ttl = int((start + limit.window - now).total_seconds()) + 60
    backend = caches[DEFAULT_CACHE_ALIAS]
    try:
        if isinstance(backend, RedisCache):
            return _add_one_in_redis(backend, key, ttl)
        try:
            return int(backend.incr(key))  # the window's key usually exists
        except ValueError:  # the window's first use (or its key just expired)
            if backend.add(key, 1, timeout=ttl):
                return 1
            return int(backend.incr(key))  # another process added it meanwhile
    except Exception:  # noqa: BLE001 - any cache failure is the same "out of reach"
        return None


def _add_one_in_redis(backend: RedisCache, key: str, ttl: int) -> int:
    """One round trip in the usual case, on every entry save: Django's `incr` asks whether
    the key exists first. INCR counts from 0 when it does not; the window's first use then
    sets its expiry (were that lost, the key would only outlive its window, never count
    into another one: each window has its own key)."""
    full_key = backend.make_and_validate_key(key)
    client = backend._cache.get_client(full_key, write=True)
    used = int(client.incr(full_key))
    if used == 1:
        client.expire(full_key, ttl)
    return used


def _take_back(limit: Limit, who: object, start: dt.datetime) -> None:
    """A refused request is not counted: a person past the limit is not kept there."""
    try:
        cache.decr(limit.key(who, start))
    except Exception:  # noqa: BLE001 - at worst the count is one too high until it expires
        logger.warning("Could not take back a refused count for %s", limit.name)


def _unreachable(limit: Limit, start: dt.datetime) -> None:
    logger.warning("Cache unreachable for the %s limit", limit.name)
    if not limit.fail_open:
        raise RateLimited(limit, start + limit.window, unchecked=True)
