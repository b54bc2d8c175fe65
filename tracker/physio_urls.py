"""Physiotherapist pages: caseload, one patient's review, exports."""

from django.urls import path  # noqa: F401

app_name = "physio"

urlpatterns: list = []
