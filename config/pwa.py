"""The installable app: the service worker served from the site root, and the offline page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tracker.forms.entry import EntryForm

# Bump when the cached shell changes shape; static file names change with their content.
# A new version deletes every older cache (v1 kept people's pages: now nobody's are kept).
CACHE_VERSION = "upright-v2"
SHELL = ["css/upright.css", "js/htmx.min.js", "js/upright.js", "js/offline.js",
         "icons/icon-192.png", "manifest.webmanifest"]  # fmt: skip


@login_not_required
@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served at /sw.js (not /static/) so its scope covers the whole app."""
    path = finders.find("js/sw.js")
    source = Path(path).read_text(encoding="utf-8") if path else _static_source("js/sw.js")
    shell = ",".join(f'"{static(name)}"' for name in SHELL)
    body = source.replace("__CACHE_VERSION__", CACHE_VERSION).replace('"__SHELL__"', shell)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def _static_source(name: str) -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    with staticfiles_storage.open(name) as handle:
        return handle.read().decode("utf-8")


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(_as_nobody(request), "offline.html")


@login_not_required
@require_GET
def offline_entry(request: HttpRequest) -> HttpResponse:
    """Today's entry form with nobody's data in it, for the service worker to keep: with no
    signal, /today/ opens this copy, and offline.js keeps what is saved in it on the phone
    for the account last signed in here (and dates it with the phone's today)."""
    today = timezone.now().date()
    form = EntryForm(initial={"date": today, "no_symptoms": True}, today=today)
    context = {"form": form, "entry": None, "form_url": reverse("tracker:today"), "panel": None,
               "conflict_url": None, "refused": ""}  # fmt: skip
    return render(_as_nobody(request), "tracker/entry.html", context)


def _as_nobody(request: HttpRequest) -> HttpRequest:
    """The service worker fetches these pages with whoever's cookies the browser holds and
    keeps them for everyone on the phone: render them as for someone signed out (no name,
    no banner, no notification count, no account stamp)."""
    request.user = AnonymousUser()
    return request
