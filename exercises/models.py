"""Home exercises: the library, plans (with every version kept) and the exercise log.

A plan is proposed by a physiotherapist (or chosen by the person for themselves) and only
counts once the person has accepted it: nothing is pushed into a diary unasked. A change
is a new version from a given day, so which exercises were in force on any day stays known.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
MAX_TIMES_A_DAY = 3


class Exercise(models.Model):
    """One exercise of the library, in our own words. `code` never changes once published."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    steps = models.JSONField(default=list)  # 3 to 5 short sentences
    feel = models.CharField(max_length=300)  # what the person should feel
    stop_if = models.CharField(max_length=300)  # what should make them stop
    sets = models.PositiveSmallIntegerField(default=1)
    repetitions = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def dose(self) -> str:
        return dose_in_words(self.sets, self.repetitions, self.hold_seconds, self.minutes)


class Plan(models.Model):
    """A home exercise plan for one person. `prescribed_by` is empty when they chose it."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_plans"
    )
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exercise_plans_prescribed",
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The person's local day of accepting: sessions count from then, never before.
    accepted_on = models.DateField(null=True, blank=True)
    # The first local day the plan no longer applies (the person's date when it was ended).
    ended_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_at__isnull=False),
                name="plan_end_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(prescribed_by=F("patient")), name="plan_prescribed_by_someone_else"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_on__isnull=True)
                | Q(accepted_at__isnull=False, accepted_on__isnull=False),
                name="plan_acceptance_has_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Exercise plan {self.pk} of {self.patient}"

    @property
    def is_self_chosen(self) -> bool:
        return self.prescribed_by_id is None

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.ended_at is None

    def latest_version(self) -> PlanVersion | None:
        """The newest version (read from prefetched versions when there are some)."""
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None

    def times_changed(self) -> int:
        return max(len(self.versions.all()) - 1, 0)

    def is_live(self, day: dt.date) -> bool:
        return (
            self.accepted_on is not None
            and self.accepted_on <= day
            and (self.ended_on is None or day < self.ended_on)
        )


class PlanVersion(models.Model):
    """The plan's exercises from `starts_on` until the next version starts."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_per_plan"),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=F("starts_on")),
                name="plan_review_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of plan {self.plan_id}"


class PlanItem(models.Model):
    """One exercise of a plan version: from the library (name and steps copied, so a later
    edit of the library never changes what was prescribed) or written for this person."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(
        Exercise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The same exercise across versions keeps its key, so a day's log survives a new version.
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    steps = models.JSONField(default=list)
    sets = models.PositiveSmallIntegerField(default=1)
    repetitions = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    times_a_day = models.PositiveSmallIntegerField(default=1)
    weekdays = models.JSONField(default=list)  # 0 = Monday ... 6 = Sunday
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="one_item_per_key_per_version"),
            models.CheckConstraint(
                condition=Q(times_a_day__gte=1, times_a_day__lte=MAX_TIMES_A_DAY),
                name="plan_item_times_a_day_1_3",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def dose(self) -> str:
        return dose_in_words(self.sets, self.repetitions, self.hold_seconds, self.minutes)

    def days_in_words(self) -> str:
        if sorted(self.weekdays) == EVERY_DAY:
            return "every day"
        return ", ".join(WEEKDAYS[d] for d in sorted(self.weekdays))


class Done(models.TextChoices):
    DONE = "done", "Done"
    SOME = "some", "Some"
    NOT_TODAY = "not_today", "Not today"


class PainAfter(models.TextChoices):
    BETTER = "better", "Better"
    SAME = "same", "The same"
    WORSE = "worse", "Worse"


class ExerciseDay(models.Model):
    """What the person said about their exercises on one local day."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_days"
    )
    day = models.DateField()
    pain_after = models.CharField(max_length=8, choices=PainAfter.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "day"], name="one_exercise_day_per_day"),
            models.CheckConstraint(
                condition=Q(pain_after__in=[*PainAfter.values, ""]), name="pain_after_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Exercises of {self.patient} on {self.day}"


class ExerciseMark(models.Model):
    """Done, some or not today, for one exercise (by its key) on one day."""

    day = models.ForeignKey(ExerciseDay, on_delete=models.CASCADE, related_name="marks")
    key = models.CharField(max_length=40)
    done = models.CharField(max_length=10, choices=Done.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "key"], name="one_mark_per_exercise_per_day"),
            models.CheckConstraint(condition=Q(done__in=Done.values), name="exercise_done_known"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.done}"


def dose_in_words(
    sets: int, repetitions: int | None, hold_seconds: int | None, minutes: int | None
) -> str:
    if minutes:
        return f"{minutes} minutes"
    parts = []
    if repetitions:
        parts.append(f"{repetitions} times")
    if hold_seconds:
        parts.append(f"hold {hold_seconds} seconds")
    each = ", ".join(parts) or "once"
    return each if sets <= 1 else f"{sets} sets: {each}"
