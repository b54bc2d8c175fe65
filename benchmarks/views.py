"""The floor the entry save is compared with: the same middleware, session and CSRF check,
then one INSERT and a short answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from benchmarks.models import BareRow


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    BareRow._default_manager.create(note=request.POST.get("note", "")[:100])
    return HttpResponse("ok", content_type="text/plain")
