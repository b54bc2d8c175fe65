"""One way to send a person a message: the message (with its idempotency key), where it
went (a delivery log per channel), and the person's push subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    REMINDER = "reminder", "Daily reminder"
    ESCALATION = "escalation", "Urgent flag"
    SUMMARY = "summary", "Weekly summary"
    PHYSIO_ALERT = "physio_alert", "Alert about a patient"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    PUSH = "push", "Push notification on this phone"


class Outcome(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    RETRY = "retry", "Failed, will retry"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Message(models.Model):
    """A message for one person. Its key (person, kind, and the day, week or finding and
    step it is about) is unique: a second attempt to send the same message is a no-op.
    It is also the in-app notification."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    # The patient a message to someone else is about (a physiotherapist's alert): deleting
    # that patient's account deletes these too.
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="message_kind_known")
        ]

    def __str__(self) -> str:
        return self.key


class Delivery(models.Model):
    """The delivery log: one row per message and channel, updated as attempts happen.

    A row waiting for an attempt (pending, or retry after a transient failure) carries the
    moment it is next due; an attempt in progress moves that moment one lease ahead, so a
    worker killed mid-attempt leaves a row the sweeper picks up once the lease runs out.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"], name="one_delivery_per_channel"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="delivery_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="delivery_outcome_known"
            ),
        ]
        indexes = [models.Index(fields=["outcome", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} by {self.channel}: {self.outcome}"


class PushSubscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Push subscription of {self.user_id}"


def default_channels() -> list[str]:
    return [Channel.IN_APP, Channel.EMAIL, Channel.PUSH]


class NotificationPreference(models.Model):
    """How a person wants each kind of message, and the hours their phone stays silent.

    Created the first time the person saves their preferences; until then the defaults
    apply. Push is only ever used on a device that subscribed, and escalations always go
    in-app and by email whatever is stored here (see `notify.preferences.channels_for`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminder_channels = models.JSONField(default=default_channels)
    escalation_channels = models.JSONField(default=default_channels)
    summary_channels = models.JSONField(default=default_channels)
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="quiet_hours_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"
