"""Two-step sign-in pages: set it up, give the code after the password, turn it off, and
make new recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import ratelimit, second_factor, sessions, totp
from accounts.audit import record
from accounts.forms import CodeForm, PasswordConfirmForm, SignInCodeForm
from accounts.models import AuditAction
from accounts.requests import AuthenticatedRequest
from accounts.views import account_page

WRONG_CODE = (
    "That code does not match. Check that the entry in your app says Upright and your "
    "email, and type the newest code."
)


@require_http_methods(["GET", "POST"])
def setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if second_factor.is_on(user):
        if second_factor.state(request) != second_factor.State.VERIFIED:
            # Turned on in another session: this one must give a code too.
            request.session[second_factor.SESSION_KEY] = second_factor.State.PENDING
            return redirect("accounts:two_factor_verify")
        messages.info(request, "Two-step sign-in is already on.")
        return redirect("accounts:account")
    secret = second_factor.setup_secret(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.enable(user=user, secret=secret, typed=form.cleaned_data["code"])
        except second_factor.WrongCode:
            form.add_error("code", WRONG_CODE)
        except second_factor.AlreadyOn:
            messages.info(request, "Two-step sign-in is already on.")
            return redirect("accounts:account")
        else:
            request.session.pop(second_factor.SETUP_SECRET_KEY, None)
            second_factor.mark_verified(request)
            # Sessions that began with the password alone must now give a code too.
            sessions.end_other_sessions(request)
            record(request, AuditAction.MFA_ENABLED, subject=user)
            return _recovery_codes_page(request, codes, first_time=True)
    context = {
        "form": form,
        "qr_code": totp.qr_code_data_uri(totp.provisioning_uri(secret, user.email)),
        "secret": totp.grouped(secret),
    }
    response = render(
        request, "accounts/two_factor_setup.html", context, status=422 if form.errors else 200
    )
    add_never_cache_headers(response)  # the secret is on the page
    return response


@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in."""
    next_url = _safe_next(request)
    if second_factor.state(request) != second_factor.State.PENDING:
        return redirect(next_url)
    user = request.user
    form = SignInCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.check(ratelimit.SECOND_STEP_FAILURES, user.pk)
            method = second_factor.verify(user=user, typed=form.cleaned_data["code"])
        except ratelimit.RateLimited as limited:
            form.add_error("code", limited.message)
            status = 429
        except second_factor.WrongCode:
            ratelimit.count(ratelimit.SECOND_STEP_FAILURES, user.pk)
            record(request, AuditAction.SECOND_STEP_FAILED, subject=user)
            form.add_error("code", WRONG_CODE)
        else:
            second_factor.mark_verified(request)
            if method == second_factor.Method.RECOVERY_CODE:
                _recovery_code_used(request)
            else:
                record(request, AuditAction.SECOND_STEP, subject=user)
            return redirect(next_url)
    if form.errors and status == 200:
        status = 422
    context = {"form": form, "next": next_url}
    return render(request, "accounts/two_factor_verify.html", context, status=status)


@require_POST
def disable(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not second_factor.is_on(user):
        return redirect("accounts:account")
    form = PasswordConfirmForm(request.POST, user=user, prefix="disable")
    if not form.is_valid():
        return account_page(request, disable_form=form)
    second_factor.disable(user=user)
    request.session.pop(second_factor.SESSION_KEY, None)
    record(request, AuditAction.MFA_DISABLED, subject=user)
    text = "Two-step sign-in is off."
    if user.is_physiotherapist or user.is_staff:
        text += " You need it again before you can see any patient's diary."
    messages.success(request, text)
    return redirect("accounts:account")


@require_POST
def renew_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not second_factor.is_on(user):
        return redirect("accounts:account")
    form = PasswordConfirmForm(request.POST, user=user, prefix="renew")
    if not form.is_valid():
        return account_page(request, renew_form=form)
    codes = second_factor.renew_recovery_codes(user=user)
    record(request, AuditAction.MFA_CHANGE, subject=user, detail="new recovery codes")
    return _recovery_codes_page(request, codes, first_time=False)


def _recovery_codes_page(
    request: AuthenticatedRequest, codes: list[str], *, first_time: bool
) -> HttpResponse:
    """Shown once: only their hashes are stored."""
    context = {"codes": codes, "first_time": first_time}
    response = render(request, "accounts/recovery_codes.html", context)
    add_never_cache_headers(response)
    return response


def _recovery_code_used(request: AuthenticatedRequest) -> None:
    user = request.user
    left = second_factor.recovery_codes_left(user)
    record(request, AuditAction.RECOVERY_CODE_USED, subject=user, detail=f"{left} left")
    text = f"You signed in with a recovery code; it will not work again. {left} left."
    if left <= 3:
        text += " Make new ones on your Account page, and set up your app again if it is lost."
    messages.warning(request, text)


def _safe_next(request: AuthenticatedRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")
