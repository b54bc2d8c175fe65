"""Two-step sign-in: an authenticator app's code after the password, or a recovery code.

Optional for patients, required for physiotherapists (and administrators) before they
see anyone's diary. A session whose person has it turned on counts as signed in only
once the code is given: the session carries PENDING until then, VERIFIED after.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import totp
from accounts.models import RecoveryCode, SecondFactor, User

SESSION_KEY = "upright.second_factor"
SETUP_SECRET_KEY = "upright.second_factor_setup"
RECOVERY_CODE_COUNT = 10
# 10 characters from 31 that cannot be misread (no 0/O, 1/I/L): about 50 bits each.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_LENGTH = 10


class State(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"


class Method(StrEnum):
    APP = "app"
    RECOVERY_CODE = "recovery code"


class WrongCode(Exception):
    """Not a current code from the app, nor an unused recovery code."""


class AlreadyOn(Exception):
    """Two-step sign-in was turned on meanwhile (another tab, a double submit)."""


def required_for(user: User) -> bool:
    return user.is_approved_physiotherapist or user.is_staff


def is_on(user: User) -> bool:
    return SecondFactor.objects.filter(user=user).exists()


# --- The session ---------------------------------------------------------------------------


def state(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_KEY)


def on_sign_in(request: HttpRequest, user: User) -> None:
    """After the password: ask for the code when the person has two-step sign-in on."""
    if is_on(user):
        request.session[SESSION_KEY] = State.PENDING
    else:
        request.session.pop(SESSION_KEY, None)


def mark_verified(request: HttpRequest) -> None:
    """The session now counts as signed in: a new session key, as for any sign-in."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = State.VERIFIED


def setup_secret(request: HttpRequest) -> str:
    """The secret being set up, kept in the session (not stored) until a code confirms it."""
    secret = request.session.get(SETUP_SECRET_KEY)
    if not secret:
        secret = request.session[SETUP_SECRET_KEY] = totp.new_secret()
    return secret


# --- Turning it on and off -----------------------------------------------------------------


def enable(*, user: User, secret: str, typed: str, now: dt.datetime | None = None) -> list[str]:
    """Store the app's secret once a code from it matches; return new recovery codes (the
    only copy in clear)."""
    moment = (now or timezone.now()).timestamp()
    step = totp.matching_step(secret, typed, unix_time=moment, after_step=0)
    if step is None:
        raise WrongCode
    try:
        with transaction.atomic():
            SecondFactor.objects.create(user=user, secret=secret, last_used_step=step)
            return _replace_recovery_codes(user)
    except IntegrityError as error:
        raise AlreadyOn from error


def disable(*, user: User) -> None:
    with transaction.atomic():
        SecondFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def renew_recovery_codes(*, user: User) -> list[str]:
    with transaction.atomic():
        return _replace_recovery_codes(user)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


# --- Checking a code -----------------------------------------------------------------------


def verify(*, user: User, typed: str, now: dt.datetime | None = None) -> Method:
    """Accept a current app code (each at most once) or an unused recovery code (used up)."""
    now = now or timezone.now()
    factor = SecondFactor.objects.filter(user=user).first()
    if factor is None:
        raise WrongCode
    step = totp.matching_step(
        factor.secret, typed, unix_time=now.timestamp(), after_step=factor.last_used_step
    )
    # A conditional UPDATE claims the step: of two requests with the same code, one wins.
    if step is not None and SecondFactor.objects.filter(
        pk=factor.pk, last_used_step__lt=step
    ).update(last_used_step=step):
        return Method.APP
    if RecoveryCode.objects.filter(
        user=user, code_hash=hash_recovery_code(user, typed), used_at=None
    ).update(used_at=now):
        return Method.RECOVERY_CODE
    raise WrongCode


def hash_recovery_code(user: User, code: str) -> str:
    """Keyed with SECRET_KEY and the person: a copy of the database alone cannot be
    searched for codes, and one person's code is nothing for another."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac(
        "upright.recovery-code", f"{user.pk}:{normal}", algorithm="sha256"
    ).hexdigest()


def show_recovery_code(code: str) -> str:
    half = RECOVERY_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=hash_recovery_code(user, code)) for code in codes]
    )
    return [show_recovery_code(code) for code in codes]
