"""`send`: one message per key, delivered after commit, retried with backoff, swept."""

from __future__ import annotations

import datetime as dt
import email.policy as email_policy
import re
import smtplib
from email.headerregistry import HeaderRegistry

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction

from accounts.models import User
from notify import attempts, transports
from notify.attempts import retry_overdue_deliveries
from notify.models import Channel, Delivery, Kind, Message, Outcome
from notify.service import send, unread_count
from notify.transports import (
    EMAIL_POLICY,
    PermanentError,
    TransientError,
    Transport,
    email_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 1, 14, 20, tzinfo=dt.UTC)


def send_reminder(user: User, channels: list[str], key: str = "reminder:test") -> Message | None:
    return send(
        user=user,
        kind=Kind.REMINDER,
        key=key,
        title="Time for today's diary",
        body="How is your back today?",
        url="/today/",
        channels=channels,
    )


class FailingEmail(Transport):
    """Fails with `error` the first `failures` times, then sends."""

    channel = Channel.EMAIL

    def __init__(self, error: Exception, failures: int) -> None:
        self.error = error
        self.failures = failures
        self.calls = 0

    def send(self, message: Message) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "sent"


@pytest.fixture
def retries(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dt.timedelta]]:
    scheduled: list[tuple[int, dt.timedelta]] = []
    monkeypatch.setattr(
        attempts, "schedule_retry", lambda pk, after, urgent: scheduled.append((pk, after))
    )
    return scheduled


@pytest.fixture
def failing_email(monkeypatch: pytest.MonkeyPatch):
    def install(error: Exception, failures: int = 100) -> FailingEmail:
        transport = FailingEmail(error, failures)
        real = attempts.transport_for
        monkeypatch.setattr(
            attempts,
            "transport_for",
            lambda channel: transport if channel == Channel.EMAIL else real(channel),
        )
        return transport

    return install


def recorded_message(user: User, key: str = "k") -> Message:
    return Message.objects.create(key=key, user=user, kind=Kind.REMINDER, title="t", body="b")


def delivery(message: Message | None, channel: str) -> Delivery:
    assert message is not None, "the message was sent"
    return Delivery.objects.get(message=message, channel=channel)


def test_a_message_is_listed_and_emailed(alice: User) -> None:
    message = send_reminder(alice, [Channel.IN_APP, Channel.EMAIL])
    assert message is not None
    assert delivery(message, Channel.IN_APP).outcome == Outcome.SENT
    assert delivery(message, Channel.EMAIL).outcome == Outcome.SENT
    assert delivery(message, Channel.EMAIL).attempts == 1
    assert [email.subject for email in mail.outbox] == ["Time for today's diary"]
    assert f"{settings.SITE_URL}/today/" in mail.outbox[0].body
    assert unread_count(alice) == 1


def test_the_same_key_sends_nothing_the_second_time(alice: User) -> None:
    assert send_reminder(alice, [Channel.IN_APP, Channel.EMAIL]) is not None
    assert send_reminder(alice, [Channel.IN_APP, Channel.EMAIL]) is None
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_delivered_before_the_callers_transaction_commits(alice: User) -> None:
    with transaction.atomic():
        message = send_reminder(alice, [Channel.EMAIL])
        assert delivery(message, Channel.EMAIL).outcome == Outcome.PENDING
        assert mail.outbox == []
    assert delivery(message, Channel.EMAIL).outcome == Outcome.SENT
    assert len(mail.outbox) == 1


def test_a_rolled_back_transaction_leaves_no_message_and_sends_nothing(alice: User) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        send_reminder(alice, [Channel.EMAIL])
        raise RuntimeError
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_message_not_sent_in_app_does_not_count_as_unread(alice: User) -> None:
    send_reminder(alice, [Channel.EMAIL])
    assert unread_count(alice) == 0
    assert Message.objects.get().read_at is not None


def test_a_transient_failure_is_retried_after_30_seconds(alice, failing_email, retries) -> None:
    failing_email(TransientError("mail server timed out"))
    with time_machine.travel(NOW, tick=False):
        message = send_reminder(alice, [Channel.IN_APP, Channel.EMAIL])
    email = delivery(message, Channel.EMAIL)
    assert (email.outcome, email.attempts) == (Outcome.RETRY, 1)
    assert email.detail == "mail server timed out"
    assert email.next_attempt_at == NOW + dt.timedelta(seconds=30)
    assert retries == [(email.pk, dt.timedelta(seconds=30))]
    assert delivery(message, Channel.IN_APP).outcome == Outcome.SENT


def test_a_permanent_failure_is_not_retried(alice, failing_email, retries) -> None:
    failing_email(PermanentError("no email address"))
    message = send_reminder(alice, [Channel.EMAIL])
    email = delivery(message, Channel.EMAIL)
    assert (email.outcome, email.attempts) == (Outcome.FAILED, 1)
    assert retries == []


def test_an_unexpected_error_is_retried_like_a_transient_one(alice, failing_email, retries):
    failing_email(KeyError("surprise"))
    message = send_reminder(alice, [Channel.EMAIL])
    assert delivery(message, Channel.EMAIL).outcome == Outcome.RETRY
    assert len(retries) == 1


