"""Channels: one class each, one interface. The caller never knows which one it uses."""

from __future__ import annotations

import email.message
import email.policy
import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.headerregistry import BaseHeader, HeaderRegistry
from email.utils import parseaddr
from functools import cache, partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from notify.models import Channel, Message

# Kinds with an HTML email of their own; the plain text is always the message body.
HTML_TEMPLATES = {"summary": "emails/weekly_summary.html"}

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Worth trying again later (a server that did not answer, a timeout)."""


class PermanentError(Exception):
    """Trying again cannot help (no address, a subscription that is gone)."""


# Errors that say the mail server itself is not there, not that one email was refused.
SERVER_UNREACHABLE = (
    TimeoutError,
    ConnectionError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)


# Delivers one message: its detail for the log, or the error it raised.
Attempt = Callable[[Message], str | Exception]


class Transport:
    channel: str
    # True for a channel that has delivered once the message is stored (no I/O, cannot
    # fail): `send` attempts it inside the recording transaction, not after commit.
    delivered_by_recording = False

    def send(self, message: Message) -> str:
        """Deliver the message; return a short detail for the log, or raise."""
        raise NotImplementedError

    @contextmanager
    def sending(self) -> Iterator[Attempt]:
        """A function that delivers one message and returns its detail or the error it
        raised, for use inside the block; a channel with a cheaper way to send many (one
        mail server connection) keeps it open until the block ends. The caller records
        each outcome before the next send."""
        yield partial(attempt, self.send)


def attempt(send: Callable[[Message], str], message: Message) -> str | Exception:
    """The detail of one send, or the error it raised, except Celery's soft time limit:
    the task is out of time, so its sender must stop and record what it has done."""
    try:
        return send(message)
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:  # noqa: BLE001 - the caller sorts errors by kind
        return error


class InAppTransport(Transport):
    channel = Channel.IN_APP
    delivered_by_recording = True

    def send(self, message: Message) -> str:
        # The stored message is the in-app notification; it shows in the list at once.
        return "listed"


class EmailTransport(Transport):
    channel = Channel.EMAIL

    def send(self, message: Message) -> str:
        with self.sending() as send:
            result = send(message)
        if isinstance(result, Exception):
            raise result
        return result

    @contextmanager
    def sending(self) -> Iterator[Attempt]:
        """Every email over one connection to the mail server."""
        batch = EmailBatch(mailers.default)
        try:
            yield batch.send
        finally:
            batch.close()


class EmailBatch:
    """Emails sent one by one over one connection, each text rendered once per distinct
    message (a reminder wave is one text for everyone)."""

    def __init__(self, connection: BaseEmailBackend) -> None:
        self.connection = connection
        self.rendered: dict[tuple[str, str, str, str], tuple[str, str]] = {}
        self.unreachable: TransientError | None = None

    def send(self, message: Message) -> str | Exception:
        if self.unreachable is not None:
            # The server did not answer: the rest wait for their retry rather than each
            # waiting out the timeout.
            return TransientError(f"not attempted: {self.unreachable}")
        result = attempt(self._send, message)
        if isinstance(result, TransientError) and isinstance(result.__cause__, SERVER_UNREACHABLE):
            self.unreachable = result
        return result

    def _send(self, message: Message) -> str:
        content = (message.kind, message.title, message.body, message.url)
        if content not in self.rendered:
            self.rendered[content] = rendered_texts(message)
        return send_email(email_for(message, self.rendered[content]), self.connection)

    def close(self) -> None:
        try:
            self.connection.close()
        except OSError as error:  # every outcome is recorded; only the goodbye failed
            log.warning("Closing the mail server connection failed: %s", error)


def send_email(email: EmailMultiAlternatives, connection: BaseEmailBackend) -> str:
    try:
        connection.open()  # a no-op while it is open: one connection for the batch
        connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentError("the mail server refused the address") from error
    except OSError as error:  # refused connections, timeouts and other SMTP errors
        with suppress(OSError):
            connection.close()  # the next email opens a fresh one
        raise TransientError(str(error) or type(error).__name__) from error
    return "sent to the mail server"


def rendered_texts(message: Message) -> tuple[str, str]:
    """The plain text and HTML of a message's email."""
    context = {"message": message, "link": absolute_url(message.url)}
    text = render_to_string("emails/message.txt", context)
    html = render_to_string(HTML_TEMPLATES.get(message.kind, "emails/message.html"), context)
    return text, html


class HeaderClassesOnce(HeaderRegistry):
    """The standard header registry, keeping the class it makes for each header name.

    `HeaderRegistry` makes a new class with `type()` for every header of every email it
    parses; the classes hold no state, so one per name gives the same headers. With it,
    building an email's MIME costs about a fifth less and serialising it a third less
    (measured on the weekly summary email), which counts in a wave of 100,000.
    """

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if key not in self.made:
            self.made[key] = super().__getitem__(name)
        return self.made[key]


# `email.policy.default` (what Django uses), with the header classes kept.
EMAIL_POLICY = email.policy.default.clone(header_factory=HeaderClassesOnce())


class UprightEmail(EmailMultiAlternatives):
    """An email whose MIME is built under EMAIL_POLICY, by every mail backend."""

    def message(
        self, *, policy: email.policy.Policy | None = EMAIL_POLICY
    ) -> email.message.EmailMessage:
        return super().message(policy=policy)


def email_for(message: Message, texts: tuple[str, str] | None = None) -> EmailMultiAlternatives:
    address = message.user.email
    if not address:
        raise PermanentError("no email address")
    text, html = texts or rendered_texts(message)
    email = UprightEmail(
        subject=message.title, body=text, to=[address], headers={"Message-ID": message_id(message)}
    )
    email.attach_alternative(html, "text/html")
    return email


def message_id(message: Message) -> str:
    """The same Message-ID for every attempt at this message, from its idempotency key: a
    repeat (a worker killed after the server took the email) is the same email to the
    receiving server and the mail client. Keyed with the secret key, so it says nothing
    about the person or the message."""
    digest = salted_hmac("notify.message_id", message.key, algorithm="sha256").hexdigest()
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "upright.invalid"
    return f"<{digest[:32]}@{domain}>"


def absolute_url(path: str) -> str:
    if not path or path.startswith("http"):
        return path
    return settings.SITE_URL + path


def transport_for(channel: str) -> Transport:
    return transports()[channel]


@cache
def transports() -> dict[str, Transport]:
    from notify.push import WebPushTransport

    return {
        Channel.IN_APP: InAppTransport(),
        Channel.EMAIL: EmailTransport(),
        Channel.PUSH: WebPushTransport(),
    }
