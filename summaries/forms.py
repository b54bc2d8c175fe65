"""The weekly PEG questions, and when a person's weekly summary arrives."""

from __future__ import annotations

from django import forms

from summaries.models import Weekday
from tracker.forms.entry import PAIN_CHOICES, ScaleWidget


def _scale(label: str, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=PAIN_CHOICES,
        coerce=int,
        widget=ScaleWidget,
        help_text=help_text,
        error_messages={
            "required": "Choose a number from 0 to 10.",
            "invalid_choice": "Choose a whole number from 0 to 10.",
        },
    )


class PegForm(forms.Form):
    """PEG (Krebs et al. 2009): pain, and how much it got in the way, over the past week."""

    pain = _scale(
        "On average, how bad was your pain over the past week?",
        "0 is no pain, 10 is the worst pain you can imagine.",
    )
    enjoyment = _scale(
        "Over the past week, how much did pain get in the way of enjoying life?",
        "0 is not at all, 10 is completely.",
    )
    activity = _scale(
        "Over the past week, how much did pain get in the way of your everyday activities?",
        "0 is not at all, 10 is completely.",
    )


class ScheduleForm(forms.Form):
    summary_weekday = forms.TypedChoiceField(
        label="Day",
        choices=Weekday.choices,
        coerce=int,
        error_messages={
            "required": "Choose a day of the week.",
            "invalid_choice": "Choose one of the days listed.",
        },
    )
    summary_time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Choose a time, like 18:00.",
            "invalid": "Enter a time like 18:00.",
        },
    )
