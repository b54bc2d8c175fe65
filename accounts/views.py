from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm


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
