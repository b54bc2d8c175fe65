from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import second_factor, sessions
from accounts.audit import record, security_log
from accounts.forms import EmailAuthenticationForm, PasswordConfirmForm, SignUpForm
from accounts.models import AuditAction
from accounts.requests import AuthenticatedRequest


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user.is_physiotherapist:
            messages.info(
                request,
                "Thank you. We check every registration number before a physiotherapist "
                "can see any patient's diary; you will get an email when that is done.",
            )
            return redirect("home")
        return redirect("tracker:onboarding")
    return render(request, "accounts/signup.html", {"form": form})


class SignInView(auth_views.LoginView):
    """Django's login, plus "keep me signed in" and, when the person has it on, the second
    step before the session counts."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("keep_signed_in"):
            sessions.keep_signed_in(self.request)
        if second_factor.state(self.request) == second_factor.State.PENDING:
            verify = reverse("accounts:two_factor_verify")
            return redirect(f"{verify}?{urlencode({'next': self.get_success_url()})}")
        return response


@method_decorator(login_not_required, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """Open to anyone: signing out when the session has already ended does no harm."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return sessions.forget_cached_pages(super().post(request, *args, **kwargs))


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(self.request, AuditAction.PASSWORD_CHANGED, subject=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password from an emailed link also lifts a sign-in lockout: the way back for
    someone locked out of their own account."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        axes_reset(username=user.email)
        record(
            self.request, AuditAction.PASSWORD_CHANGED, subject=user, actor=user,
            detail="reset with an emailed link",
        )  # fmt: skip
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers to a locked-out sign-in: when to try again, and the way
    back (a password reset lifts the lockout)."""
    latest = AccessAttempt.objects.filter(ip_address=getattr(request, "axes_ip_address", None))
    last_failure = latest.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    context = {
        "until": last_failure + settings.AXES_COOLOFF_TIME,
        "cool_off_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


# --- The Account page ------------------------------------------------------------------------


@require_GET
def account(request: AuthenticatedRequest) -> HttpResponse:
    return account_page(request)


def account_page(
    request: AuthenticatedRequest,
    *,
    disable_form: PasswordConfirmForm | None = None,
    renew_form: PasswordConfirmForm | None = None,
) -> HttpResponse:
    user = request.user
    context = {
        "second_factor_on": second_factor.is_on(user),
        "second_factor_required": user.is_physiotherapist or user.is_staff,
        "recovery_codes_left": second_factor.recovery_codes_left(user),
        "disable_form": disable_form or PasswordConfirmForm(user=user, prefix="disable"),
        "renew_form": renew_form or PasswordConfirmForm(user=user, prefix="renew"),
        "events": security_log(user),
    }
    status = 422 if (disable_form or renew_form) else 200
    return render(request, "accounts/account.html", context, status=status)


@require_POST
def sign_out_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    record(request, AuditAction.SIGNED_OUT_EVERYWHERE, subject=user)
    sessions.end_every_session(user)
    logout(request)
    messages.success(
        request, "You are signed out on every device, this one included. Log in to carry on."
    )
    return sessions.forget_cached_pages(redirect("accounts:login"))
