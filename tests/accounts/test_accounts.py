from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from tests.conftest import PASSWORD, found
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def test_a_new_person_signs_up_as_a_patient_and_goes_to_onboarding(client) -> None:
    response = client.post(
        reverse("accounts:signup"),
        {"email": "New@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:onboarding")
    user = User.objects.get(email="new@example.com")
    assert user.role == Role.PATIENT


def test_sign_up_with_a_taken_email_says_so_at_the_field(client, alice) -> None:
    response = client.post(
        reverse("accounts:signup"),
        {"email": "alice@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_physiotherapist_must_give_a_registration_number(client) -> None:
    data = {"email": "p@example.com", "password1": PASSWORD, "password2": PASSWORD,
            "is_physiotherapist": "on"}  # fmt: skip
    response = client.post(reverse("accounts:signup"), data)
    assert "registration number" in response.content.decode()
    assert not User.objects.filter(email="p@example.com").exists()
    client.post(reverse("accounts:signup"), {**data, "registration_number": "PH77"})
    physio = User.objects.get(email="p@example.com")
    assert physio.is_physiotherapist and not physio.is_approved_physiotherapist


def test_login_with_email_and_logout(client, alice) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("tracker:today")).status_code in (200, 302)
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("tracker:today"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_wrong_password_is_refused_with_a_message(client, alice) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "alice@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct email" in response.content.decode().lower()


def test_password_reset_sends_an_email_with_a_working_link(client, alice) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    assert len(mail.outbox) == 1
    link = found(r"http://testserver(\S+)", mail.outbox[0].body)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "another-long-passphrase-7"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_password_change(client, alice) -> None:
    client.force_login(alice)
    new_password = "changed-long-passphrase-9"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_an_unapproved_physiotherapist_sees_no_patient_data(
    client, alice, unapproved_physio
) -> None:
    entry = Entry.objects.create(user=alice, date=alice.profile.local_today(), pain=4,
                                 notes="private words")  # fmt: skip
    client.force_login(unapproved_physio)
    home = client.get(reverse("home"))
    assert "waiting for approval" in home.content.decode()
    for url in (
        reverse("tracker:edit_entry", args=[entry.pk]),
        reverse("tracker:history"),
        reverse("triage:my_flags"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"private words" not in response.content
