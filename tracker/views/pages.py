"""Pages open to everyone, signed in or not."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def self_care(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/self_care.html")
