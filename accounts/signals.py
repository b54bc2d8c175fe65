"""Every sign-in, failed sign-in and lockout, whatever the form that caused it (our login
page, the admin's), starts the session rules and goes to the audit log (ASVS 7.1.3)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import second_factor, sessions
from accounts.audit import client_ip, record
from accounts.models import AuditAction, User


@receiver(user_logged_in, dispatch_uid="accounts.start_session")
def start_session(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    sessions.start(request)
    second_factor.on_sign_in(request, user)


@receiver(user_logged_in, dispatch_uid="accounts.forget_own_failures")
def forget_own_failures(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A person's own typos from this address stop counting once they are in; other
    accounts' failures from the same address still do."""
    axes_reset(ip=client_ip(request), username=user.get_username())


@receiver(user_logged_in, dispatch_uid="accounts.record_sign_in")
def record_sign_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    pending = second_factor.state(request) == second_factor.State.PENDING
    detail = "password; the code is asked next" if pending else "password"
    record(request, AuditAction.SIGN_IN, subject=user, detail=detail, actor=user)


@receiver(user_login_failed, dispatch_uid="accounts.record_failed_sign_in")
def record_failed_sign_in(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    account = _account(credentials.get("username"))
    # Refused by django-axes before the password was checked: locked, and (unlike the
    # failure that causes a lockout) not counted as a new failure.
    refused = getattr(request, "axes_locked_out", False) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    detail = "refused while locked out" if refused else "wrong password"
    if account is None:
        detail = "no account with that email"
    record(request, AuditAction.SIGN_IN_FAILED, subject=account, detail=detail, actor=None)


@receiver(user_locked_out, dispatch_uid="accounts.record_lockout")
def record_lockout(
    sender: object, request: HttpRequest, username: str | None, **kwargs: Any
) -> None:
    record(request, AuditAction.LOCKOUT, subject=_account(username), detail="sign-in", actor=None)


def _account(username: object) -> User | None:
    """The account a sign-in named. The typed text itself is not logged: people sometimes
    type their password into the email box."""
    if not isinstance(username, str) or not username or len(username) > 254:
        return None
    return User.objects.filter(email__iexact=username.strip()).first()
