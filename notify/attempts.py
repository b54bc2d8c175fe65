"""Attempting recorded deliveries: claim, send, record each outcome, retry, sweep.

The waiting rows are claimed in batches (their attempt count up, their next attempt one
lease ahead; rows another worker holds are skipped), then attempted channel by channel,
emails over one connection to the mail server, each outcome written to its row as soon
as the send returns. A transient failure (a server that did not answer) is retried with
exponential backoff by `notify.tasks.retry_delivery`, which claims its row once it is
due; a permanent one (no address, a subscription that is gone) is not.

Time. A run (the deliveries of one chunk, one sweep; all runs in one task share it) has
a time budget, `settings.NOTIFY_SEND_BUDGET`, below Celery's soft time limit. It claims
what the budget can send at the pace it measured (a few first, to time them), starts no
send the budget has no time for, and releases the rest of its claim at once for the
next sweep. Should the soft time limit come anyway, it records what it sent, releases
the rest, and lets the exception end the task. Attempts are counted when a row is
claimed, so a row whose attempts never finish (its worker killed each time) is given up
after MAX_ATTEMPTS instead of cycling forever; it shows as failed in the delivery log
and the admin.

What is guaranteed. Each channel other than in-app is attempted until it is sent or
given up, at least once: a worker killed after the mail server took an email but before
its row said so (the one email in flight per worker process) sends it again once its
lease runs out, with the same Message-ID, so mail clients show it once. Rows a killed
worker claimed but had not started are sent after the lease, never twice. A worker
killed before delivering, or a retry that could not be queued because the broker was
down, leaves a pending or retry row whose next attempt is overdue:
`retry_overdue_deliveries` (`notify.tasks.sweep_deliveries`, every minute) takes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from notify.models import Delivery, Kind, Outcome
from notify.queue import enqueue
from notify.transports import PermanentError, TransientError, transport_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_BACKOFF = dt.timedelta(seconds=30)
LONGEST_BACKOFF = dt.timedelta(minutes=15)  # well inside the broker's visibility timeout
# Longer than a run holds its claim (its time budget, then one send's timeout at most), so
# a live attempt is never swept; a killed one is retried once the lease has run out.
ATTEMPT_LEASE = dt.timedelta(minutes=5)
# The scheduled retry task goes first; the sweeper only takes what it missed.
SWEEP_GRACE = dt.timedelta(minutes=1)
# A retry task may start a moment before its row is due (another machine's clock).
RETRY_EARLY = dt.timedelta(seconds=5)
WAITING = (Outcome.PENDING, Outcome.RETRY)
URGENT_KINDS = frozenset({Kind.ESCALATION, Kind.PHYSIO_ALERT})
ESCALATIONS_QUEUE = "escalations"
# Deliveries claimed together: a few to time the channels, then what the time budget can
# send at the pace measured, never more than MAX_BATCH.
FIRST_BATCH = 10
MAX_BATCH = 500


class Budget:
    """The time one delivery run may spend sending: a reminder chunk's emails, one sweep.

    Well inside Celery's soft time limit (less one mail server timeout), so a send is never
    cut off by it; a run that cannot finish in time stops starting sends and hands the
    rest to the next sweep.
    """

    def __init__(self, duration: dt.timedelta | None = None) -> None:
        duration = settings.NOTIFY_SEND_BUDGET if duration is None else duration
        self.stop_at = time.monotonic() + duration.total_seconds()

    def remaining(self) -> float:
        return self.stop_at - time.monotonic()

    def has_time_for_one(self) -> bool:
        """Whether one more attempt, as long as they have been taking, ends in time."""
        return self.remaining() > PACE.seconds_per_attempt


class Pace:
    """How long one attempt takes in this process (a moving average of measured sends),
    so that a run claims what its budget can send, not a fixed number."""

    def __init__(self) -> None:
        self.seconds_per_attempt = 0.0
        self.measured = False

    def measure(self, seconds: float) -> None:
        if self.measured:
            seconds = 0.7 * self.seconds_per_attempt + 0.3 * seconds
        self.seconds_per_attempt, self.measured = seconds, True

    def batch_for(self, budget: Budget) -> int:
        """How many deliveries to claim next: a few to time them, then what fits."""
        if not self.measured:
            return FIRST_BATCH
        fits = budget.remaining() / max(self.seconds_per_attempt, 1e-4)
        return max(1, min(MAX_BATCH, int(fits)))


PACE = Pace()
_task = threading.local()


def task_started() -> None:
    """A Celery task begins: every delivery run in it shares one budget, so that a task
    delivering several batches (a chunk of summaries, a batch of escalations) stays
    inside its time limit as a whole."""
    _task.budget = Budget()


def task_ended() -> None:
    _task.budget = None


def current_budget() -> Budget:
    """The running task's budget, or a budget of its own outside a task."""
    return getattr(_task, "budget", None) or Budget()


