from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD
from tests.tracker.test_entries import entry_form
from tracker.models import Entry
from triage.models import Finding

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

    path = finders.find("manifest.webmanifest")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert manifest["start_url"].startswith("/today/")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_offline_page_is_public(client) -> None:
    assert client.get(reverse("offline")).status_code == 200


def replay_of(author: User, form: dict[str, object]) -> dict[str, object]:
    """What offline.js sends: the form's fields and the stamp of the entry's author."""
    return {**form, "account": author.offline_stamp}


def test_a_replayed_entry_is_stored_once_however_often_it_is_sent(
    alice_client, alice, local_today
) -> None:
    form = replay_of(alice, entry_form(local_today, pain="6", symptoms=["fever"], no_symptoms=None))
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
        reverse("tracker:sync_entry"),
        replay_of(alice, entry_form(local_today, client_uuid=str(uuid.uuid4()))),
    )
    assert response.status_code == 409
    assert response.json()["status"] == "conflict"
    other_device.refresh_from_db()
    assert (other_device.pain, other_device.notes) == (2, "phone B")


def test_an_invalid_replay_is_reported_with_its_fields(alice_client, alice, local_today) -> None:
    response = alice_client.post(
        reverse("tracker:sync_entry"), replay_of(alice, entry_form(local_today, pain="99"))
    )
    assert response.status_code == 422
    assert "pain" in response.json()["errors"]


def test_a_replay_after_the_session_ended_asks_to_log_in_and_keeps_the_entry(client) -> None:
    response = client.post(reverse("tracker:sync_entry"), {})
    assert response.status_code == 401
    assert response.json()["status"] == "login"


@pytest.mark.parametrize("stamp", ["another account", "", None])
def test_a_replay_not_stamped_with_the_signed_in_account_is_refused_and_saves_nothing(
    alice_client, alice, bob, local_today, stamp
) -> None:
    form = entry_form(local_today, symptoms=["fever"], no_symptoms=None)
    if stamp == "another account":
        form = replay_of(bob, form)
    elif stamp is not None:
        form["account"] = stamp
    response = alice_client.post(reverse("tracker:sync_entry"), form)
    assert response.status_code == 409
    assert response.json()["status"] == "other_account"
    assert not Entry.objects.exists() and not Finding.objects.exists()


def test_the_stamp_is_opaque_and_differs_between_accounts(alice, bob) -> None:
    assert alice.offline_stamp != bob.offline_stamp
    assert alice.email not in alice.offline_stamp and str(alice.pk) != alice.offline_stamp
    assert len(alice.offline_stamp) == 32


def test_a_signed_in_page_gives_its_account_stamp_to_the_page(alice_client, alice) -> None:
    page = alice_client.get(reverse("tracker:history")).content.decode()
    assert f'data-account="{alice.offline_stamp}"' in page


@pytest.mark.parametrize("name", ["offline", "offline_entry"])
def test_the_pages_the_service_worker_keeps_show_nobodys_data(
    alice_client, alice, local_today, name
) -> None:
    Entry.objects.create(user=alice, date=local_today, pain=9, notes="ALICE-PRIVATE")
    Finding.objects.create(user=alice, code="CHEST_PAIN", level="urgent", evidence="x",
                           since=local_today)  # fmt: skip
    response = alice_client.get(reverse(name))
    page = response.content.decode()
    assert response.status_code == 200
    for trace in ("ALICE-PRIVATE", alice.email, alice.name, alice.offline_stamp, "urgent-banner\"",
                  "Log out", "/history/"):  # fmt: skip
        assert trace not in page, trace


def test_the_kept_entry_form_posts_to_today_with_no_uuid_of_its_own(client) -> None:
    page = client.get(reverse("offline_entry")).content.decode()
    assert 'data-entry-form="new"' in page and f'action="{reverse("tracker:today")}"' in page
    assert 'name="client_uuid" value=' not in page, "offline.js gives each entry its own"


def test_the_service_worker_keeps_no_page_of_anyones(client) -> None:
    body = client.get("/sw.js").content.decode()
    assert "upright-v2" in body and '"/offline/entry/"' in body
    assert "cache.put(url.pathname" not in body and "KEEP_PAGES" not in body


@pytest.mark.parametrize("signed_in_answer", ["logout", "delete_account", "sign_out_everywhere"])
def test_the_answers_that_end_a_sign_in_clear_the_browsers_cache_but_not_its_storage(
    alice_client, signed_in_answer
) -> None:
    urls = {"logout": reverse("accounts:logout"),
            "delete_account": reverse("tracker:delete_account"),
            "sign_out_everywhere": reverse("accounts:sign_out_everywhere")}  # fmt: skip
    response = alice_client.post(urls[signed_in_answer], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'


def test_a_replayed_fever_six_days_back_is_saved_and_raised(
    alice_client, alice, local_today
) -> None:
    day = local_today - dt.timedelta(days=6)
    form = replay_of(alice, entry_form(day, symptoms=["fever"], no_symptoms=None))
    response = alice_client.post(reverse("tracker:sync_entry"), form)
    assert response.json()["status"] == "saved"
    assert alice.findings.filter(code="FEVER", state="open").exists()


def test_a_replay_seven_days_back_is_refused_at_the_date_and_nothing_saved(
    alice_client, alice, local_today
) -> None:
    day = local_today - dt.timedelta(days=7)
    form = replay_of(alice, entry_form(day, symptoms=["fever"], no_symptoms=None))
    response = alice_client.post(reverse("tracker:sync_entry"), form)
    assert response.status_code == 422
    assert "today and the 6 days before it" in " ".join(response.json()["errors"]["date"])
    assert not Entry.objects.exists() and not alice.findings.exists()
