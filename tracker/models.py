"""The journal: a person's profile (asked once at onboarding) and one entry per local day."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tracker.vocabulary import DailyTasks, RestRelief, Sleep

MAX_ACTIVE_MINUTES = 1440
PAST_DAYS_EDITABLE = 7


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_started = models.DateField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    onset = models.JSONField(default=list, blank=True)
    location = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    reminder_time = models.TimeField(null=True, blank=True)
    reminders_paused_until = models.DateField(null=True, blank=True)
    # When the daily reminder is next due (UTC). The dispatcher claims rows by this index.
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="profile_birth_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def local_today(self, now: dt.datetime | None = None) -> dt.date:
        return (now or timezone.now()).astimezone(self.zone).date()


class Entry(models.Model):
    """One day of the diary. Field names follow `backpain-diary/1` one-to-one.

    The optional answers are NULL when not answered, as in the diary format: an empty
    string would be a second way to say the same thing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries"
    )
    date = models.DateField()
    pain = models.PositiveSmallIntegerField()
    night_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    woke_at_night = models.BooleanField(default=False)
    rested = models.BooleanField(default=False)
    rest_relief = models.CharField(max_length=8, choices=RestRelief.choices, null=True, blank=True)
    active_minutes = models.PositiveSmallIntegerField(default=0)
    activities = models.JSONField(default=list, blank=True)
    daily_tasks = models.CharField(max_length=12, choices=DailyTasks.choices, null=True, blank=True)
    sleep = models.CharField(max_length=12, choices=Sleep.choices, null=True, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    self_care = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    client_uuid = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_entry_per_person_per_day"),
            models.UniqueConstraint(
                fields=["user", "client_uuid"], name="entry_client_uuid_unique"
            ),
            models.CheckConstraint(condition=Q(pain__gte=0, pain__lte=10), name="entry_pain_0_10"),
            models.CheckConstraint(
                condition=Q(night_pain__isnull=True) | Q(night_pain__gte=0, night_pain__lte=10),
                name="entry_night_pain_0_10",
            ),
            models.CheckConstraint(
                condition=Q(active_minutes__gte=0, active_minutes__lte=MAX_ACTIVE_MINUTES),
                name="entry_active_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(rest_relief__isnull=True) | Q(rest_relief__in=RestRelief.values),
                name="entry_rest_relief_known",
            ),
            models.CheckConstraint(
                condition=Q(rested=True) | Q(rest_relief__isnull=True),
                name="entry_rest_relief_only_when_rested",
            ),
            models.CheckConstraint(
                condition=Q(daily_tasks__isnull=True) | Q(daily_tasks__in=DailyTasks.values),
                name="entry_daily_tasks_known",
            ),
            models.CheckConstraint(
                condition=Q(sleep__isnull=True) | Q(sleep__in=Sleep.values),
                name="entry_sleep_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date}: pain {self.pain}"



# Sharing lives in its own module; imported here so Django registers it under `tracker`.
from tracker.sharing_models import *  # noqa: E402, F403
