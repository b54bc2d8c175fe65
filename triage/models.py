"""What triage found for a person, and who cleared their profile flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from triage.rules import Level


class FindingState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Finding(models.Model):
    """A red flag raised for a person. One open finding per code; refreshed while it lasts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="findings"
    )
    code = models.CharField(max_length=32)
    level = models.CharField(max_length=10, choices=Level.choices)
    evidence = models.TextField()
    since = models.DateField()
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=14, choices=FindingState.choices, default=FindingState.OPEN)
    still_present = models.BooleanField(default=True)
    # The days whose entries raised it, refreshed while open and frozen at acknowledgement:
    # a later day not among them is a new occurrence (red-flags.md v2).
    days = models.JSONField(default=list, blank=True)
    # The person deleted the entry behind it while it was open: say so, not "you reported".
    entry_removed = models.BooleanField(default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When the second prompt of an urgent finding still open a day later was sent: set
    # once, by the conditional UPDATE that claims it (triage.escalation).
    reprompted_at = models.DateTimeField(null=True, blank=True)
    # A first prompt the escalation outbox of the release before held undelivered when it
    # was removed: the re-prompt task sends it at its next run (migration 0004).
    first_prompt_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-first_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code"],
                condition=Q(state="open"),
                name="one_open_finding_per_code",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[Level.URGENT, Level.SOON]), name="finding_level_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=FindingState.values), name="finding_state_known"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "state"]),
            # What the re-prompt task reads every minute: only the few findings it may send.
            models.Index(
                fields=["first_seen"],
                condition=Q(state="open", level="urgent", reprompted_at__isnull=True),
                name="finding_awaiting_reprompt",
            ),
            models.Index(
                fields=["first_seen"],
                condition=Q(first_prompt_pending=True),
                name="finding_first_prompt_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.state}) for {self.user}"


class ProfileFlagClearance(models.Model):
    """'A doctor has checked this': a profile flag cleared by the person or their physio."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clearances"
    )
    code = models.CharField(max_length=32)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cleared_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cleared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code"],
                condition=Q(undone_at__isnull=True),
                name="one_active_clearance_per_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} checked for {self.user_id}"
