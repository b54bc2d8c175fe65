"""Typed requests for views, as django-htmx's docs show, so mypy can check what a view
reads from its request: a view behind LoginRequiredMiddleware has a real User."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class HtmxRequest(HttpRequest):
    """Any request: HtmxMiddleware sets `htmx` on every one."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request to a view without @login_not_required: someone is signed in."""

    user: User
