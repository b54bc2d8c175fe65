"""Onboarding: the profile of the triage contract, the time zone and the reminder time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from tracker.models import Profile
from tracker.timezones import TimeZoneField
from triage.vocabulary import History, Location, Onset

YES, NO = "yes", "no"
MAX_PAUSE_DAYS = 30
# Posted with a form that has asked "has a doctor already examined you for this pain?".
EXAMINED_ASKED = "examined_asked"


def reminder_time_field(
    label: str = "Daily reminder time",
    help_text: str = "Leave empty if you do not want a daily reminder.",
    example: str = "20:00",
) -> forms.TimeField:
    """A reminder's time, as onboarding and the notification settings ask it (the daily
    reminder's by default)."""
    return forms.TimeField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": f"Enter a time like {example}, or leave it empty."},
    )


def time_zone_field(help_text: str) -> TimeZoneField:
    return TimeZoneField(label="Your time zone", max_length=64, help_text=help_text)


class ProfileForm(forms.ModelForm):
    birth_year = forms.IntegerField(
        label="Year you were born",
        required=False,
        help_text="Leave empty if you prefer not to say. Age matters because back pain "
        "under 20 or over 50 is worth checking with a doctor.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
        error_messages={"invalid": "Enter a year with four digits, like 1975, or leave it empty."},
    )
    pain_started = forms.DateField(
        label="When did this back pain start?",
        required=False,
        help_text="Leave empty if you are not sure.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, or leave it empty if you are not sure."},
    )
    history = forms.MultipleChoiceField(
        label="Have you had any of these?",
        choices=History.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that apply. Leave all unticked for none, or if you prefer not to say.",
    )
    onset = forms.MultipleChoiceField(
        label="How did the pain start?",
        choices=Onset.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if none of these, or if you are not sure.",
    )
    location = forms.MultipleChoiceField(
        label="Where is the pain?",
        choices=Location.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every place that hurts. Leave all unticked if you are not sure.",
    )
    time_zone = time_zone_field(
        "Filled in from your phone when possible, for example Europe/London. "
        "Your diary days and reminders follow it."
    )
    reminder_time = reminder_time_field()

    class Meta:
        model = Profile
        fields = [
            "birth_year",
            "pain_started",
            "history",
            "onset",
            "location",
            "time_zone",
            "reminder_time",
        ]

    def __init__(self, *args: Any, ask_examined: bool = False, **kwargs: Any) -> None:
        """`ask_examined`: onboarding asks whether a doctor has already examined this pain,
        because the answers raise a profile flag (red-flags.md v2)."""
        super().__init__(*args, **kwargs)
        if ask_examined:
            self.fields["already_examined"] = forms.ChoiceField(
                label="Has a doctor already examined you for this pain?",
                choices=[(YES, "Yes, a doctor has examined me for this pain"), (NO, "No")],
                required=False,
                widget=forms.RadioSelect,
                help_text=(
                    "'Yes' records the answers above that are reasons to see a doctor as "
                    "checked by a doctor (you can undo it on My flags). 'No', or no answer, "
                    "keeps them open so that Upright tells you what to do."
                ),
                error_messages={"invalid_choice": "Choose yes or no, or leave it unanswered."},
            )
            self.order_fields(["already_examined"])

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.now().year
        if year is not None and not (this_year - 120 <= year <= this_year):
            raise forms.ValidationError(
                f"Enter a year between {this_year - 120} and {this_year}, or leave it empty."
            )
        return year

    def clean_pain_started(self) -> dt.date | None:
        started = self.cleaned_data.get("pain_started")
        if started is not None and started > timezone.now().date() + dt.timedelta(days=1):
            raise forms.ValidationError("The start of the pain cannot be in the future.")
        if started is not None and started.year < 1900:
            raise forms.ValidationError("Enter a date after 1900, or leave it empty.")
        return started

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for field in ("history", "onset", "location"):
            cleaned[field] = sorted(cleaned.get(field) or [])
        return cleaned


class ReminderForm(forms.Form):
    """When reminders come: the notification settings page, beside notify's channels."""

    reminder_time = reminder_time_field()
    exercise_reminder_time = reminder_time_field(
        "Exercise reminder time",
        "A second reminder, only on days your exercise plan has exercises still to tick. "
        "Leave empty for none: the daily reminder mentions them anyway.",
        "08:00",
    )
    pause_days = forms.IntegerField(
        label="Pause reminders for how many days?",
        min_value=0,
        max_value=MAX_PAUSE_DAYS,
        initial=0,
        help_text=f"Today counts as the first day. 0 means no pause; at most {MAX_PAUSE_DAYS}.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": f"Enter a number of days from 0 to {MAX_PAUSE_DAYS}.",
            "min_value": f"Enter a number of days from 0 to {MAX_PAUSE_DAYS}.",
            "max_value": f"Enter a number of days from 0 to {MAX_PAUSE_DAYS}.",
            "required": "Enter 0 for no pause.",
        },
    )
    time_zone = time_zone_field(
        "For example Europe/London. Your diary days and reminders follow it."
    )


def reminder_initial(profile: Profile, today: dt.date) -> dict[str, Any]:
    paused_until = profile.reminders_paused_until
    pause_days = 0 if paused_until is None else (paused_until - today).days + 1
    return {
        "reminder_time": profile.reminder_time,
        "exercise_reminder_time": profile.exercise_reminder_time,
        "pause_days": min(max(pause_days, 0), MAX_PAUSE_DAYS),
        "time_zone": profile.time_zone,
    }
