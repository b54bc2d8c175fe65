"""Channels: one class each, one interface. The caller never knows which one it uses."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notify.models import Channel, Message

# Kinds with an HTML email of their own; the plain text is always the message body.
HTML_TEMPLATES = {"summary": "emails/weekly_summary.html"}


class TransientError(Exception):
    """Worth trying again later (a server that did not answer, a timeout)."""


class PermanentError(Exception):
    """Trying again cannot help (no address, a subscription that is gone)."""


class Transport:
    channel: str
    # True for a channel that has delivered once the message is stored (no I/O, cannot
    # fail): `send` attempts it inside the recording transaction, not after commit.
    delivered_by_recording = False

    def send(self, message: Message) -> str:
        """Deliver the message; return a short detail for the log, or raise."""
        raise NotImplementedError


class InAppTransport(Transport):
    channel = Channel.IN_APP
    delivered_by_recording = True

    def send(self, message: Message) -> str:
        # The stored message is the in-app notification; it shows in the list at once.
        return "listed"


class EmailTransport(Transport):
    channel = Channel.EMAIL

    def send(self, message: Message) -> str:
        address = message.user.email
        if not address:
            raise PermanentError("no email address")
        context = {"message": message, "link": absolute_url(message.url)}
        email = EmailMultiAlternatives(
            subject=message.title,
            body=render_to_string("emails/message.txt", context),
            to=[address],
        )
        html = render_to_string(HTML_TEMPLATES.get(message.kind, "emails/message.html"), context)
        email.attach_alternative(html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentError("the mail server refused the address") from error
        except OSError as error:  # refused connections, timeouts and other SMTP errors
            raise TransientError(str(error) or type(error).__name__) from error
        return "sent to the mail server"


def absolute_url(path: str) -> str:
    if not path or path.startswith("http"):
        return path
    return settings.SITE_URL + path


def transport_for(channel: str) -> Transport:
    from notify.push import WebPushTransport

    transports: dict[str, Transport] = {
        Channel.IN_APP: InAppTransport(),
        Channel.EMAIL: EmailTransport(),
        Channel.PUSH: WebPushTransport(),
    }
    return transports[channel]