def test_retries_back_off_exponentially_and_give_up_after_five_attempts(
    alice, failing_email, retries
) -> None:
    transport = failing_email(TransientError("503"))
    with time_machine.travel(NOW, tick=False) as clock:
        message = send_reminder(alice, [Channel.EMAIL])
        email = delivery(message, Channel.EMAIL)
        for _ in range(10):
            clock.shift(attempts.LONGEST_BACKOFF)  # each retry task runs when it is due
            attempts.attempt_delivery(email.pk)
    email.refresh_from_db()
    assert (email.outcome, email.attempts, transport.calls) == (Outcome.FAILED, 5, 5)
    assert [after.total_seconds() for _, after in retries] == [30, 60, 120, 240]


def test_a_retry_task_that_comes_late_leaves_the_row_to_the_sweeper_that_took_it(
    alice, failing_email, retries
) -> None:
    transport = failing_email(TransientError("503"), failures=1)
    with time_machine.travel(NOW, tick=False) as clock:
        message = send_reminder(alice, [Channel.EMAIL])
        email = delivery(message, Channel.EMAIL)
        clock.shift(dt.timedelta(minutes=3))  # the retry task is stuck behind a backlog
        assert attempts.claim_due([email.pk]) != []  # the sweeper takes the row meanwhile
        assert attempts.attempt_delivery(email.pk) is None
    assert transport.calls == 1


def test_backoff_never_exceeds_fifteen_minutes() -> None:
    assert attempts.backoff_after(1) == dt.timedelta(seconds=30)
    assert attempts.backoff_after(30) == dt.timedelta(minutes=15)


def test_a_sent_delivery_is_never_attempted_again(alice: User) -> None:
    message = send_reminder(alice, [Channel.EMAIL])
    assert attempts.attempt_delivery(delivery(message, Channel.EMAIL).pk) is None
    assert len(mail.outbox) == 1


def test_the_sweeper_delivers_what_a_dead_worker_left_pending(alice: User) -> None:
    # A worker recorded the message, then was killed before its after-commit delivery.
    with time_machine.travel(NOW, tick=False):
        message = recorded_message(alice)
        Delivery.objects.create(message=message, channel=Channel.EMAIL, outcome=Outcome.PENDING)

    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        assert retry_overdue_deliveries() == 0  # the normal path may still be on it
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        assert retry_overdue_deliveries() == 1
    assert delivery(message, Channel.EMAIL).outcome == Outcome.SENT
    assert len(mail.outbox) == 1


def test_one_sweep_drains_a_backlog_bigger_than_a_chunk(alice: User) -> None:
    # A worker killed mid-wave can leave hundreds of rows: one sweep takes them all, a
    # batch at a time, rather than a few hundred a minute.
    backlog = attempts.MAX_BATCH + 1
    with time_machine.travel(NOW, tick=False):
        messages = Message.objects.bulk_create(
            Message(key=f"reminder:{n}", user=alice, kind=Kind.REMINDER, title="t", body="b")
            for n in range(backlog)
        )
        Delivery.objects.bulk_create(
            Delivery(message=message, channel=Channel.EMAIL, outcome=Outcome.PENDING)
            for message in messages
        )
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        assert retry_overdue_deliveries() == backlog
        assert retry_overdue_deliveries() == 0
    assert set(Delivery.objects.values_list("outcome", flat=True)) == {Outcome.SENT}
    assert len(mail.outbox) == backlog


def test_a_sweep_stops_taking_batches_once_its_time_budget_is_spent(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attempts, "FIRST_BATCH", 2)
    with time_machine.travel(NOW, tick=False):
        for n in range(5):
            Delivery.objects.create(
                message=recorded_message(alice, key=f"reminder:{n}"),
                channel=Channel.EMAIL,
                outcome=Outcome.PENDING,
            )
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        assert retry_overdue_deliveries(budget=dt.timedelta(0)) == 0
        assert Delivery.objects.filter(outcome=Outcome.PENDING).count() == 5
        assert retry_overdue_deliveries() == 5


def test_the_sweeper_retries_an_attempt_whose_worker_died_once_its_lease_runs_out(
    alice: User,
) -> None:
    with time_machine.travel(NOW, tick=False):
        message = recorded_message(alice)
        Delivery.objects.create(
            message=message,
            channel=Channel.EMAIL,
            outcome=Outcome.PENDING,
            attempts=1,  # claimed by a worker that then died
            next_attempt_at=NOW + attempts.ATTEMPT_LEASE,
        )
    with time_machine.travel(NOW + dt.timedelta(minutes=4), tick=False):
        assert retry_overdue_deliveries() == 0
    with time_machine.travel(NOW + dt.timedelta(minutes=7), tick=False):
        assert retry_overdue_deliveries() == 1
    email = delivery(message, Channel.EMAIL)
    assert (email.outcome, email.attempts) == (Outcome.SENT, 2)


