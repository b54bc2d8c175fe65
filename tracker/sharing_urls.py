"""The patient's side of sharing: invite, consent, revoke, access log."""

from django.urls import path  # noqa: F401

app_name = "sharing"

urlpatterns: list = []
