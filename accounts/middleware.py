from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from accounts import second_factor, sessions
from accounts.audit import record
from accounts.decorators import NotPermitted
from accounts.models import AuditAction, User

# Paths a patient may open before finishing onboarding.
OPEN_PREFIXES = (
    "/accounts/",
    "/onboarding/",
    "/static/",
    "/admin/",
    "/how-triage-works/",
    "/self-care/",
    "/privacy/",
    "/offline/",
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


# Never behind a sign-in rule: files, and the service worker the browser fetches itself.
ALWAYS_OPEN = ("/static/", "/sw.js", "/offline/")
# What a physiotherapist may open before setting up two-step sign-in: their account and
# the public pages. No patient's data is under these.
OPEN_WITHOUT_SECOND_FACTOR = (
    "/accounts/",
    "/privacy/",
    "/how-triage-works/",
    "/self-care/",
)


class PrivateResponsesMiddleware:
    """Whatever a signed-in person is sent is theirs alone: no browser cache, shared proxy
    or back-forward cache may keep it for the next person on the same phone (OWASP ASVS
    8.2.1). Judged before the view runs, so the answer to a logout is covered too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionExpiryMiddleware:
    """End a session that has been idle, or open, for longer than its person's rules allow
    (`accounts.sessions`), and note activity on the others."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(ALWAYS_OPEN):
            reason = sessions.ended_because(request)
            if reason is not None:
                logout(request)
                messages.info(request, reason)
                if request.method == "GET":
                    return _send_to(request, _login_url(request.get_full_path()), reason)
                return _send_to(request, _login_url(None), reason)
            sessions.touch(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """A session waiting for its code reaches only the code page and logout; a
    physiotherapist without two-step sign-in reaches only their account and public pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        state = second_factor.state(request)
        if state == second_factor.State.PENDING and request.path not in (
            reverse("accounts:two_factor_verify"),
            reverse("accounts:logout"),
        ):
            verify = reverse("accounts:two_factor_verify")
            if request.method == "GET":
                verify += "?" + urlencode({"next": request.get_full_path()})
            return _send_to(request, verify, "Enter the code from your app to finish signing in.")
        if (
            state != second_factor.State.VERIFIED
            and second_factor.required_for(user)
            and not request.path.startswith(OPEN_WITHOUT_SECOND_FACTOR)
        ):
            message = (
                "Physiotherapists need two-step sign-in before they can see any patient's "
                "diary. Setting it up takes two minutes."
            )
            messages.info(request, message)
            return _send_to(request, reverse("accounts:two_factor_setup"), message)
        return self.get_response(request)


class AuthorizationFailureMiddleware:
    """Write every refused request of a signed-in person to the audit log (ASVS 7.2.2):
    a PermissionDenied anywhere; a 404 from a role check (`NotPermitted`); and a 404 on a
    physiotherapist page or on a page about one object (an id in its address), which is
    how a diary that is not yours answers. Nothing for other 404s: a mistyped address is
    not an attack, and the log stays cheap."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if not request.user.is_authenticated:
            return None
        if isinstance(exception, PermissionDenied | NotPermitted) or (
            isinstance(exception, Http404) and _guards_an_object(request)
        ):
            record(
                request,
                AuditAction.AUTHORIZATION_FAILED,
                subject=_person_named(request),
                detail=f"{request.method} {request.path}",
            )
        return None


def _person_named(request: HttpRequest) -> User | None:
    """The person whose id the refused address carries: the row is then about them, and
    deleting their account erases the address with the rest."""
    match = request.resolver_match
    person_id = match.kwargs.get("patient_id") if match else None
    return User.objects.filter(pk=person_id).first() if isinstance(person_id, int) else None


def _guards_an_object(request: HttpRequest) -> bool:
    match = request.resolver_match
    return request.path.startswith("/physio/") or bool(match and match.kwargs)


def _login_url(next_url: str | None) -> str:
    url = reverse(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _send_to(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """A redirect the asker can follow: htmx reloads the page, a script gets JSON."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"status": "login", "message": message, "url": url}, status=401)
    return redirect(url)
