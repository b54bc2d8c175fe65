"""The plan form a physiotherapist (or a person choosing for themselves) fills in: tick
exercises of the library, keep or change each dose and schedule, and add one of your own.
Ticking alone is enough: every exercise comes with its library dose, once a day, every day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from exercises.models import (
    EVERY_DAY,
    MAX_TIMES_A_DAY,
    WEEKDAYS,
    Done,
    Exercise,
    ExerciseDay,
    PainAfter,
    PlanItem,
)
from exercises.plans import Prescription

DAY_CHOICES = [(str(n), name) for n, name in enumerate(WEEKDAYS)]
TIMES_CHOICES = [(str(n), f"{n} a day" if n > 1 else "once a day") for n in range(1, 4)]
MAX_STEPS = 8


@dataclass
class ExerciseRow:
    """One library exercise in the form, with its own fields, for the template."""

    exercise: Exercise
    pick: forms.BoundField
    times: forms.BoundField
    days: forms.BoundField
    sets: forms.BoundField
    repetitions: forms.BoundField
    hold_seconds: forms.BoundField
    minutes: forms.BoundField


def _count(label: str, top: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=top,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": f"Enter a number from 1 to {top}, or leave it empty.",
            "max_value": f"Enter a number from 1 to {top}, or leave it empty.",
            "invalid": f"Enter a whole number from 1 to {top}, or leave it empty.",
        },
    )


class PlanForm(forms.Form):
    starts_on = forms.DateField(
        label="Starts on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date.", "required": "Enter the first day."},
    )
    review_on = forms.DateField(
        label="Review on",
        required=False,
        help_text="When you plan to look at it together again (optional).",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, or leave it empty."},
    )
    note = forms.CharField(
        label="A short note",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    own_name = forms.CharField(label="Name of your own exercise", required=False, max_length=80)
    own_steps = forms.CharField(
        label="Its steps, one a line",
        required=False,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    own_times = forms.TypedChoiceField(
        label="How often", choices=TIMES_CHOICES, coerce=int, initial="1", required=False
    )
    own_days = forms.TypedMultipleChoiceField(
        label="On which days",
        choices=DAY_CHOICES,
        coerce=int,
        required=False,
        initial=[str(d) for d in EVERY_DAY],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        library: list[Exercise],
        current: list[PlanItem] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.library = library
        chosen = {item.key: item for item in current or [] if item.exercise_id}
        for exercise in library:
            code = exercise.code
            item = chosen.get(code)
            self.fields[f"pick-{code}"] = forms.BooleanField(
                label=exercise.name, required=False, initial=item is not None
            )
            self.fields[f"times-{code}"] = forms.TypedChoiceField(
                label="How often", choices=TIMES_CHOICES, coerce=int, required=False,
                initial=str(item.times_a_day if item else 1),
            )  # fmt: skip
            self.fields[f"days-{code}"] = forms.TypedMultipleChoiceField(
                label="On which days", choices=DAY_CHOICES, coerce=int, required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(d) for d in (item.weekdays if item else EVERY_DAY)],
            )  # fmt: skip
            for name, label, top in (
                ("sets", "Sets", 10),
                ("repetitions", "Times each set", 50),
                ("hold_seconds", "Hold, seconds", 300),
                ("minutes", "Minutes", 120),
            ):
                field = _count(label, top)
                field.initial = getattr(item, name) if item else getattr(exercise, name)
                self.fields[f"{name}-{code}"] = field
        own = next((i for i in current or [] if not i.exercise_id), None)
        if own is not None:
            self.fields["own_name"].initial = own.name
            self.fields["own_steps"].initial = "\n".join(own.steps)
            self.fields["own_times"].initial = str(own.times_a_day)
            self.fields["own_days"].initial = [str(d) for d in own.weekdays]

    def rows(self) -> list[ExerciseRow]:
        return [
            ExerciseRow(
                exercise=e,
                pick=self[f"pick-{e.code}"],
                times=self[f"times-{e.code}"],
                days=self[f"days-{e.code}"],
                sets=self[f"sets-{e.code}"],
                repetitions=self[f"repetitions-{e.code}"],
                hold_seconds=self[f"hold_seconds-{e.code}"],
                minutes=self[f"minutes-{e.code}"],
            )
            for e in self.library
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, review_on = data.get("starts_on"), data.get("review_on")
        if (
            isinstance(starts_on, dt.date)
            and isinstance(review_on, dt.date)
            and review_on < starts_on
        ):
            self.add_error("review_on", "The review cannot come before the first day.")
        for exercise in self.library:
            if data.get(f"pick-{exercise.code}") and not data.get(f"days-{exercise.code}"):
                self.add_error(f"days-{exercise.code}", "Tick at least one day.")
        steps = [s.strip() for s in data.get("own_steps", "").splitlines() if s.strip()]
        if data.get("own_name", "").strip():
            if not steps:
                self.add_error("own_steps", "Write at least one step, one a line.")
            elif len(steps) > MAX_STEPS:
                self.add_error("own_steps", f"Keep it to {MAX_STEPS} steps at most.")
            if not data.get("own_days"):
                self.add_error("own_days", "Tick at least one day.")
        elif steps:
            self.add_error("own_name", "Give your exercise a name.")
        if not self.errors and not self.prescriptions():
            raise forms.ValidationError("Tick at least one exercise, or write one of your own.")
        return data

    def prescriptions(self) -> list[Prescription]:
        data = self.cleaned_data
        picked = [
            Prescription(
                exercise=e,
                sets=data.get(f"sets-{e.code}"),
                repetitions=data.get(f"repetitions-{e.code}"),
                hold_seconds=data.get(f"hold_seconds-{e.code}"),
                minutes=data.get(f"minutes-{e.code}"),
                times_a_day=min(int(data.get(f"times-{e.code}") or 1), MAX_TIMES_A_DAY),
                weekdays=data.get(f"days-{e.code}") or [],
            )
            for e in self.library
            if data.get(f"pick-{e.code}")
        ]
        name = data.get("own_name", "").strip()
        if name:
            picked.append(
                Prescription(
                    name=name,
                    steps=[s.strip() for s in data.get("own_steps", "").splitlines() if s.strip()],
                    times_a_day=min(int(data.get("own_times") or 1), MAX_TIMES_A_DAY),
                    weekdays=data.get("own_days") or [],
                )
            )
        return picked


SHOWN = "exercises_shown"


class ExerciseDayForm(forms.Form):
    """The exercises due on a day, in the daily entry: done, some or not today for each (one
    tap, nothing ticked beforehand), and how the pain was after them."""

    pain_after = forms.ChoiceField(
        label="After your exercises, was your pain better, the same or worse?",
        choices=PainAfter.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "chips"}),
    )

    def __init__(
        self,
        *args: Any,
        items: list[PlanItem],
        logged: ExerciseDay | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        marks = {mark.key: mark.done for mark in logged.marks.all()} if logged else {}
        for item in items:
            self.fields[f"exercise-{item.key}"] = forms.ChoiceField(
                label=item.name,
                choices=Done.choices,
                required=False,
                initial=marks.get(item.key),
                help_text=f"{item.dose()}, {_times(item.times_a_day)}",
                widget=forms.RadioSelect(attrs={"class": "chips"}),
            )
        self.order_fields([f"exercise-{item.key}" for item in items] + ["pain_after"])
        if logged is not None:
            self.fields["pain_after"].initial = logged.pain_after

    def exercise_fields(self) -> list[forms.BoundField]:
        return [self[f"exercise-{item.key}"] for item in self.items]

    def marks(self) -> dict[str, str]:
        return {
            item.key: done
            for item in self.items
            if (done := self.cleaned_data.get(f"exercise-{item.key}"))
        }


def _times(times_a_day: int) -> str:
    return "once today" if times_a_day == 1 else f"{times_a_day} times today"
