from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.requests import AuthenticatedRequest


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each person where their day starts: patients to today's entry."""
    user = request.user
    if user.is_patient:
        return redirect("tracker:today")
    if user.is_approved_physiotherapist:
        return redirect("physio:caseload")
    return render(request, "sharing/physio/home.html")


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What Upright keeps, who sees it, and how to take it away: in plain words, for anyone."""
    return render(request, "privacy.html", {"contact": settings.PRIVACY_CONTACT_EMAIL})
