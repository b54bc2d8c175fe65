from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """Send each person where their day starts: patients to today's entry."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if user.is_patient:
        return redirect("tracker:today")
    return render(request, "physio_home.html")
