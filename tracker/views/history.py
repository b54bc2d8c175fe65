"""The history page: a chart of the period, the week's count, the streak, and the days."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from tracker.history import PERIODS, history_for, period_from


@patient_required
@require_GET
@vary_on_headers("HX-Request")
def history(request: AuthenticatedRequest) -> HttpResponse:
    days = period_from(request.GET.get("days"))
    page = history_for(request.user, today=request.user.profile.local_today(), days=days)
    # A period link swaps only its section; going back in the browser needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template = "tracker/history.html#period"
    else:
        template = "tracker/history.html"
    return render(request, template, {"history": page, "periods": PERIODS})
