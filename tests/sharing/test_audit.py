from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.audit import access_log, record
from accounts.models import AppendOnlyError, AuditAction, AuditEvent, User
from tests.sharing.conftest import log, open_finding, share_between

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("physio:review", AuditAction.VIEW),
        ("physio:export_pdf", AuditAction.EXPORT_PDF),
        ("physio:export_csv", AuditAction.EXPORT_CSV),
        ("physio:export_fhir", AuditAction.EXPORT_FHIR),
    ],
)
def test_every_view_and_export_writes_one_audit_row(
    physio_client, share, alice, physio, name, action
) -> None:
    log(alice, 1, 4)
    physio_client.get(reverse(name, args=[alice.pk]) + "?days=90", REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_email, event.subject, event.action) == (
        physio, physio.email, alice, action
    )  # fmt: skip
    assert event.detail == "90 days"
    assert event.ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("name", "args", "action"),
    [
        ("physio:save_note", (), AuditAction.CLINICAL_NOTE),
        ("physio:check_flag", ("AGE",), AuditAction.FLAG_CHECKED),
        ("physio:undo_check", ("AGE",), AuditAction.FLAG_CHECK_UNDONE),
    ],
)
def test_every_change_a_physiotherapist_makes_writes_one_audit_row(
    physio_client, share, alice, physio, name, args, action
) -> None:
    physio_client.post(reverse(name, args=[alice.pk, *args]), {"text": "note"})
    event = AuditEvent.objects.get()
    assert (event.actor, event.subject, event.action) == (physio, alice, action)


def test_acknowledging_an_alert_writes_one_audit_row(physio_client, share, alice) -> None:
    finding = open_finding(alice, "FEVER")
    physio_client.post(reverse("physio:acknowledge", args=[alice.pk, finding.pk]))
    event = AuditEvent.objects.get()
    assert (event.action, event.detail) == (AuditAction.ALERT_ACKNOWLEDGED, "FEVER")


def test_opening_the_caseload_writes_the_page_view_and_one_row_per_patient_listed(
    physio_client, share, physio, alice, bob, other_physio
) -> None:
    share_between(bob, physio)
    share_between(alice, other_physio)
    physio_client.get(reverse("physio:caseload"), REMOTE_ADDR="203.0.113.9")
    rows = {(e.actor, e.subject, e.action, e.ip_address) for e in AuditEvent.objects.all()}
    assert rows == {
        (physio, None, AuditAction.VIEW, "203.0.113.9"),
        (physio, alice, AuditAction.CASELOAD_VIEW, "203.0.113.9"),
        (physio, bob, AuditAction.CASELOAD_VIEW, "203.0.113.9"),
    }


def test_the_caseload_is_logged_once_per_patient_and_physiotherapist_a_day(
    physio_client, share, physio, alice
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            physio_client.get(reverse("physio:caseload"))
    with time_machine.travel(dt.datetime(2026, 11, 21, 8, tzinfo=dt.UTC), tick=False):
        physio_client.get(reverse("physio:caseload"))
    seen = AuditEvent.objects.filter(action=AuditAction.CASELOAD_VIEW, subject=alice)
    assert sorted(e.created_at.date() for e in seen) == [
        dt.date(2026, 11, 20),
        dt.date(2026, 11, 21),
    ]


def test_the_patient_sees_the_caseload_view_in_the_access_log(
    physio_client, alice_client, share
) -> None:
    physio_client.get(reverse("physio:caseload"))
    page = alice_client.get(reverse("sharing:overview")).content.decode()
    assert "Saw your name and flags in their list of patients" in page


def test_a_refused_request_writes_only_the_refusal(physio_client, physio, alice) -> None:
    physio_client.get(reverse("physio:review", args=[alice.pk]))
    event = AuditEvent.objects.get()
    assert (event.actor, event.subject, event.action) == (
        physio, alice, AuditAction.AUTHORIZATION_FAILED,
    )  # fmt: skip
    assert event.detail == f"GET /physio/patients/{alice.pk}/"
    assert list(access_log(alice)) == [], "a refusal showed nothing of the patient"


def test_sharing_and_revoking_are_recorded(alice_client, alice, share, physio) -> None:
    alice_client.post(reverse("sharing:revoke", args=[share.pk]))
    event = AuditEvent.objects.get()
    assert (event.actor, event.subject, event.action) == (alice, alice, AuditAction.REVOKE)


def test_the_patient_sees_earlier_views_in_the_access_log_after_revoking(
    alice_client, physio_client, share, alice
) -> None:
    physio_client.get(reverse("physio:review", args=[alice.pk]))
    physio_client.get(reverse("physio:export_pdf", args=[alice.pk]))
    alice_client.post(reverse("sharing:revoke", args=[share.pk]))
    response = alice_client.get(reverse("sharing:overview"))
    page = response.content.decode()
    assert "Nobody. Your diary is private." in page
    assert "Viewed the diary" in page and "Exported a PDF" in page
    shown = [(e.actor_name, e.action) for e in response.context["access_log"]]
    assert shown == [("Charlie", AuditAction.EXPORT_PDF), ("Charlie", AuditAction.VIEW)]


def test_the_access_log_shows_only_this_patients_events(alice_client, share, alice, bob):
    record(None, AuditAction.VIEW, bob, actor=share.physiotherapist)
    assert list(access_log(alice)) == []
    assert "Nobody has looked at your diary." in (
        alice_client.get(reverse("sharing:overview")).content.decode()
    )


# --- Append-only ----------------------------------------------------------------------------


def test_audit_rows_cannot_be_changed_or_deleted(alice, physio) -> None:
    event = record(None, AuditAction.VIEW, alice, actor=physio)
    event.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.detail == ""


def test_deleting_a_person_keeps_their_audit_rows_with_the_email_copy(alice, physio) -> None:
    record(None, AuditAction.VIEW, alice, actor=physio)
    User.objects.filter(pk=physio.pk).delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_email == "physio@example.com"
    assert event.actor_name == "physio@example.com"
