"""The privacy page, and deleting an account: everything held about the person goes, and
the audit log keeps what happened and when, without details or addresses."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record
from accounts.models import (
    AppendOnlyError,
    AuditAction,
    AuditEvent,
    RecoveryCode,
    SecondFactor,
    User,
)
from notify.models import (
    Delivery,
    Kind,
    Message,
    NotificationPreference,
    Outcome,
    PushSubscription,
)
from notify.service import send_many
from sharing import consent
from sharing.models import ClinicalNote, Share, ShareCode, ShareInvitation
from summaries.models import PegResponse, SummarySchedule, WeeklySummary
from tests.conftest import PASSWORD, enable_second_factor
from tracker.models import Entry, Profile
from triage.escalation import Step, alert_to_physiotherapist
from triage.models import Finding, ProfileFlagClearance

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 20)


def test_the_privacy_page_is_public_and_linked_from_every_footer(client) -> None:
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("What Upright keeps", "Who sees it", "Taking your data with you",
                    "Deleting your account", "How long things are kept"):  # fmt: skip
        assert heading in page
    footer = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("privacy")}"' in footer


def everything_about(alice: User, physio: User) -> None:
    """One of every kind of row that is about alice."""
    Entry.objects.create(user=alice, date=DAY, pain=4, notes="mine")
    urgent = Finding.objects.create(
        user=alice, code="CHEST_PAIN", level="urgent", evidence="x", since=DAY
    )
    ProfileFlagClearance.objects.create(user=alice, code="AGE", cleared_by=alice)
    Share.objects.create(patient=alice, physiotherapist=physio)
    ShareInvitation.objects.create(patient=alice, physiotherapist=physio)
    consent.create_share_code(patient=alice, terms=consent.Terms())
    ClinicalNote.objects.create(physiotherapist=physio, patient=alice, text="about alice")
    reminder = Message.objects.create(
        key="reminder:alice", user=alice, kind=Kind.REMINDER, title="t", body="b"
    )
    Delivery.objects.create(message=reminder, channel="email", outcome=Outcome.PENDING)
    PushSubscription.objects.create(
        user=alice, endpoint="https://push.example/alice", p256dh="k", auth="a"
    )
    NotificationPreference.objects.create(user=alice)
    SummarySchedule.objects.create(user=alice)
    WeeklySummary.objects.create(user=alice, week_start=DAY, days_logged=1, numbers={})
    PegResponse.objects.create(user=alice, week_start=DAY, pain=5, enjoyment=5, activity=5)
    enable_second_factor(alice)
    RecoveryCode.objects.create(user=alice, code_hash="h")
    send_many(outgoing=[alert_to_physiotherapist(physio, urgent, Step.FIRST)])
    AccessAttempt.objects.create(
        username=alice.email, ip_address="203.0.113.5", user_agent="x", failures_since_start=2,
        attempt_time=timezone.now(),
    )  # fmt: skip


def test_deleting_the_account_removes_everything_held_about_the_person(
    alice_client, alice, bob, physio
) -> None:
    everything_about(alice, physio)
    # What is not about alice stays: bob's diary, the physio's note and alert about bob.
    Entry.objects.create(user=bob, date=DAY, pain=2)
    ClinicalNote.objects.create(physiotherapist=physio, patient=bob, text="about bob")
    bobs_finding = Finding.objects.create(
        user=bob, code="FEVER", level="urgent", evidence="x", since=DAY
    )
    send_many(outgoing=[alert_to_physiotherapist(physio, bobs_finding, Step.FIRST)])
    pk = alice.pk

    response = alice_client.post(reverse("tracker:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302

    about_alice = {
        "profile": Profile.objects.filter(user_id=pk),
        "entries": Entry.objects.filter(user_id=pk),
        "findings": Finding.objects.filter(user_id=pk),
        "flag clearances": ProfileFlagClearance.objects.filter(user_id=pk),
        "shares": Share.objects.filter(patient_id=pk),
        "invitations": ShareInvitation.objects.filter(patient_id=pk),
        "share codes": ShareCode.objects.filter(patient_id=pk),
        "clinical notes about her": ClinicalNote.objects.filter(patient_id=pk),
        "her messages": Message.objects.filter(user_id=pk),
        "pending deliveries": Delivery.objects.filter(message__user_id=pk),
        "push subscriptions": PushSubscription.objects.filter(user_id=pk),
        "notification preferences": NotificationPreference.objects.filter(user_id=pk),
        "summary schedule": SummarySchedule.objects.filter(user_id=pk),
        "weekly summaries": WeeklySummary.objects.filter(user_id=pk),
        "PEG answers": PegResponse.objects.filter(user_id=pk),
        "two-step secret": SecondFactor.objects.filter(user_id=pk),
        "recovery codes": RecoveryCode.objects.filter(user_id=pk),
        "alerts about her to physiotherapists": Message.objects.filter(
            kind=Kind.PHYSIO_ALERT, user=physio
        ).exclude(key__contains=f":{bobs_finding.pk}:"),
        "sign-in attempt counts": AccessAttempt.objects.filter(username="alice@example.com"),
    }
    left = {name: rows.count() for name, rows in about_alice.items() if rows.exists()}
    assert left == {}
    assert not User.objects.filter(pk=pk).exists()

    assert Entry.objects.filter(user=bob).count() == 1
    assert ClinicalNote.objects.get(physiotherapist=physio).text == "about bob"
    assert Message.objects.filter(kind=Kind.PHYSIO_ALERT, user=physio).count() == 1


def test_audit_rows_about_the_person_keep_what_and_when_but_lose_detail_and_address(
    client, alice, bob, physio
) -> None:
    client.post(
        reverse("accounts:login"), {"username": alice.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )  # fmt: skip
    record(None, AuditAction.VIEW, alice, actor=physio, detail="30 days")
    record(None, AuditAction.VIEW, bob, actor=physio, detail="30 days")
    before = {event.pk: event.created_at for event in AuditEvent.objects.all()}

    client.post(reverse("tracker:delete_account"), {"password": PASSWORD})

    about_alice = AuditEvent.objects.exclude(subject=bob).order_by("id")
    rows = [(e.action, e.detail, e.ip_address) for e in about_alice]
    assert rows == [
        (AuditAction.SIGN_IN, "", None),
        (AuditAction.VIEW, "", None),
        (AuditAction.ACCOUNT_DELETED, "", None),
    ]
    assert all(event.created_at == before[event.pk] for event in about_alice if event.pk in before)
    assert about_alice.get(action=AuditAction.VIEW).actor == physio, "who looked stays"
    bobs = AuditEvent.objects.get(subject=bob)
    assert bobs.detail == "30 days"


def test_erasing_details_is_the_only_change_the_log_allows(alice) -> None:
    record(None, AuditAction.SIGN_IN, alice, actor=alice, detail="password")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(detail="")
    assert AuditEvent.objects.erase_personal_details(alice) == 1
    assert AuditEvent.objects.get().detail == ""


def test_a_physiotherapist_cannot_delete_through_the_patient_page(physio) -> None:
    browser = Client()
    browser.force_login(physio)
    assert (
        browser.post(reverse("tracker:delete_account"), {"password": PASSWORD}).status_code == 404
    )
    assert User.objects.filter(pk=physio.pk).exists()
