"""What an administrator does to someone's account is in the audit log, and a two-step
reset or a refusal signs that person out everywhere."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, SecondFactor, User
from tests.conftest import enable_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user) -> Client:
    enable_second_factor(admin_user)
    client.force_login(admin_user)
    return client


def run_action(admin_client: Client, action: str, *people: User) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, "_selected_action": [person.pk for person in people]},
    )
    assert response.status_code == 302


def signed_in(person: User) -> Client:
    device = Client()
    device.force_login(person)
    assert device.get(reverse("accounts:account")).status_code == 200
    return device


def rows(action: AuditAction) -> list[tuple[User | None, User | None]]:
    return [(e.actor, e.subject) for e in AuditEvent.objects.filter(action=action).order_by("id")]


def test_each_approval_leaves_one_row_naming_the_administrator_and_the_physiotherapist(
    admin_client, admin_user, unapproved_physio, physio, alice
) -> None:
    run_action(admin_client, "approve_physiotherapists", unapproved_physio, physio, alice)
    unapproved_physio.refresh_from_db()
    assert unapproved_physio.approved_at is not None
    assert rows(AuditAction.PHYSIO_APPROVED) == [(admin_user, unapproved_physio)]


def test_approving_twice_leaves_one_row(admin_client, unapproved_physio) -> None:
    run_action(admin_client, "approve_physiotherapists", unapproved_physio)
    run_action(admin_client, "approve_physiotherapists", unapproved_physio)
    assert len(rows(AuditAction.PHYSIO_APPROVED)) == 1


def test_a_refusal_is_recorded_and_signs_the_physiotherapist_out(
    admin_client, admin_user, physio
) -> None:
    device = signed_in(physio)
    run_action(admin_client, "refuse_physiotherapists", physio)
    physio.refresh_from_db()
    assert (physio.is_active, physio.approved_at) == (False, None)
    assert rows(AuditAction.PHYSIO_REFUSED) == [(admin_user, physio)]
    assert device.get(reverse("accounts:account")).status_code == 302


def test_turning_off_two_step_sign_in_is_recorded_and_ends_every_session_of_the_person(
    admin_client, admin_user, alice
) -> None:
    enable_second_factor(alice)
    phone, laptop = signed_in(alice), signed_in(alice)
    run_action(admin_client, "turn_off_second_factor", alice)
    assert not SecondFactor.objects.filter(user=alice).exists()
    assert rows(AuditAction.MFA_DISABLED) == [(admin_user, alice)]
    for device in (phone, laptop):
        assert device.get(reverse("accounts:account")).status_code == 302


def test_the_approval_date_cannot_be_edited_by_hand(admin_client, unapproved_physio) -> None:
    page = admin_client.get(reverse("admin:accounts_user_change", args=[unapproved_physio.pk]))
    assert page.status_code == 200
    assert 'name="approved_at' not in page.content.decode()
