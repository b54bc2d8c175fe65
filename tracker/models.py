"""The journal: a person's profile (asked once at onboarding) and one entry per local day."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from triage.vocabulary import DailyTasks, RestRelief, Sleep

MAX_ACTIVE_MINUTES = 1440
MAX_NOTES_LENGTH = 2000
# Today and the 6 days before: the window the symptom flags read, so that no symptom a
# person logs can fall outside every rule (red-flags.md v2).
PAST_DAYS_EDITABLE = 6


@cache
def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The time zone of that name, or UTC for a name this machine does not know. Kept:
    ZoneInfo holds only a few zones strongly, and reading one from disk again is slow."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


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
    # A second, optional reminder for the exercises of a plan, by the same rules.
    exercise_reminder_time = models.TimeField(null=True, blank=True)
    next_exercise_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # Profile flag code -> ISO local date the answer raising it was given: its "since".
    answered_on = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="profile_birth_year_range",
            ),
            models.CheckConstraint(condition=~Q(time_zone=""), name="profile_time_zone_given"),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_named(self.time_zone)

    def local_today(self, now: dt.datetime | None = None) -> dt.date:
        return (now or timezone.now()).astimezone(self.zone).date()

    def local_date_created(self) -> dt.date:
        return self.created_at.astimezone(self.zone).date()

    def answer_dates(self) -> dict[str, dt.date]:
        """Profile flag code -> the person's local date when the answer raising it was given."""
        return {code: dt.date.fromisoformat(day) for code, day in self.answered_on.items()}


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
    notes = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)
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
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), MAX_NOTES_LENGTH),
                name="entry_notes_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date}: pain {self.pain}"
