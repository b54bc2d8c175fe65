"""Push subscriptions as a browser sends them: checked, then upserted one per endpoint.

An endpoint is a device's address at its push service, so it belongs to one person at a
time: subscribing it again (another person logged in on that phone) moves it to them.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from accounts.models import User
from notify.models import PushSubscription

MAX_ENDPOINT_LENGTH = 1000
MAX_KEY_LENGTH = 200
MAX_DEVICES_PER_PERSON = 10


class InvalidSubscription(ValueError):
    """The browser sent something that is not a push subscription; the text says what."""


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str


def parse_subscription(payload: Any) -> SubscriptionData:
    if not isinstance(payload, dict):
        raise InvalidSubscription("Send a JSON object with endpoint and keys.")
    keys = payload.get("keys")
    if not isinstance(keys, dict):
        raise InvalidSubscription("keys must be an object with p256dh and auth.")
    return SubscriptionData(
        endpoint=parse_endpoint(payload.get("endpoint")),
        p256dh=parse_public_key(keys.get("p256dh")),
        auth=parse_auth_secret(keys.get("auth")),
    )


def parse_endpoint(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidSubscription("endpoint must be a URL.")
    if len(value) > MAX_ENDPOINT_LENGTH:
        raise InvalidSubscription(f"endpoint is longer than {MAX_ENDPOINT_LENGTH} characters.")
    schemes = ["https", "http"] if settings.DEBUG else ["https"]
    try:
        URLValidator(schemes=schemes)(value)
    except ValidationError as error:
        raise InvalidSubscription("endpoint must be an https URL.") from error
    if urlsplit(value).scheme == "http" and not is_loopback(urlsplit(value).hostname or ""):
        raise InvalidSubscription("endpoint must be an https URL.")
    return value


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_public_key(value: Any) -> str:
    """The browser's P-256 public key: 65 bytes, an uncompressed point on the curve."""
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = decode_base64url(value, "keys.p256dh")
    if len(raw) != 65:
        raise InvalidSubscription("keys.p256dh must be an uncompressed P-256 point.")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as error:
        raise InvalidSubscription("keys.p256dh is not a point on the P-256 curve.") from error
    return value


def parse_auth_secret(value: Any) -> str:
    if len(decode_base64url(value, "keys.auth")) != 16:
        raise InvalidSubscription("keys.auth must be 16 bytes.")
    return value


def decode_base64url(value: Any, name: str) -> bytes:
    if not isinstance(value, str) or not value or len(value) > MAX_KEY_LENGTH:
        raise InvalidSubscription(f"{name} must be a base64url string.")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidSubscription(f"{name} must be a base64url string.") from error


def subscribe(*, user: User, subscription: SubscriptionData) -> bool:
    """Create or update the subscription of this endpoint; True when it is new.

    A person keeps their newest `MAX_DEVICES_PER_PERSON` devices: an old phone that never
    unsubscribed stops costing a push request on every message.
    """
    _, created = PushSubscription.objects.update_or_create(
        endpoint=subscription.endpoint,
        defaults={"user": user, "p256dh": subscription.p256dh, "auth": subscription.auth},
    )
    keep = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
    stale = list(keep.values_list("pk", flat=True)[MAX_DEVICES_PER_PERSON:])
    if stale:
        PushSubscription.objects.filter(pk__in=stale).delete()
    return created


def unsubscribe(*, user: User, endpoint: Any) -> int:
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise InvalidSubscription("endpoint must be a URL.")
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted
