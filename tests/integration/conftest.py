"""Fault-injection fixtures: a local mail server that can be slow, and a real worker that
sends to it over SMTP with a short time budget, and that can be killed outright."""

from __future__ import annotations

import asyncio
import email
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from config.embedded_broker import free_port
from notify import queue
from tests.conftest import Worker


@pytest.fixture(autouse=True)
def broker_failures_forgotten() -> Iterator[None]:
    """A test whose broker was down or frozen leaves the next one a broker to ask."""
    queue.PAUSE.end()
    yield
    queue.PAUSE.end()


class MailSink:
    """An SMTP server on loopback. An email counts when it answers 250 to its DATA, as a
    mail server counts it; `delay` holds each answer back, as a slow server does."""

    def __init__(self) -> None:
        self.port = free_port()
        self.delay = 0.0
        self.accepted: list[tuple[str, str]] = []  # (recipient, Message-ID)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        self.accepted.extend((recipient, message_id) for recipient in envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def per_recipient(self) -> Counter[str]:
        return Counter(recipient for recipient, _ in self.accepted)

    def message_ids_of(self, recipient: str) -> set[str]:
        return {message_id for to, message_id in self.accepted if to == recipient}


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


class SmtpWorker(Worker):
    """The shared real worker, sending email over SMTP to the sink, with its own budget."""

    def __init__(self, broker_url: str, log_path: Path, smtp_port: int, budget: float) -> None:
        super().__init__(broker_url, log_path)
        self.smtp_port, self.budget = smtp_port, budget

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp_port),
            EMAIL_USE_TLS="0",
            NOTIFY_SEND_BUDGET_SECONDS=str(self.budget),
        )
        return env

    def kill_every_process(self) -> int:
        """SIGKILL the worker and its pool processes at once; returns how many died."""
        assert self.process is not None
        pids = [self.process.pid, *children_of(self.process.pid)]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return len(pids)


def children_of(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process has just ended
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


@pytest.fixture
def smtp_worker(
    celery_app_on_broker: object,
    broker_url: str,
    tmp_path: Path,
    transactional_db: None,
    mail_sink: MailSink,
) -> Iterator[Callable[..., SmtpWorker]]:
    started: list[SmtpWorker] = []

    def start(*, budget: float) -> SmtpWorker:
        worker = SmtpWorker(broker_url, tmp_path / "worker.log", mail_sink.port, budget)
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    import redis

    redis.Redis.from_url(broker_url).flushdb()
