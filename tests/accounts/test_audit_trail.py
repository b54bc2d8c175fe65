"""Every sign-in and every refused request is in the audit log, in UTC; a person sees their
own account's security events on the Account page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.audit import record
from accounts.middleware import AuthorizationFailureMiddleware
from accounts.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def refusals() -> list[tuple[object, str]]:
    rows = AuditEvent.objects.filter(action=AuditAction.AUTHORIZATION_FAILED)
    return [(event.actor, event.detail) for event in rows]


def test_a_sign_in_is_recorded_in_utc_with_the_address(client, alice) -> None:
    client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.actor, event.subject, event.detail) == (alice, alice, "password")
    assert event.ip_address == "127.0.0.1"
    assert event.created_at.utcoffset() == dt.timedelta(0)


def test_a_patient_opening_a_physiotherapist_page_is_recorded(alice_client, alice) -> None:
    assert alice_client.get(reverse("physio:review", args=[alice.pk])).status_code == 404
    assert refusals() == [(alice, f"GET /physio/patients/{alice.pk}/")]


def test_a_physiotherapist_opening_a_patient_page_is_recorded(client, physio) -> None:
    client.force_login(physio)
    assert client.get(reverse("tracker:history")).status_code == 404
    assert refusals() == [(physio, "GET /history/")]


def test_opening_someone_elses_entry_is_recorded(alice_client, alice, bob) -> None:
    entry = Entry.objects.create(user=bob, date=dt.date(2026, 11, 20), pain=3)
    url = reverse("tracker:edit_entry", args=[entry.pk])
    assert alice_client.get(url).status_code == 404
    assert refusals() == [(alice, f"GET {url}")]


def test_a_physiotherapist_posting_an_offline_entry_is_recorded(client, physio) -> None:
    client.force_login(physio)
    assert client.post(reverse("tracker:sync_entry"), {}).status_code == 404
    assert refusals() == [(physio, "POST /entries/sync/")]


def test_permission_denied_anywhere_is_recorded(alice) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = alice
    middleware = AuthorizationFailureMiddleware(lambda request: HttpResponse())
    middleware.process_exception(request, PermissionDenied())
    assert refusals() == [(alice, "GET /somewhere/")]


def test_a_mistyped_address_or_an_anonymous_visit_is_not_a_refusal(alice_client) -> None:
    alice_client.get("/no-such-page/")
    Client().get(reverse("physio:caseload"))
    assert refusals() == []


# --- The person's own view ---------------------------------------------------------------


def test_the_account_page_lists_sign_ins_failures_and_downloads_of_this_account(alice, bob) -> None:
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": alice.email, "password": "wrong"})
    browser.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    browser.get(reverse("tracker:export_csv"))
    record(None, AuditAction.SIGN_IN, subject=bob, actor=bob)
    response = browser.get(reverse("accounts:account"))
    shown = [(event.action, event.detail) for event in response.context["events"]]
    assert shown == [
        (AuditAction.DATA_EXPORT, "CSV"),
        (AuditAction.SIGN_IN, "password"),
        (AuditAction.SIGN_IN_FAILED, "wrong password"),
    ]
    page = response.content.decode()
    assert "Failed to sign in (wrong password)" in page and "127.0.0.1" in page
    assert "Security and access" in page


def test_physiotherapists_views_stay_on_the_sharing_page_not_the_account_page(
    alice_client, alice, physio
) -> None:
    record(None, AuditAction.VIEW, alice, actor=physio)
    events = alice_client.get(reverse("accounts:account")).context["events"]
    assert list(events) == []
