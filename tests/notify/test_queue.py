"""`enqueue`: a broker that does not answer holds the caller up a fraction of a second,
once, and is then left alone for a while; the sweepers do the work later."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from notify.queue import enqueue
from notify.tasks import sweep_deliveries
from tests.conftest import UNREACHABLE_BROKER, point_celery_at
from tests.notify.frozen_broker import FrozenBroker, frozen_broker


@pytest.fixture
def frozen() -> Iterator[FrozenBroker]:
    from config.celery import app

    with frozen_broker() as broker:
        point_celery_at(app, broker.url)
        yield broker
        point_celery_at(app, UNREACHABLE_BROKER)


def timed_enqueue() -> tuple[bool, float]:
    started = time.monotonic()
    queued = enqueue(sweep_deliveries)
    return queued, time.monotonic() - started


def test_a_frozen_broker_costs_well_under_a_second_and_nothing_is_raised(frozen) -> None:
    queued, seconds = timed_enqueue()
    assert queued is False
    assert seconds < 0.75
    assert frozen.connections == 1


def test_after_a_failure_the_broker_is_not_asked_again_for_a_while(frozen) -> None:
    timed_enqueue()
    queued, seconds = timed_enqueue()
    assert queued is False
    assert seconds < 0.05
    assert frozen.connections == 1


def test_once_the_pause_is_over_the_broker_is_asked_again(frozen, settings) -> None:
    settings.ENQUEUE_PAUSE_AFTER_FAILURE = dt.timedelta(0)
    timed_enqueue()
    timed_enqueue()
    assert frozen.connections == 2


def test_a_broker_that_is_down_refuses_at_once() -> None:
    queued, seconds = timed_enqueue()  # the tests' broker is a closed port
    assert queued is False
    assert seconds < 0.5
