"""Sharing a diary with a physiotherapist: consent, its end, and what the physio keeps."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = ["Share"]


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
        ]

    def __str__(self) -> str:
        return f"{self.patient} shares with {self.physiotherapist}"

    def is_live(self, today: dt.date) -> bool:
        return self.revoked_at is None and (self.ends_on is None or self.ends_on >= today)
