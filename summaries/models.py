"""Weekly summaries: when each person's arrives, the week's numbers as sent, and the
weekly PEG answers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


DEFAULT_SUMMARY_WEEKDAY = Weekday.SUNDAY
DEFAULT_SUMMARY_TIME = dt.time(18, 0)


class SummarySchedule(models.Model):
    """When a person's weekly summary arrives, in their local time. No row: Sunday 18:00."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summary_schedule"
    )
    summary_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=DEFAULT_SUMMARY_WEEKDAY
    )
    summary_time = models.TimeField(default=DEFAULT_SUMMARY_TIME)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(summary_weekday__gte=0, summary_weekday__lte=6),
                name="summary_weekday_0_6",
            ),
        ]

    def __str__(self) -> str:
        day, at = self.get_summary_weekday_display(), self.summary_time
        return f"Summary of {self.user_id} on {day} at {at:%H:%M}"


class WeeklySummary(models.Model):
    """A week's numbers (Monday to Sunday, local dates) as they stood when the week ended.

    One per person and week, written in the same transaction as its message: the row is
    the record that the week was summarised and sent, so a batch that runs twice does both
    once. A PEG answered later refreshes the numbers; nothing is sent again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summaries"
    )
    week_start = models.DateField()
    days_logged = models.PositiveSmallIntegerField()
    numbers = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="one_summary_per_person_per_week"
            ),
            models.CheckConstraint(condition=Q(days_logged__lte=7), name="summary_days_logged_0_7"),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start} for {self.user_id}"


class PegResponse(models.Model):
    """The three PEG questions (pain, enjoyment of life, general activity), once a week.

    PEG: Krebs et al., J Gen Intern Med 2009. The score is the mean of the three answers.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peg_responses"
    )
    week_start = models.DateField()
    pain = models.PositiveSmallIntegerField()
    enjoyment = models.PositiveSmallIntegerField()
    activity = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="one_peg_per_person_per_week"
            ),
            models.CheckConstraint(
                condition=Q(pain__lte=10, enjoyment__lte=10, activity__lte=10),
                name="peg_answers_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"PEG of {self.user_id} for the week of {self.week_start}"
