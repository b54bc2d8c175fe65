from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse

from tests.tracker.test_entries import entry_form
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_site_root(client) -> None:
    response = client.get("/sw.js")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "__SHELL__" not in body and "/static/css/upright.css" in body


def test_the_manifest_starts_on_todays_entry(client) -> None:
    from django.contrib.staticfiles import finders

    with open(finders.find("manifest.webmanifest"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert manifest["start_url"].startswith("/today/")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_offline_page_is_public(client) -> None:
    assert client.get(reverse("offline")).status_code == 200


def test_a_replayed_entry_is_stored_once_however_often_it_is_sent(
    alice_client, alice, local_today
) -> None:
    form = entry_form(local_today, pain="6", symptoms=["fever"], no_symptoms=None)
    for _ in range(3):
        response = alice_client.post(reverse("tracker:sync_entry"), form)
        assert response.json()["status"] == "saved"
    assert Entry.objects.filter(user=alice).count() == 1
    assert response.json()["advice_level"] == "urgent"
    assert alice.findings.filter(code="FEVER").count() == 1


def test_a_conflict_with_an_entry_saved_from_another_device_is_reported_not_overwritten(
    alice_client, alice, local_today
) -> None:
    other_device = Entry.objects.create(user=alice, date=local_today, pain=2, notes="phone B")
    response = alice_client.post(
        reverse("tracker:sync_entry"), entry_form(local_today, client_uuid=str(uuid.uuid4()))
    )
    assert response.status_code == 409
    assert response.json()["status"] == "conflict"
    other_device.refresh_from_db()
    assert (other_device.pain, other_device.notes) == (2, "phone B")


def test_an_invalid_replay_is_reported_with_its_fields(alice_client, local_today) -> None:
    response = alice_client.post(reverse("tracker:sync_entry"), entry_form(local_today, pain="99"))
    assert response.status_code == 422
    assert "pain" in response.json()["errors"]


def test_a_replay_after_the_session_ended_asks_to_log_in_and_keeps_the_entry(client) -> None:
    response = client.post(reverse("tracker:sync_entry"), {})
    assert response.status_code == 401
    assert response.json()["status"] == "login"


def test_a_replayed_fever_six_days_back_is_saved_and_raised(
    alice_client, alice, local_today
) -> None:
    day = local_today - dt.timedelta(days=6)
    form = entry_form(day, symptoms=["fever"], no_symptoms=None)
    response = alice_client.post(reverse("tracker:sync_entry"), form)
    assert response.json()["status"] == "saved"
    assert alice.findings.filter(code="FEVER", state="open").exists()


def test_a_replay_seven_days_back_is_refused_at_the_date_and_nothing_saved(
    alice_client, alice, local_today
) -> None:
    day = local_today - dt.timedelta(days=7)
    form = entry_form(day, symptoms=["fever"], no_symptoms=None)
    response = alice_client.post(reverse("tracker:sync_entry"), form)
    assert response.status_code == 422
    assert "today and the 6 days before it" in " ".join(response.json()["errors"]["date"])
    assert not Entry.objects.exists() and not alice.findings.exists()
