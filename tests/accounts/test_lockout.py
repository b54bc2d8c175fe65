"""Five wrong passwords pause signing in for 30 minutes; the page says until when, and a
password reset is the way back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, User
from tests.conftest import PASSWORD, found, make_patient

pytestmark = pytest.mark.django_db


def sign_in(client, email: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def fail(client, email: str, times: int, address: str = "127.0.0.1"):
    response = None
    for _ in range(times):
        response = sign_in(client, email, "not-the-password", address)
    return response


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_wrong_passwords_still_let_the_right_one_in(client, alice) -> None:
    assert fail(client, alice.email, 4).status_code == 200
    assert sign_in(client, alice.email, PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_the_fifth_wrong_password_pauses_signing_in_and_says_until_when(client, alice) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        response = fail(client, alice.email, 5)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Try again after 09:30 UTC" in page
    assert f'href="{reverse("accounts:password_reset")}"' in page


def test_while_paused_even_the_right_password_is_refused(client, alice) -> None:
    fail(client, alice.email, 5)
    response = sign_in(client, alice.email, PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_trying_during_the_pause_does_not_make_it_longer(client, alice) -> None:
    start = timezone.now()
    fail(client, alice.email, 5)
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        fail(client, alice.email, 3)
    with time_machine.travel(start + dt.timedelta(minutes=31)):
        assert sign_in(client, alice.email, PASSWORD).status_code == 302


def test_after_thirty_minutes_the_right_password_works_again(client, alice) -> None:
    start = timezone.now()
    fail(client, alice.email, 5)
    with time_machine.travel(start + dt.timedelta(minutes=29)):
        assert sign_in(client, alice.email, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31)):
        assert sign_in(client, alice.email, PASSWORD).status_code == 302
        assert is_signed_in(client)


def test_one_address_trying_many_accounts_is_paused_too(client, alice, bob) -> None:
    fail(client, alice.email, 3)
    fail(client, bob.email, 2)
    assert sign_in(client, bob.email, PASSWORD).status_code == 429


def test_a_pause_at_one_address_does_not_stop_the_person_elsewhere(client, alice) -> None:
    fail(client, alice.email, 5, address="203.0.113.9")
    assert sign_in(client, alice.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_count_for_others(client, alice) -> None:
    """With django-axes' reset-on-success, anyone could clear their count by signing in to
    an account of their own between guesses."""
    mallory = make_patient("mallory@example.com")
    fail(client, alice.email, 4)
    assert sign_in(client, mallory.email, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, alice.email, 1).status_code == 429


def test_a_password_reset_lifts_the_pause(client, alice) -> None:
    fail(client, alice.email, 5)
    client.post(reverse("accounts:password_reset"), {"email": alice.email})
    link = found(r"http://testserver(\S+)", mail.outbox[0].body)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new_password = "a-brand-new-passphrase-17"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert sign_in(client, alice.email, new_password).status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).get()
    assert (event.subject, event.detail) == (alice, "reset with an emailed link")


def test_an_administrator_can_lift_the_pause(client, alice) -> None:
    fail(client, alice.email, 5)
    axes_reset(username=alice.email)  # also: the admin's Access attempts, `axes_reset_username`
    assert sign_in(client, alice.email, PASSWORD).status_code == 302


def test_each_failure_and_the_lockout_are_in_the_audit_log(client, alice) -> None:
    fail(client, alice.email, 5)
    failures = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, subject=alice)
    assert failures.count() == 5
    assert {event.detail for event in failures} == {"wrong password"}
    assert failures[0].ip_address == "127.0.0.1"
    lockout = AuditEvent.objects.get(action=AuditAction.LOCKOUT)
    assert (lockout.subject, lockout.detail) == (alice, "sign-in")
    sign_in(client, alice.email, PASSWORD)
    refused = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED)[0]
    assert refused.detail == "refused while locked out"
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_a_failure_for_an_unknown_email_is_logged_without_the_typed_text(client) -> None:
    sign_in(client, "nobody@example.com", "hunter2")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert (event.subject, event.detail) == (None, "no account with that email")
    assert "nobody" not in event.detail and not User.objects.exists()


def test_attempt_counts_for_an_account_go_when_it_is_deleted(alice_client, alice) -> None:
    fail(Client(), alice.email, 2)
    assert AccessAttempt.objects.filter(username=alice.email).exists()
    alice_client.post(reverse("tracker:delete_account"), {"password": PASSWORD})
    assert not AccessAttempt.objects.filter(username=alice.email).exists()
