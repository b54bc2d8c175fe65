"""Sharing a diary with a physiotherapist: consent, its end, and what the physio keeps."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

MAX_CLINICAL_NOTE_LENGTH = 10000


class ShareTerms(models.Model):
    """What the patient agreed to show: always the diary, findings and weekly summaries;
    notes and urgent alerts only when ticked; until an end date, if any."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    include_notes = models.BooleanField(default=False)
    send_alerts = models.BooleanField(default=True)
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def has_ended(self, today: dt.date) -> bool:
        return self.ends_on is not None and self.ends_on < today


class Share(models.Model):
    """A patient's consent for one physiotherapist to see their diary. Revocable at once;
    an end date, once passed, makes it behave as revoked."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_given"
    )
    physiotherapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_received"
    )
    include_notes = models.BooleanField(default=False)
    send_alerts = models.BooleanField(default=True)
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "physiotherapist"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_share_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(patient=F("physiotherapist")), name="share_with_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} shares with {self.physiotherapist}"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class ShareInvitation(ShareTerms):
    """A patient's offer to one physiotherapist, found by the email of their account. The
    share starts when the physiotherapist accepts it."""

    physiotherapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_invitations"
    )
    state = models.CharField(
        max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    share = models.OneToOneField(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "physiotherapist"],
                condition=Q(state="pending"),
                name="one_pending_invitation_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(state__in=InvitationState.values), name="invitation_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(patient=F("physiotherapist")), name="invitation_to_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} invites {self.physiotherapist} ({self.state})"


class ShareCode(ShareTerms):
    """A one-time code the patient gives a physiotherapist in person. Only a keyed hash of
    the code is stored; the code itself is shown once, when it is made."""

    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    share = models.OneToOneField(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="code"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="share_code_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"Share code of {self.patient} (expires {self.expires_at:%Y-%m-%d})"


class ClinicalNote(models.Model):
    """A physiotherapist's private note about one patient: never shown to anyone else, the
    patient included, and unreadable once the share ends."""

    physiotherapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinical_notes"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(blank=True, max_length=MAX_CLINICAL_NOTE_LENGTH)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["physiotherapist", "patient"], name="one_clinical_note_per_pair"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_CLINICAL_NOTE_LENGTH),
                name="clinical_note_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Note by {self.physiotherapist} on {self.patient}"
