"""The application's URLs, and one bench-only view beside them."""

from __future__ import annotations

from django.urls import include, path

from benchmarks.views import bare_insert

urlpatterns = [
    path("bench/bare/", bare_insert),
    path("", include("config.urls")),
]
