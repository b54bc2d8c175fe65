from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest


def urgent_banner(request: HttpRequest) -> dict[str, Any]:
    """Open urgent findings, for the banner that stays on every page until acknowledged."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {}
    from triage.queries import open_urgent_findings

    return {"urgent_findings": open_urgent_findings(user)}


def emergency_numbers(request: HttpRequest) -> dict[str, Any]:
    """The emergency number(s) to offer as a link to tap, from the person's time zone."""
    from triage.emergency import ALL_NUMBERS, emergency_numbers_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {"emergency_numbers": ALL_NUMBERS}
    try:
        # Read once per request: the onboarding check has usually loaded it already.
        zone = user.profile.time_zone
    except ObjectDoesNotExist:
        zone = None
    return {"emergency_numbers": emergency_numbers_for(zone)}
