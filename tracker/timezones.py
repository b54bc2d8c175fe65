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


class TimeZoneField(forms.CharField):
    """An IANA time zone name, as the person's browser reports it or as they type it."""

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
