"""How long a sign-in lasts, by who signed in (OWASP ASVS 4.0, V3.3).

Physiotherapists (and administrators) open many people's health records: 30 minutes
without activity, and 12 hours at most, end their session (ASVS 3.3.2, level 2). A
patient's diary is their own: the session ends with the browser and after 12 hours
without activity, unless they chose to stay signed in on their own phone for 30 days.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import User
from accounts.requests import AuthenticatedRequest

SIGNED_IN_AT = "upright.signed_in_at"
SEEN_AT = "upright.seen_at"
KEPT = "upright.kept"
# The last-seen time is written at most this often: one session write a minute, not one
# a request.
SEEN_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Policy:
    idle: dt.timedelta
    lifetime: dt.timedelta


CLINICIAN = Policy(idle=dt.timedelta(minutes=30), lifetime=dt.timedelta(hours=12))
PATIENT = Policy(idle=dt.timedelta(hours=12), lifetime=dt.timedelta(days=30))
PATIENT_KEPT = Policy(idle=dt.timedelta(days=30), lifetime=dt.timedelta(days=30))


def policy_for(user: User, kept: bool) -> Policy:
    if user.is_physiotherapist or user.is_staff:
        return CLINICIAN
    return PATIENT_KEPT if kept else PATIENT


def start(request: HttpRequest, now: dt.datetime | None = None) -> None:
    """A new sign-in: the cookie lasts as long as the browser does."""
    stamp = (now or timezone.now()).timestamp()
    request.session[SIGNED_IN_AT] = stamp
    request.session[SEEN_AT] = stamp
    request.session.pop(KEPT, None)
    request.session.set_expiry(0)


def keep_signed_in(request: HttpRequest) -> None:
    """A patient's choice on their own phone: a cookie that outlives the browser, until
    30 days after signing in. Clinicians' sessions are never kept."""
    if policy_for(request.user, kept=True) is not PATIENT_KEPT:  # type: ignore[arg-type]
        return
    signed_in_at = dt.datetime.fromtimestamp(request.session[SIGNED_IN_AT], tz=dt.UTC)
    request.session[KEPT] = True
    request.session.set_expiry(signed_in_at + PATIENT_KEPT.lifetime)


def ended_because(request: HttpRequest, now: dt.datetime | None = None) -> str | None:
    """Why this signed-in session is over, in words for the person, or None."""
    session = request.session
    now_stamp = (now or timezone.now()).timestamp()
    if SIGNED_IN_AT not in session:  # a session from before these rules: they start now
        start(request, now)
        return None
    policy = policy_for(request.user, kept=bool(session.get(KEPT)))  # type: ignore[arg-type]
    if now_stamp - session[SIGNED_IN_AT] > policy.lifetime.total_seconds():
        return f"You have been signed in for {_words(policy.lifetime)}: please log in again."
    if now_stamp - session.get(SEEN_AT, 0) > policy.idle.total_seconds():
        return (
            f"You were signed out after {_words(policy.idle)} without activity, "
            "to keep the diary safe. Please log in again."
        )
    return None


def touch(request: HttpRequest, now: dt.datetime | None = None) -> None:
    now_stamp = (now or timezone.now()).timestamp()
    if now_stamp - request.session.get(SEEN_AT, 0) >= SEEN_PRECISION.total_seconds():
        request.session[SEEN_AT] = now_stamp


def end_every_session(user: User) -> None:
    """A new session salt: every session of this person, on every device, stops counting
    (it is part of their auth hash, see `User.get_session_auth_hash`)."""
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])


def end_other_sessions(request: AuthenticatedRequest) -> None:
    """Every session of the signed-in person but this one stops counting."""
    end_every_session(request.user)
    update_session_auth_hash(request, request.user)


def forget_cached_pages(response: HttpResponse) -> HttpResponse:
    """For the answer that ends a sign-in on this browser: the browser drops whatever it
    cached from this site, so the next person on the phone finds none of it. Only
    "cache", never "storage": that would also drop the entries kept on the phone (in
    IndexedDB) that were not sent yet, and with them a day of someone's diary."""
    response["Clear-Site-Data"] = '"cache"'
    return response


def _words(span: dt.timedelta) -> str:
    if span >= dt.timedelta(days=1):
        return f"{span.days} days"
    if span >= dt.timedelta(hours=1):
        return f"{int(span.total_seconds() // 3600)} hours"
    return f"{int(span.total_seconds() // 60)} minutes"
