"""How long a sign-in lasts: 30 minutes idle and 12 hours at most for physiotherapists; for
patients the browser session and 12 hours idle, or 30 days if they keep it on their phone.
And signing out everywhere at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, code_now

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)


def sign_in(client: Client, email: str, keep: bool = False):
    data = {"username": email, "password": PASSWORD}
    if keep:
        data["keep_signed_in"] = "on"
    return client.post(reverse("accounts:login"), data)


def at(minutes: float = 0, hours: float = 0, days: float = 0):
    return time_machine.travel(START + dt.timedelta(minutes=minutes, hours=hours, days=days))


def opens(client: Client, url: str) -> bool:
    return client.get(url).status_code == 200


@pytest.fixture
def physio_browser(physio) -> Client:
    browser = Client()
    with at():
        sign_in(browser, physio.email)
        browser.post(reverse("accounts:two_factor_verify"), {"code": code_now(physio)})
    return browser


# --- Physiotherapists ----------------------------------------------------------------------


def test_a_physiotherapist_is_signed_out_after_30_minutes_without_activity(physio_browser):
    caseload = reverse("physio:caseload")
    with at(minutes=29):
        assert opens(physio_browser, caseload)
    with at(minutes=58):
        assert opens(physio_browser, caseload), "each visit counts as activity"
    with at(minutes=89):
        response = physio_browser.get(caseload)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=%2Fphysio%2F"
    page = physio_browser.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_a_physiotherapist_signs_in_again_after_12_hours_however_active(physio_browser):
    caseload = reverse("physio:caseload")
    for minutes in range(20, 12 * 60, 20):
        with at(minutes=minutes):
            assert opens(physio_browser, caseload), minutes
    with at(hours=12, minutes=10):
        assert physio_browser.get(caseload).status_code == 302


def test_a_physiotherapist_cannot_keep_a_session_past_the_browser(physio) -> None:
    browser = Client()
    response = sign_in(browser, physio.email, keep=True)
    assert response.cookies["sessionid"]["max-age"] == ""
    assert not browser.session.get("upright.kept")


def test_an_expired_session_answers_htmx_with_a_full_page_redirect(physio_browser) -> None:
    with at(minutes=45):
        response = physio_browser.get(reverse("physio:caseload"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


# --- Patients --------------------------------------------------------------------------------


def test_a_patients_session_ends_with_the_browser_unless_kept(alice) -> None:
    response = sign_in(Client(), alice.email)
    assert response.cookies["sessionid"]["max-age"] == ""  # a browser-session cookie
    response = sign_in(Client(), alice.email, keep=True)
    assert int(response.cookies["sessionid"]["max-age"]) > 29 * 24 * 3600


def test_a_patient_is_signed_out_after_12_hours_without_activity(alice) -> None:
    browser = Client()
    with at():
        sign_in(browser, alice.email)
    with at(hours=11):
        assert opens(browser, reverse("tracker:history"))
    with at(hours=22, minutes=30):
        assert opens(browser, reverse("tracker:history"))
    with at(hours=34, minutes=31):
        assert browser.get(reverse("tracker:history")).status_code == 302


def test_a_patient_who_keeps_it_stays_signed_in_for_30_days(alice) -> None:
    browser = Client()
    with at():
        sign_in(browser, alice.email, keep=True)
    with at(days=20):
        assert opens(browser, reverse("tracker:history"))
    with at(days=29, hours=23):
        assert opens(browser, reverse("tracker:history"))
    with at(days=30, hours=1):
        assert browser.get(reverse("tracker:history")).status_code == 302


def test_an_expired_offline_sync_gets_a_json_answer_to_log_in_again(alice) -> None:
    browser = Client()
    with at():
        sign_in(browser, alice.email)
    with at(hours=13):
        response = browser.post(reverse("tracker:sync_entry"), {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["status"] == "login"


# --- Signing out everywhere ------------------------------------------------------------------


def test_signing_out_everywhere_ends_every_session_of_the_person(alice, bob) -> None:
    phone, laptop, bobs = Client(), Client(), Client()
    for browser, person in ((phone, alice), (laptop, alice), (bobs, bob)):
        sign_in(browser, person.email)
    history = reverse("tracker:history")
    assert opens(phone, history) and opens(laptop, history)
    response = phone.post(reverse("accounts:sign_out_everywhere"), follow=True)
    assert "signed out on every device" in response.content.decode()
    assert phone.get(history).status_code == 302
    assert laptop.get(history).status_code == 302
    assert opens(bobs, history), "nobody else is signed out"
    sign_in(laptop, alice.email)
    assert opens(laptop, history), "signing in again works"
    event = AuditEvent.objects.get(action=AuditAction.SIGNED_OUT_EVERYWHERE)
    assert (event.actor, event.subject) == (alice, alice)


def test_sign_out_everywhere_is_a_post_button_on_the_account_page(alice_client) -> None:
    page = alice_client.get(reverse("accounts:account")).content.decode()
    assert f'action="{reverse("accounts:sign_out_everywhere")}"' in page
    assert alice_client.get(reverse("accounts:sign_out_everywhere")).status_code == 405


def test_changing_the_password_signs_out_the_other_devices_only(alice) -> None:
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        sign_in(browser, alice.email)
    new = "another-long-passphrase-31"
    phone.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert opens(phone, reverse("tracker:history"))
    assert laptop.get(reverse("tracker:history")).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert (event.actor, event.subject) == (alice, alice)


def test_sessions_from_before_these_rules_keep_working(alice_client, alice) -> None:
    session = alice_client.session
    for key in ("upright.signed_in_at", "upright.seen_at"):
        del session[key]
    session.save()
    assert opens(alice_client, reverse("tracker:history"))
    assert timezone.now().timestamp() - alice_client.session["upright.signed_in_at"] < 60