def test_the_sweeper_retries_a_retry_the_broker_never_got(alice, failing_email, retries):
    transport = failing_email(TransientError("timeout"), failures=1)
    with time_machine.travel(NOW, tick=False):
        message = send_reminder(alice, [Channel.EMAIL])
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert retry_overdue_deliveries() == 1
    email = delivery(message, Channel.EMAIL)
    assert (email.outcome, email.attempts, transport.calls) == (Outcome.SENT, 2, 2)


def test_a_physiotherapists_email_carries_no_patient_advice(physio: User) -> None:
    send(
        user=physio,
        kind=Kind.PHYSIO_ALERT,
        key="physio_alert:test",
        title="A patient who shares their diary with you has an urgent flag",
        body="A patient who shares their diary with you has an urgent flag",
        url="/",
        channels=[Channel.EMAIL],
    )
    text = mail.outbox[0].body
    assert "emergency" not in text
    assert "chose to share their Upright diary with you" in text


def test_an_urgent_retry_is_queued_on_the_escalations_queue(
    physio, failing_email, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notify.tasks import retry_delivery

    queued: list[dict[str, object]] = []
    monkeypatch.setattr(retry_delivery, "apply_async", lambda **options: queued.append(options))
    failing_email(TransientError("mail server timed out"))
    send(
        user=physio,
        kind=Kind.PHYSIO_ALERT,
        key="physio_alert:test",
        title="t",
        body="b",
        url="/",
        channels=[Channel.EMAIL],
    )
    [options] = queued
    assert (options["queue"], options["countdown"]) == ("escalations", 30)


@pytest.mark.parametrize(
    ("kind", "queue"), [(Kind.ESCALATION, "escalations"), (Kind.REMINDER, None)]
)
def test_on_worker_the_deliveries_are_queued_for_a_worker_once_committed_and_not_sent_here(
    alice, kind, queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notify.tasks import deliver

    queued: list[dict[str, object]] = []
    monkeypatch.setattr(deliver, "apply_async", lambda **options: queued.append(options))
    with transaction.atomic():
        message = send(user=alice, kind=kind, key="k", title="t", body="b", url="/",
                       channels=[Channel.IN_APP, Channel.EMAIL], on_worker=True)  # fmt: skip
        assert queued == []
    [options] = queued
    assert options["args"] == ([delivery(message, Channel.EMAIL).pk],)
    assert options["queue"] == queue
    assert mail.outbox == []
    assert delivery(message, Channel.EMAIL).outcome == Outcome.PENDING
    assert delivery(message, Channel.IN_APP).outcome == Outcome.SENT


def test_a_retry_the_broker_refuses_is_left_for_the_sweeper(alice, failing_email) -> None:
    failing_email(TransientError("mail server timed out"))
    message = send_reminder(alice, [Channel.EMAIL])  # the test broker is unreachable
    assert delivery(message, Channel.EMAIL).outcome == Outcome.RETRY


def without_date_id_and_boundaries(raw: bytes) -> bytes:
    raw = re.sub(rb"=+\d+==", b"BOUNDARY", raw)
    return re.sub(rb"(Date|Message-ID): [^\n]*", b"", raw)


def test_an_email_is_built_exactly_as_under_pythons_default_policy(alice: User) -> None:
    message = Message.objects.create(
        key="k", user=alice, kind=Kind.SUMMARY, title="Your week: «better» ✓", body="Body\n" * 3
    )
    for _ in range(2):  # the second time with the header classes already made
        email = email_for(message)
        ours, standard = email.message(), email.message(policy=email_policy.default)
        assert isinstance(ours.policy, email_policy.EmailPolicy)
        assert ours.policy.header_factory is EMAIL_POLICY.header_factory
        assert without_date_id_and_boundaries(ours.as_bytes()) == without_date_id_and_boundaries(
            standard.as_bytes()
        )
    registry = EMAIL_POLICY.header_factory
    assert isinstance(registry, HeaderRegistry)
    assert registry["Subject"] is registry["subject"]


class SilentMailServer:
    """A mail backend whose server never answers: each send waits out the timeout."""

    def __init__(self, error: Exception) -> None:
        self.error, self.sends = error, 0

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send_messages(self, emails: list) -> int:
        self.sends += 1
        raise self.error


@pytest.mark.parametrize(
    ("error", "sends"),
    [(TimeoutError("timed out"), 1), (smtplib.SMTPDataError(452, "mailbox busy"), 3)],
)
def test_a_server_that_does_not_answer_is_waited_for_once_per_batch(
    alice: User, monkeypatch: pytest.MonkeyPatch, error: Exception, sends: int
) -> None:
    server = SilentMailServer(error)
    monkeypatch.setattr(transports, "mailers", type("Mailers", (), {"default": server}))
    messages = [recorded_message(alice, key=f"k{n}") for n in range(3)]

    with transports.EmailTransport().sending() as send:
        results = [send(message) for message in messages]

    # One refused email does not stop the others; a server that is not there does.
    assert server.sends == sends
    assert all(isinstance(result, TransientError) for result in results)
