"""The notification preferences form: channels per kind and quiet hours. (When the daily
reminder comes is the journal's: `tracker.forms.profile.ReminderForm`.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from notify.models import Channel, Kind, NotificationPreference
from notify.preferences import ALWAYS

CHANNEL_FIELDS = ("reminder_channels", "escalation_channels", "summary_channels")


class ChannelCheckboxes(forms.CheckboxSelectMultiple):
    """One checkbox per channel; the channels a kind always uses show ticked and disabled."""

    def __init__(self, *, always: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.always = frozenset(always)
        self.unavailable: frozenset[str] = frozenset()

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        always = value in self.always
        unavailable = value in self.unavailable
        option = super().create_option(
            name, value, label, (selected or always) and not unavailable, index, subindex, attrs
        )
        if always or unavailable:
            option["attrs"]["disabled"] = True
        return option


def channel_field(kind: str, label: str, help_text: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=Channel.choices,
        required=False,
        help_text=help_text,
        widget=ChannelCheckboxes(always=ALWAYS.get(kind, ())),
    )


class PreferencesForm(forms.Form):
    reminder_channels = channel_field(
        Kind.REMINDER, "Daily reminder", "Where your reminder to fill in the diary arrives."
    )
    escalation_channels = channel_field(
        Kind.ESCALATION,
        "Urgent flags",
        "Always in the app and by email, even in quiet hours. Tick push to get them on "
        "your phone's lock screen too.",
    )
    summary_channels = channel_field(
        Kind.SUMMARY, "Weekly summary", "Where your summary of the week arrives."
    )
    quiet_hours_start = forms.TimeField(
        label="Quiet hours start",
        required=False,
        help_text="No reminder or summary pushes to your phone between these times. "
        "They still wait for you in the app.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time like 22:00, or leave it empty."},
    )
    quiet_hours_end = forms.TimeField(
        label="Quiet hours end",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time like 07:00, or leave it empty."},
    )

    def __init__(
        self, *args: Any, push_ready: bool = True, stored: NotificationPreference | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        # With no device that allowed push, push can be neither seen ticked nor chosen:
        # the box shows unticked and disabled, and what was stored for it is kept.
        self.kept_push: dict[str, bool] = {}
        if not push_ready:
            for field in CHANNEL_FIELDS:
                self.fields[field].widget.unavailable = frozenset({Channel.PUSH})
                stored_channels = getattr(stored, field, None) or []
                self.kept_push[field] = Channel.PUSH in stored_channels

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # Disabled checkboxes are not posted: the channels a kind always uses are added back.
        always = ALWAYS[Kind.ESCALATION]
        cleaned["escalation_channels"] = [*always, *cleaned.get("escalation_channels", [])]
        for field in CHANNEL_FIELDS:
            chosen = set(cleaned.get(field) or [])
            if self.kept_push.get(field):
                chosen.add(Channel.PUSH)
            cleaned[field] = [value for value in Channel.values if value in chosen]
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        if (start is None) != (end is None) and not self.has_error("quiet_hours_start"):
            self.add_error("quiet_hours_end", "Give both a start and an end, or neither.")
        elif start is not None and start == end:
            self.add_error("quiet_hours_end", "The end must differ from the start.")
        return cleaned


def initial_for(preference: NotificationPreference) -> dict[str, Any]:
    return {
        "reminder_channels": preference.reminder_channels,
        "escalation_channels": preference.escalation_channels,
        "summary_channels": preference.summary_channels,
        "quiet_hours_start": preference.quiet_hours_start,
        "quiet_hours_end": preference.quiet_hours_end,
    }
