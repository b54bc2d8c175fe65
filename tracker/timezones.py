from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_time_zone(name: str) -> bool:
    return name in known_time_zones()


class TimeZoneInput(forms.TextInput):
    """A text box the browser fills with its own zone, offering every known name to pick."""

    template_name = "partials/time_zone_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"data-browser-timezone": "replace-utc", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["zones_id"] = f"{widget['attrs'].get('id', name)}_zones"
        widget["attrs"]["list"] = widget["zones_id"]
        widget["zones"] = sorted(known_time_zones())
        return context


class TimeZoneField(forms.CharField):
    """An IANA time zone name, as the person's browser reports it or as they type it."""

    widget = TimeZoneInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        name = super().clean(value).strip()
        if not is_known_time_zone(name):
            raise forms.ValidationError(
                "We do not know this time zone. Use a name like Europe/London or America/New_York."
            )
        return name
