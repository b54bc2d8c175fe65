"""`record`: the one way to write to the audit log, and the reads the access log needs."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from accounts.models import AuditAction, AuditEvent, User
from accounts.requests import AuthenticatedRequest

# What a patient's access log lists: what other people did with their diary.
ACCESS_ACTIONS = (
    AuditAction.VIEW,
    AuditAction.CASELOAD_VIEW,
    AuditAction.EXPORT_PDF,
    AuditAction.EXPORT_CSV,
    AuditAction.EXPORT_FHIR,
    AuditAction.SHARE_ACCEPTED,
    AuditAction.SHARE_CODE_USED,
    AuditAction.FLAG_CHECKED,
    AuditAction.FLAG_CHECK_UNDONE,
    AuditAction.ALERT_ACKNOWLEDGED,
    AuditAction.PLAN_PROPOSED,
    AuditAction.PLAN_CHANGED,
    AuditAction.PLAN_ENDED,
)


def record(
    request: HttpRequest | None,
    action: AuditAction,
    subject: User | None = None,
    detail: str = "",
    *,
    actor: User | None = None,
) -> AuditEvent:
    """Append one event. The actor is the signed-in person unless given (a failed sign-in
    names the account it tried)."""
    signed_in = getattr(request, "user", None)
    if actor is None and signed_in is not None and signed_in.is_authenticated:
        actor = signed_in
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        subject=subject,
        action=action,
        detail=detail[:300],
        ip_address=client_ip(request),
    )


def record_caseload_views(
    request: AuthenticatedRequest, patients: list[User], *, since: dt.datetime
) -> None:
    """One row for each patient a physiotherapist's list showed (name and flags are their
    data), at most once per physiotherapist, patient and day: `since` is the day's start.
    Two queries whatever the page's length; none more on a page already logged today."""
    physiotherapist = request.user
    already = set(
        AuditEvent.objects.filter(
            actor=physiotherapist,
            action=AuditAction.CASELOAD_VIEW,
            subject__in=patients,
            created_at__gte=since,
        ).values_list("subject_id", flat=True)
    )
    address = client_ip(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=physiotherapist,
            actor_email=physiotherapist.email,
            subject=patient,
            action=AuditAction.CASELOAD_VIEW,
            ip_address=address,
        )
        for patient in patients
        if patient.pk not in already
    )


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost of them
    saw (the rest of X-Forwarded-For can be forged by anyone). Sign-in lockouts count by it."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        address = forwarded[-proxies] if len(forwarded) >= proxies else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def access_log(patient: User, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who viewed, exported or acted on this patient's diary, newest first. Kept after a
    share ends, so the patient can still see what happened while it lasted."""
    return (
        AuditEvent.objects.filter(subject=patient, action__in=ACCESS_ACTIONS)
        .exclude(actor=patient)
        .select_related("actor")[:limit]
    )


# What a person's own "Security and access" list shows: how their account was used.
SECURITY_ACTIONS = (
    AuditAction.SIGN_IN,
    AuditAction.SIGN_IN_FAILED,
    AuditAction.LOCKOUT,
    AuditAction.SECOND_STEP,
    AuditAction.SECOND_STEP_FAILED,
    AuditAction.RECOVERY_CODE_USED,
    AuditAction.MFA_ENABLED,
    AuditAction.MFA_DISABLED,
    AuditAction.MFA_CHANGE,
    AuditAction.PASSWORD_CHANGED,
    AuditAction.SIGNED_OUT_EVERYWHERE,
    AuditAction.DATA_EXPORT,
    AuditAction.DATA_IMPORT,
)


def security_log(person: User, limit: int = 50) -> QuerySet[AuditEvent]:
    """Sign-ins, failed sign-ins, two-step changes and exports of this person's account."""
    return AuditEvent.objects.filter(
        Q(actor=person) | Q(subject=person), action__in=SECURITY_ACTIONS
    )[:limit]
