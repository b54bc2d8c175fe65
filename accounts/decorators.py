from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


class NotPermitted(Http404):
    """A page this person may not open. Answered as "not found", which tells nothing about
    what is there; written to the audit log as a failed authorisation (see
    `accounts.middleware.AuthorizationFailureMiddleware`)."""


def patient_required(view: View) -> View:
    """Patient pages answer 404 to anyone else: they hold one person's own diary."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated or not request.user.is_patient:
            raise NotPermitted
        return view(request, *args, **kwargs)

    return wrapper


def approved_physiotherapist_required(view: View) -> View:
    """Physiotherapist pages: nothing at all before an administrator approves the account."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated or not request.user.is_approved_physiotherapist:
            raise NotPermitted
        return view(request, *args, **kwargs)

    return wrapper
