"""Web Push with VAPID. A subscription the push service reports gone is deleted."""

from __future__ import annotations

import json

from django.conf import settings

from notify.models import Channel, Message, PushSubscription
from notify.transports import PermanentError, TransientError, Transport, absolute_url

GONE_STATUSES = {404, 410}


class WebPushTransport(Transport):
    channel = Channel.PUSH

    def send(self, message: Message) -> str:
        from pywebpush import WebPushException, webpush

        subscriptions = list(PushSubscription.objects.filter(user=message.user))
        if not subscriptions:
            raise PermanentError("no push subscription on any device")
        payload = json.dumps(
            {"title": message.title, "body": message.body, "url": absolute_url(message.url)}
        )
        sent = 0
        transient: list[str] = []
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
                    ttl=12 * 3600,
                    timeout=10,
                )
                sent += 1
            except WebPushException as error:
                status = getattr(error.response, "status_code", None)
                if status in GONE_STATUSES:
                    subscription.delete()
                else:
                    transient.append(str(status))
            except (ConnectionError, TimeoutError, OSError) as error:
                transient.append(type(error).__name__)
        if sent:
            return f"sent to {sent} device(s)"
        if transient:
            raise TransientError("push service: " + ", ".join(transient))
        raise PermanentError("every subscription was gone")
