from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths a patient may open before finishing onboarding.
OPEN_PREFIXES = (
    "/accounts/",
    "/onboarding/",
    "/static/",
    "/admin/",
    "/how-triage-works/",
    "/self-care/",
    "/privacy/",
)


class OnboardingMiddleware:
    """Send a patient who has not answered the onboarding questions there first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_patient
            and not request.path.startswith(OPEN_PREFIXES)
            and not _is_onboarded(user)
        ):
            return redirect("tracker:onboarding")
        return self.get_response(request)


def _is_onboarded(user: object) -> bool:
    profile = getattr(user, "profile", None)
    return profile is not None and profile.onboarded_at is not None
