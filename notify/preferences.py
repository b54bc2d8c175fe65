"""A person's channel choices per kind of message, and their quiet hours.

`channels_for` (and its bulk twin `channels_for_many`, which it calls) is the one place
that decides where a message goes:
- push only to a person with a subscribed device, and only when this server can sign it;
- reminders and summaries follow the person's choice, without push inside quiet hours
  (they still arrive in the app, and by email if chosen: neither wakes anyone);
- escalations always go in-app and by email, quiet hours or not; push too if chosen;
- alerts to a physiotherapist go in-app and by email.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from notify.models import Channel, Kind, NotificationPreference, PushSubscription

ALWAYS: dict[str, tuple[Channel, ...]] = {
    Kind.ESCALATION: (Channel.IN_APP, Channel.EMAIL),
    Kind.PHYSIO_ALERT: (Channel.IN_APP, Channel.EMAIL),
}
RESPECTS_QUIET_HOURS = frozenset({Kind.REMINDER, Kind.SUMMARY})
CHANNEL_ORDER = [Channel.IN_APP, Channel.EMAIL, Channel.PUSH]
UTC = zoneinfo.ZoneInfo("UTC")


def preferences_for(user: User) -> NotificationPreference:
    """The stored preferences, or the defaults (unsaved) for someone who never chose."""
    stored = NotificationPreference.objects.filter(user=user).first()
    return stored or NotificationPreference(user=user)


def chosen_channels(preference: NotificationPreference, kind: str) -> list[str]:
    by_kind: dict[str, list[str]] = {
        Kind.REMINDER: preference.reminder_channels,
        Kind.ESCALATION: preference.escalation_channels,
        Kind.SUMMARY: preference.summary_channels,
    }
    return [*ALWAYS.get(kind, ()), *by_kind.get(kind, [])]


def channels_for(
    user: User,
    kind: str,
    at: dt.datetime | None = None,
    *,
    zone: zoneinfo.ZoneInfo | None = None,
) -> list[str]:
    """The channels a message of this kind goes to, for this person, at this moment.
    `zone`, the person's time zone, places their quiet hours (UTC when not given)."""
    zones = {user.pk: zone} if zone is not None else {}
    return channels_for_many([user], kind, at, zones=zones)[user.pk]


def channels_for_many(
    users: Sequence[User],
    kind: str,
    at: dt.datetime | None = None,
    *,
    zones: Mapping[int, zoneinfo.ZoneInfo] | None = None,
) -> dict[int, list[str]]:
    """`channels_for` for many people at once (a chunk of reminders or summaries), keyed
    by person: two queries at most, however many they are. The caller knows each
    person's time zone (the journal keeps it): `zones`, for the quiet hours."""
    at = at or timezone.now()
    ids = [user.pk for user in users]
    stored = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    preferences = {
        user.pk: stored.get(user.pk) or NotificationPreference(user=user) for user in users
    }
    chosen = {pk: set(chosen_channels(preference, kind)) for pk, preference in preferences.items()}
    subscribed = pushable([pk for pk, channels in chosen.items() if Channel.PUSH in channels])
    for pk, channels in chosen.items():
        if pk not in subscribed or kind == Kind.PHYSIO_ALERT:
            channels.discard(Channel.PUSH)
    zones = zones or {}
    for pk, channels in chosen.items():
        if (
            Channel.PUSH in channels
            and kind in RESPECTS_QUIET_HOURS
            and in_quiet_hours(preferences[pk], at, zones.get(pk, UTC))
        ):
            channels.discard(Channel.PUSH)
    return {
        pk: [channel for channel in CHANNEL_ORDER if channel in channels]
        for pk, channels in chosen.items()
    }


def pushable(user_ids: Sequence[int]) -> set[int]:
    """Those of these people this server can push to: a subscribed device and VAPID keys."""
    if not settings.VAPID_PRIVATE_KEY or not user_ids:
        return set()
    subscribed = PushSubscription.objects.filter(user_id__in=user_ids)
    return set(subscribed.values_list("user_id", flat=True).distinct())


def has_quiet_hours(preference: NotificationPreference) -> bool:
    start, end = preference.quiet_hours_start, preference.quiet_hours_end
    return start is not None and end is not None and start != end


def in_quiet_hours(
    preference: NotificationPreference, at: dt.datetime, zone: zoneinfo.ZoneInfo
) -> bool:
    """Whether local wall-clock time at `at` falls in [start, end); the span may cross
    midnight (22:00 to 07:00). No start or end, or the same for both, means none."""
    start, end = preference.quiet_hours_start, preference.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    local = at.astimezone(zone).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def save_preferences(*, user: User, values: dict[str, Any]) -> NotificationPreference:
    """Store the person's channels and quiet hours."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            field: values[field]
            for field in (
                "reminder_channels",
                "escalation_channels",
                "summary_channels",
                "quiet_hours_start",
                "quiet_hours_end",
            )
        },
    )
    return preference
