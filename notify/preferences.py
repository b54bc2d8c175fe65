"""A person's channel choices per kind of message."""

from __future__ import annotations

from accounts.models import User
from notify.models import Channel, PushSubscription


def channels_for(user: User, kind: str) -> list[str]:
    channels = [Channel.IN_APP, Channel.EMAIL]
    if PushSubscription.objects.filter(user=user).exists():
        channels.append(Channel.PUSH)
    return channels
