"""Web Push with VAPID, to every device the person subscribed.

The push service's answer decides what happens next: 404 or 410 means the subscription is
gone (the person unsubscribed or reinstalled the browser) and it is deleted; 429, a 5xx,
a timeout or a refused connection are worth trying again; any other 4xx will not get
better by retrying.
"""

from __future__ import annotations

import json

from django.conf import settings

from notify.models import Channel, Message, PushSubscription
from notify.transports import PermanentError, TransientError, Transport, absolute_url

GONE_STATUSES = frozenset({404, 410})
PUSH_TIMEOUT_SECONDS = 10
TIME_TO_LIVE_SECONDS = 12 * 3600


def is_transient(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


class WebPushTransport(Transport):
    channel = Channel.PUSH

    def send(self, message: Message) -> str:
        from pywebpush import WebPushException, webpush

        if not settings.VAPID_PRIVATE_KEY:
            raise PermanentError("push is not set up on this server (no VAPID key)")
        subscriptions = list(PushSubscription.objects.filter(user=message.user))
        if not subscriptions:
            raise PermanentError("no push subscription on any device")
        payload = json.dumps(
            {
                "title": message.title,
                "body": message.body,
                "url": absolute_url(message.url),
                "tag": message.kind,
            }
        )
        sent, gone = 0, 0
        transient: list[str] = []
        refused: list[str] = []
        for subscription in subscriptions:
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=payload,
                    vapid_private_key=settings.VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    ttl=TIME_TO_LIVE_SECONDS,
                    timeout=PUSH_TIMEOUT_SECONDS,
                )
                sent += 1
            except WebPushException as error:
                status = error.status_code
                if status in GONE_STATUSES:
                    subscription.delete()
                    gone += 1
                elif is_transient(status):
                    transient.append(str(status or "no answer"))
                else:
                    refused.append(str(status))
            except OSError as error:  # requests' connection errors and timeouts are OSErrors
                transient.append(type(error).__name__)
        if sent:
            return f"sent to {sent} device(s)"
        if transient:
            raise TransientError("push service: " + ", ".join(transient))
        if refused:
            raise PermanentError("push service refused: " + ", ".join(refused))
        raise PermanentError(f"every subscription was gone ({gone} removed)")