def deliver(delivery_ids: Iterable[int], budget: Budget | None = None) -> int:
    """Claim these deliveries, those still waiting and due, and attempt each once within
    the time budget, a batch at a time; what the budget leaves is due for the next sweep
    at once. Returns how many were attempted."""
    budget = budget or current_budget()
    remaining = list(delivery_ids)
    attempted = 0
    while remaining and budget.has_time_for_one():
        size = PACE.batch_for(budget)
        attempted += len(attempt_claimed(claim_due(remaining[:size]), budget))
        remaining = remaining[size:]
    hand_on(remaining)
    return attempted


def hand_on(delivery_ids: list[int]) -> None:
    """Make deliveries this run had no time to claim due for the next sweep at once."""
    if delivery_ids:
        now = timezone.now()
        Delivery.objects.filter(
            pk__in=delivery_ids, outcome__in=WAITING, next_attempt_at__lte=now
        ).update(next_attempt_at=now - SWEEP_GRACE)


def attempt_claimed(claimed: Sequence[Delivery], budget: Budget) -> list[Outcome]:
    """Attempt each claimed delivery once, channel by channel, and record its outcome as
    soon as it is known: a worker killed mid-batch leaves at most the one in flight
    unknown. Stops once the budget has no time for another attempt, or at Celery's soft
    time limit, and releases what it did not attempt at once."""
    unattempted = {delivery.pk: delivery for delivery in claimed}
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in claimed:
        by_channel[delivery.channel].append(delivery)
    outcomes: list[Outcome] = []
    in_flight: Delivery | None = None
    result: str | Exception | None = None
    try:
        for channel, deliveries in by_channel.items():
            with transport_for(channel).sending() as send:
                for delivery in deliveries:
                    if not budget.has_time_for_one():
                        break
                    in_flight, result = unattempted.pop(delivery.pk), None
                    started = time.monotonic()
                    result = send(delivery.message)
                    outcomes.append(record(delivery, *outcome_of(delivery, result)))
                    in_flight = None
                    PACE.measure(time.monotonic() - started)
    except SoftTimeLimitExceeded:
        if in_flight is not None:
            known = outcome_of(in_flight, result) if result is not None else INTERRUPTED
            record(in_flight, *known)
        raise
    finally:
        release(list(unattempted.values()))
    return outcomes


class AlreadyTaken(Exception):
    """Another worker took one of the deliveries being claimed."""


def claim_due(delivery_ids: Iterable[int], due_by: dt.datetime | None = None) -> list[Delivery]:
    """Take the waiting, due deliveries among these for one attempt: their attempt count
    goes up and their next attempt one lease ahead, so nobody attempts them meanwhile.

    Attempts are counted here, not when an outcome is written: a delivery claimed
    MAX_ATTEMPTS times already (its workers killed, say) is given up, not claimed again.

    Deliveries with the same attempt count are taken with one conditional UPDATE, which
    must change every row read. When one does not (another worker took some of them),
    that attempt is rolled back and each row is taken on its own: an UPDATE on its
    attempt count that must change exactly one row.
    """
    now = timezone.now()
    due = Delivery.objects.filter(
        pk__in=list(delivery_ids), outcome__in=WAITING, next_attempt_at__lte=due_by or now
    )
    give_up(due.filter(attempts__gte=MAX_ATTEMPTS), now)
    waiting = list(
        due.filter(attempts__lt=MAX_ATTEMPTS).select_related("message__user").order_by("pk")
    )
    alike: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in waiting:
        alike[delivery.attempts].append(delivery)
    try:
        with transaction.atomic():
            for attempts, group in alike.items():
                if _take([d.pk for d in group], attempts, now) != len(group):
                    raise AlreadyTaken
        claimed = waiting
    except AlreadyTaken:
        claimed = [d for d in waiting if _take([d.pk], d.attempts, now) == 1]
    for delivery in claimed:
        delivery.attempts += 1
    return claimed


def give_up(deliveries: QuerySet[Delivery], now: dt.datetime) -> None:
    given_up = deliveries.update(
        outcome=Outcome.FAILED,
        detail=f"given up after {MAX_ATTEMPTS} attempts; the last one never finished",
        updated_at=now,
    )
    if given_up:
        log.warning("Gave up %s deliveries whose attempts never finished", given_up)


def _take(pks: list[int], attempts: int, now: dt.datetime) -> int:
    return Delivery.objects.filter(pk__in=pks, outcome__in=WAITING, attempts=attempts).update(
        attempts=attempts + 1, next_attempt_at=now + ATTEMPT_LEASE, updated_at=now
    )


