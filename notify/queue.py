"""Queue a Celery task without holding the caller up on the broker.

For enqueues whose work something else covers when they fail: the deliveries of an
escalation that a web request recorded, a delivery's retry (the delivery sweeper sends
both). A broker that is down refuses at once; one that is frozen, a hung server or a
dropped network, accepts the connection and never answers, and would hold the caller
for the broker's socket timeout. These enqueues use timeouts of their own, a fraction of
a second (`ENQUEUE_TRANSPORT_OPTIONS`), and after a failure this process stops asking
for `ENQUEUE_PAUSE_AFTER_FAILURE`, so a frozen broker costs a web process one short wait,
not one per request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task
from django.conf import settings

log = logging.getLogger(__name__)


class Pause:
    """Until when this process does not ask the broker (a monotonic clock time)."""

    def __init__(self) -> None:
        self.until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self.until

    def start(self) -> None:
        self.until = time.monotonic() + settings.ENQUEUE_PAUSE_AFTER_FAILURE.total_seconds()

    def end(self) -> None:
        self.until = 0.0


PAUSE = Pause()


def enqueue(task: Task, *, args: list[Any] | tuple[Any, ...] = (), **options: Any) -> bool:
    """Queue the task, or return False, having waited at most the short timeouts once,
    when the broker did not take it (or failed less than a pause ago)."""
    if PAUSE.active():
        return False
    try:
        with task.app.connection_for_write(
            transport_options=settings.ENQUEUE_TRANSPORT_OPTIONS
        ) as connection:
            # celery-types leaves out `connection`, which apply_async hands to the producer.
            task.apply_async(  # type: ignore[call-arg]
                args=tuple(args), connection=connection, retry=False, **options
            )
    except Exception as error:  # noqa: BLE001 - any broker failure: a sweeper covers it
        PAUSE.start()
        log.warning("The broker did not take %s (%s); a sweeper will do it", task.name, error)
        return False
    return True
