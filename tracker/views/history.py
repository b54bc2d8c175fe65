from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import patient_required
from tracker.models import Entry


@login_required
@patient_required
def history(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.filter(user=request.user).order_by("-date")[:90]
    return render(request, "tracker/history.html", {"entries": entries})