def release(deliveries: Sequence[Delivery]) -> None:
    """Hand back claimed deliveries this run did not attempt: their claim uncounted, and
    due at once, past the sweep grace, so the next sweep takes them."""
    now = timezone.now()
    alike: dict[int, list[int]] = defaultdict(list)
    for delivery in deliveries:
        alike[delivery.attempts].append(delivery.pk)
    for attempts, pks in alike.items():
        Delivery.objects.filter(pk__in=pks, outcome__in=WAITING, attempts=attempts).update(
            attempts=attempts - 1, next_attempt_at=now - SWEEP_GRACE, updated_at=now
        )


def attempt_delivery(delivery_id: int) -> Outcome | None:
    """Claim one waiting delivery that is due and attempt it once. None when there was
    nothing to claim: already sent, given up, or not due, because another worker (the
    sweeper, when this retry came late) holds it."""
    claimed = claim_due([delivery_id], due_by=timezone.now() + RETRY_EARLY)
    outcomes = attempt_claimed(claimed, current_budget()) if claimed else []
    return outcomes[0] if outcomes else None


def outcome_of(delivery: Delivery, result: str | Exception) -> tuple[Outcome, str]:
    """What an attempt's result means: sent; a transient failure, retried; a permanent
    one, not; anything else (a bug, an unexpected library error) retried, then given up."""
    if isinstance(result, str):
        return Outcome.SENT, result
    if isinstance(result, TransientError):
        return Outcome.RETRY, str(result)
    if isinstance(result, PermanentError):
        return Outcome.FAILED, str(result)
    log.error("Delivery %s by %s failed", delivery.pk, delivery.channel, exc_info=result)
    return Outcome.RETRY, f"unexpected {type(result).__name__}"


# An attempt cut off by the soft time limit mid-send: the server may or may not have it.
INTERRUPTED = (Outcome.RETRY, "cut off by the task's time limit while sending")


def record(delivery: Delivery, outcome: Outcome, detail: str) -> Outcome:
    """Write one attempt's outcome to the delivery log as soon as it is known, and queue
    the retry. A retry after MAX_ATTEMPTS gives up instead.

    One UPDATE per email of a wave, so it is written in SQL: Django takes four times as
    long to build the query as the database takes to run it (0.67 against 0.14 ms).
    """
    if outcome == Outcome.RETRY and delivery.attempts >= MAX_ATTEMPTS:
        outcome = Outcome.FAILED
    finished = timezone.now()
    as_column = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            RECORD_OUTCOME,
            [
                outcome,
                detail[:300],
                as_column(finished),
                as_column(finished + backoff_after(delivery.attempts)),
                delivery.pk,
                delivery.attempts,  # unless a later claim took the row meanwhile
            ],
        )
    if outcome == Outcome.RETRY:
        backoff = backoff_after(delivery.attempts)
        schedule_retry(delivery.pk, backoff, urgent=delivery.message.kind in URGENT_KINDS)
    return outcome


RECORD_OUTCOME = (
    f"UPDATE {connection.ops.quote_name(Delivery._meta.db_table)} "
    "SET outcome = %s, detail = %s, updated_at = %s, next_attempt_at = %s "
    "WHERE id = %s AND attempts = %s"
)


def backoff_after(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min... never more than 15 minutes."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), LONGEST_BACKOFF)


def schedule_retry(delivery_id: int, backoff: dt.timedelta, *, urgent: bool = False) -> None:
    """Queue the next attempt; an urgent one on the escalations queue, so that it never
    waits behind a minute's worth of reminders. A broker that does not take it leaves
    the row to the sweeper."""
    from notify.tasks import retry_delivery

    enqueue(
        retry_delivery,
        args=[delivery_id],
        countdown=int(backoff.total_seconds()),
        queue=ESCALATIONS_QUEUE if urgent else None,
    )


def retry_overdue_deliveries(
    now: dt.datetime | None = None, budget: dt.timedelta | None = None
) -> int:
    """Attempt deliveries whose next attempt is overdue: never attempted (the worker died
    after recording), retries that were never queued, attempts whose worker died, and
    what a run out of time released.

    Drains the backlog a batch at a time (a dead worker can leave thousands), until
    nothing overdue is left or the time budget is spent; the next sweep goes on from there.
    Each claim moves its row's next attempt into the future, so no row is taken twice.
    """
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    run = current_budget() if budget is None else Budget(budget)
    swept = 0
    while run.has_time_for_one():
        overdue = list(
            Delivery.objects.filter(outcome__in=WAITING, next_attempt_at__lte=cutoff)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[: PACE.batch_for(run)]
        )
        if not overdue:
            break
        swept += len(attempt_claimed(claim_due(overdue), run))
    return swept
