"""Weekly progress summaries and the weekly PEG questions."""

from django.urls import path  # noqa: F401

app_name = "summaries"

urlpatterns: list = []
