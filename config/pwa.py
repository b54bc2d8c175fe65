"""The installable app: the service worker served from the site root, and the offline page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Bump when the cached shell changes shape; static file names change with their content.
CACHE_VERSION = "upright-v1"
SHELL = ["css/upright.css", "js/htmx.min.js", "js/upright.js", "js/offline.js",
         "icons/icon-192.png", "manifest.webmanifest"]  # fmt: skip


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


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")
