"""The two fan-outs, through the real broker and worker: the reminder wave and the weekly
summaries. The runner publishes the dispatcher task as beat would, then watches the
delivery log until every message is delivered, or the time allowed runs out."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from config.celery import app
from notify.models import Channel, Delivery, Kind, Message, Outcome
from summaries import services as summaries
from tracker import reminders

CHANNELS = (Channel.IN_APP, Channel.EMAIL)
BEAT_PERIOD = 60  # seconds: beat runs the reminder dispatcher every minute
POLL = 2.0  # the end is read from the delivery log, not from the poll


@dataclass
class FanOutResult:
    people: int
    finished: bool
    seconds: float  # from the dispatcher's start to the last delivery recorded as sent
    delivered: int  # people with every channel sent
    duplicates: int
    missing: int
    dispatches: int
    worker_cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    @property
    def ms_per_person(self) -> float:
        return 1000 * self.seconds / self.people if self.people else 0.0

    def summary(self) -> dict[str, object]:
        return {
            **asdict(self),
            "seconds": round(self.seconds, 1),
            "per_second": round(self.per_second, 1),
            "ms_per_person": round(self.ms_per_person, 3),
            "worker_cpu_ms_per_person": round(1000 * self.worker_cpu_seconds / self.people, 3),
        }


def wave_people() -> QuerySet[User]:
    return User.objects.filter(email__startswith="wave", email__endswith="@bench.invalid")


def reminder_wave(
    mail_log: Path, worker_cpu: Callable[[], float], *, timeout: float
) -> FanOutResult:
    """100,000 reminders due in the same minute: beat's dispatcher, every minute until
    everyone's reminder is delivered in-app and by email."""
    return _fan_out(
        "tracker.tasks.send_due_reminders",
        Kind.REMINDER,
        reminders.TITLE,
        mail_log,
        worker_cpu,
        timeout=timeout,
        repeat_every=BEAT_PERIOD,
    )


def weekly_summaries(
    mail_log: Path, worker_cpu: Callable[[], float], *, timeout: float
) -> FanOutResult:
    return _fan_out(
        "tracker.summary_tasks.build_weekly_summaries",
        Kind.SUMMARY,
        summaries.TITLE,
        mail_log,
        worker_cpu,
        timeout=timeout,
        repeat_every=None,
    )


def _fan_out(
    task: str,
    kind: str,
    subject: str,
    mail_log: Path,
    worker_cpu: Callable[[], float],
    *,
    timeout: float,
    repeat_every: float | None,
) -> FanOutResult:
    people = wave_people().count()
    expected = people * len(CHANNELS)
    sent = Delivery.objects.filter(message__kind=kind, outcome=Outcome.SENT)
    cpu_before = worker_cpu()
    started = timezone.now()
    began = last_dispatch = time.monotonic()
    app.send_task(task)
    dispatches = 1
    while sent.count() < expected and time.monotonic() - began < timeout:
        if repeat_every and time.monotonic() - last_dispatch >= repeat_every:
            app.send_task(task)
            dispatches += 1
            last_dispatch = time.monotonic()
        time.sleep(POLL)
    finished = sent.count() >= expected
    last = sent.aggregate(last=Max("updated_at"))["last"]
    seconds = (last - started).total_seconds() if last else 0.0
    if not finished:
        seconds = time.monotonic() - began
    cpu = worker_cpu() - cpu_before
    delivered, missing = _delivered_and_missing(kind)
    return FanOutResult(
        people=people,
        finished=finished,
        seconds=seconds,
        delivered=delivered,
        duplicates=_duplicates(kind, subject, mail_log),
        missing=missing,
        dispatches=dispatches,
        worker_cpu_seconds=cpu,
    )


def _delivered_and_missing(kind: str) -> tuple[int, int]:
    """People of the wave with a message of this kind sent on every channel; and the
    people or channels missing (no message, or a channel not sent)."""
    people = wave_people()
    messages = Message.objects.filter(kind=kind, user=OuterRef("pk"))
    without_message = people.exclude(Exists(messages)).count()
    unsent = Delivery.objects.filter(message__kind=kind).exclude(outcome=Outcome.SENT).count()
    channels = Delivery.objects.filter(message__kind=kind, outcome=Outcome.SENT)
    per_message = collections.Counter(channels.values_list("message_id", flat=True))
    complete = sum(1 for n in per_message.values() if n == len(CHANNELS))
    missing_channels = sum(len(CHANNELS) - n for n in per_message.values() if n < len(CHANNELS))
    return complete, without_message + unsent + missing_channels


def _duplicates(kind: str, subject: str, mail_log: Path) -> int:
    """Extra copies: a second message of this kind for a person and period, or a second
    email to the same address with this subject."""
    extra_messages = sum(
        n - 1
        for n in collections.Counter(
            Message.objects.filter(kind=kind).values_list("user_id", flat=True)
        ).values()
        if n > 1
    )
    emails: collections.Counter[str] = collections.Counter()
    if mail_log.exists():
        with mail_log.open(encoding="utf-8") as lines:
            for line in lines:
                address, _, title = line.rstrip("\n").partition("\t")
                if title == subject:
                    emails[address] += 1
    extra_emails = sum(n - 1 for n in emails.values() if n > 1)
    return extra_messages + extra_emails


def forget_reminders() -> None:
    """Delete the wave's reminders and their delivery log, so that it can run again."""
    deliveries, messages = Delivery._meta.db_table, Message._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {deliveries} WHERE message_id IN "
            f"(SELECT id FROM {messages} WHERE kind = %s)",
            [Kind.REMINDER],
        )
        cursor.execute(f"DELETE FROM {messages} WHERE kind = %s", [Kind.REMINDER])
