"""Today's entry: the form a person fills in, in under thirty seconds, on a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tracker.models import MAX_ACTIVE_MINUTES, PAST_DAYS_EDITABLE
from triage.vocabulary import Activity, DailyTasks, RestRelief, SelfCare, Sleep, Symptom

PAIN_CHOICES = [(str(n), str(n)) for n in range(11)]
NOT_ANSWERED = ""


class ScaleWidget(forms.RadioSelect):
    """0 to 10 as a row of big buttons (templates/tracker/widgets/scale.html)."""

    template_name = "tracker/widgets/scale.html"
    option_template_name = "tracker/widgets/scale_option.html"


class ChipsWidget(forms.CheckboxSelectMultiple):
    """Choices as tappable chips (templates/tracker/widgets/chips.html)."""

    template_name = "tracker/widgets/chips.html"


# Behind "More about today" on the entry page; day pain, night pain, activity and the
# warning symptoms are always shown.
OPTIONAL_FIELDS = (
    "rested", "rest_relief", "daily_tasks", "sleep", "activities", "self_care", "notes",
)  # fmt: skip


def _to_int(value: str) -> int:
    return int(value)


class SharedChoices(forms.ChoiceField):
    """Choices from the diary's vocabulary, the same for every form: each new form shares
    them. Django deep-copies a choice field's choices for every form instance, which was
    most of what building this form cost on each save (measured: `benchmarks/README.md`)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedChoices:
        # Field's own copy (widget, messages, validators), not ChoiceField's deep copy.
        result: SharedChoices = forms.Field.__deepcopy__(self, memo)
        return result


class SharedTypedChoiceField(SharedChoices, forms.TypedChoiceField):
    """One answer of the vocabulary, coerced (a level, a reading)."""


class SharedMultipleChoiceField(SharedChoices, forms.MultipleChoiceField):
    """Any of the vocabulary's answers (symptoms, activities, self-care)."""


class EntryForm(forms.Form):
    date = forms.DateField(
        label="Day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Choose the day this entry is for.",
            "invalid": "Enter a real date, like 2026-11-24.",
        },
    )
    pain = SharedTypedChoiceField(
        label="Worst pain today",
        choices=PAIN_CHOICES,
        coerce=_to_int,
        widget=ScaleWidget,
        help_text="0 is no pain, 10 is the worst pain you can imagine.",
        error_messages={
            "required": "Choose a number from 0 to 10 for today's pain.",
            "invalid_choice": "Pain is a number from 0 to 10.",
        },
    )
    night_pain = SharedTypedChoiceField(
        label="Pain last night",
        choices=[*PAIN_CHOICES, (NOT_ANSWERED, "No night pain / not sure")],
        coerce=_to_int,
        empty_value=None,
        required=False,
        widget=ScaleWidget,
        help_text="0 to 10, or choose 'No night pain / not sure'.",
        error_messages={"invalid_choice": "Night pain is a number from 0 to 10, or not sure."},
    )
    woke_at_night = forms.BooleanField(label="The pain woke me up at night", required=False)
    rested = forms.BooleanField(label="I rested for long periods today", required=False)
    rest_relief = SharedTypedChoiceField(
        label="Did resting ease the pain?",
        choices=RestRelief.choices,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose yes, a little or no."},
    )
    active_minutes = forms.IntegerField(
        label="Minutes of activity today",
        min_value=0,
        max_value=MAX_ACTIVE_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter a whole number of minutes, like 30.",
            "min_value": "Minutes cannot be negative.",
            "max_value": "A day has 1440 minutes at most.",
        },
    )
    activities = SharedMultipleChoiceField(
        label="What did you do?",
        choices=Activity.choices,
        required=False,
        widget=ChipsWidget,
        error_messages={"invalid_choice": "'%(value)s' is not one of the activities listed."},
    )
    daily_tasks = SharedTypedChoiceField(
        label="Daily tasks",
        choices=DailyTasks.choices,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the options listed."},
    )
    sleep = SharedTypedChoiceField(
        label="Sleep",
        choices=Sleep.choices,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the options listed."},
    )
    no_symptoms = forms.BooleanField(label="None of these", required=False, initial=True)
    symptoms = SharedMultipleChoiceField(
        label="Any of these today?",
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "'%(value)s' is not one of the symptoms listed."},
    )
    self_care = SharedMultipleChoiceField(
        label="What did you do for it?",
        choices=SelfCare.choices,
        required=False,
        widget=ChipsWidget,
        error_messages={"invalid_choice": "'%(value)s' is not one of the options listed."},
    )
    notes = forms.CharField(
        label="Notes (only you see these unless you choose to share them)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    client_uuid = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form is missing a part. Reload the page and try again.",
            "invalid": "This form was changed in a way we cannot accept. Reload the page.",
        },
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].widget.attrs.update(
            {
                "min": (today - dt.timedelta(days=PAST_DAYS_EDITABLE)).isoformat(),
                "max": today.isoformat(),
            }
        )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("You can only log today or days that have passed.")
        first_day = self.today - dt.timedelta(days=PAST_DAYS_EDITABLE)
        if day < first_day:
            # The days the symptom checks read: an older day would be saved unchecked.
            raise forms.ValidationError(
                f"You can fill in or correct today and the {PAST_DAYS_EDITABLE} days before it "
                f"(from {first_day:%A %-d %B}). For anything older, note it in today's entry."
            )
        return day

    def clean_active_minutes(self) -> int:
        return self.cleaned_data.get("active_minutes") or 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("rested"):
            cleaned["rest_relief"] = None
        for field in ("activities", "symptoms", "self_care"):
            cleaned[field] = sorted(set(cleaned.get(field) or []))
        # A ticked symptom always wins over "none of these": the safer reading.
        return cleaned

    def entry_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("no_symptoms", None)
        return data
