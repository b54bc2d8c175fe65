"""Delivering recorded messages: each outcome written as its send returns, a time budget
that stops a run and hands the rest on, Celery's soft time limit never swallowed,
attempts capped when claimed, and one Message-ID per message however often it is sent."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notify import attempts, transports
from notify.attempts import Budget, Pace, deliver, retry_overdue_deliveries
from notify.models import Channel, Delivery, Kind, Message, Outcome
from notify.service import Outgoing, send_many
from notify.transports import Transport, email_for
from tests.conftest import enable_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 1, 14, 20, tzinfo=dt.UTC)


class RecordingEmail(Transport):
    """Sends by calling `on_send` first; keeps the key of every message it sent."""

    channel = Channel.EMAIL

    def __init__(self, on_send: Callable[[Message], None]) -> None:
        self.on_send = on_send
        self.sent: list[str] = []

    def send(self, message: Message) -> str:
        self.on_send(message)
        self.sent.append(message.key)
        return "sent"


@pytest.fixture
def email_by(monkeypatch: pytest.MonkeyPatch) -> Callable[..., RecordingEmail]:
    def install(on_send: Callable[[Message], None] = lambda message: None) -> RecordingEmail:
        transport = RecordingEmail(on_send)
        monkeypatch.setattr(attempts, "transport_for", lambda channel: transport)
        return transport

    monkeypatch.setattr(attempts, "schedule_retry", lambda *args, **kwargs: None)
    return install


def waiting_emails(
    user: User, count: int, recorded_ago: dt.timedelta = dt.timedelta(minutes=10)
) -> list[int]:
    """Emails recorded a while ago and never attempted (their worker died, say)."""
    with time_machine.travel(timezone.now() - recorded_ago):
        messages = Message.objects.bulk_create(
            Message(key=f"reminder:{n}", user=user, kind=Kind.REMINDER, title="t", body="b")
            for n in range(count)
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(message=message, channel=Channel.EMAIL, outcome=Outcome.PENDING)
            for message in messages
        )
    return [delivery.pk for delivery in deliveries]


def outcomes() -> list[tuple[str, int]]:
    return list(Delivery.objects.order_by("pk").values_list("outcome", "attempts"))


def test_each_outcome_is_written_before_the_next_email_is_sent(alice, email_by) -> None:
    sent_so_far: list[int] = []

    def check(message: Message) -> None:
        sent_so_far.append(Delivery.objects.filter(outcome=Outcome.SENT).count())

    email_by(check)
    deliver(waiting_emails(alice, 4))
    assert sent_so_far == [0, 1, 2, 3]
    assert outcomes() == [(Outcome.SENT, 1)] * 4


def test_a_run_out_of_time_hands_the_rest_to_the_next_sweep_at_once(
    alice, email_by, settings
) -> None:
    settings.NOTIFY_SEND_BUDGET = dt.timedelta(seconds=0.45)
    transport = email_by(lambda message: time.sleep(0.1))
    ids = waiting_emails(alice, 15, recorded_ago=dt.timedelta(0))  # recorded just now

    started = time.monotonic()
    attempted = deliver(ids)
    assert time.monotonic() - started < 0.8  # sending all fifteen would take 1.5 s
    assert 2 <= attempted <= 4
    sent, left = outcomes()[:attempted], outcomes()[attempted:]
    assert sent == [(Outcome.SENT, 1)] * attempted
    assert left == [(Outcome.PENDING, 0)] * (15 - attempted)  # no attempt counted

    settings.NOTIFY_SEND_BUDGET = dt.timedelta(seconds=30)
    # Due for the sweep at once: neither a lease nor the sweeper's grace to wait out.
    assert retry_overdue_deliveries() == 15 - attempted
    assert sorted(transport.sent) == sorted(f"reminder:{n}" for n in range(15))
    assert outcomes() == [(Outcome.SENT, 1)] * 15


def test_the_runs_of_one_task_share_its_budget(alice, email_by, settings) -> None:
    settings.NOTIFY_SEND_BUDGET = dt.timedelta(seconds=0.25)
    email_by(lambda message: time.sleep(0.1))
    ids = waiting_emails(alice, 10)
    attempts.task_started()  # as the worker does before each task
    try:
        first = deliver(ids[:5])
        second = deliver(ids[5:])
    finally:
        attempts.task_ended()
    assert 1 <= first < 5
    assert second == 0


def test_a_sweep_claims_what_its_budget_can_send_at_the_pace_measured(
    alice, email_by, settings
) -> None:
    settings.NOTIFY_SEND_BUDGET = dt.timedelta(seconds=0.5)
    attempts.PACE.measure(0.1)
    email_by(lambda message: time.sleep(0.1))
    waiting_emails(alice, 20)
    assert retry_overdue_deliveries() <= 5
    claimed = Delivery.objects.exclude(outcome=Outcome.PENDING).count()
    assert claimed <= 5  # not all 20, to hand back later


def test_the_soft_time_limit_stops_the_run_and_reaches_the_task(alice, email_by) -> None:
    def limit_on_third(message: Message) -> None:
        if message.key == "reminder:2":
            raise SoftTimeLimitExceeded

    email_by(limit_on_third)
    with pytest.raises(SoftTimeLimitExceeded):
        deliver(waiting_emails(alice, 5))
    assert outcomes() == [
        (Outcome.SENT, 1),
        (Outcome.SENT, 1),
        (Outcome.RETRY, 1),  # cut off mid-send: tried again, as a killed worker's would be
        (Outcome.PENDING, 0),
        (Outcome.PENDING, 0),
    ]
    cut_off = Delivery.objects.get(message__key="reminder:2")
    assert cut_off.detail == "cut off by the task's time limit while sending"


def test_the_soft_time_limit_is_not_swallowed_after_commit(alice, email_by) -> None:
    def limit(message: Message) -> None:
        raise SoftTimeLimitExceeded

    email_by(limit)
    reminder = Outgoing(alice, Kind.REMINDER, "reminder:k", "t", "b", "/", [Channel.EMAIL])
    with pytest.raises(SoftTimeLimitExceeded):
        send_many(outgoing=[reminder])
    assert Message.objects.filter(key="reminder:k").exists()  # recorded, for the sweeper


def test_the_mail_transport_lets_the_soft_time_limit_through(
    alice, monkeypatch: pytest.MonkeyPatch
) -> None:
    class OutOfTime:
        def open(self) -> None:
            return None

        def close(self) -> None:
            return None

        def send_messages(self, emails: list) -> int:
            raise SoftTimeLimitExceeded

    monkeypatch.setattr(transports, "mailers", type("Mailers", (), {"default": OutOfTime()}))
    message = Message.objects.create(key="k", user=alice, kind=Kind.REMINDER, title="t", body="b")
    with pytest.raises(SoftTimeLimitExceeded), transports.EmailTransport().sending() as send:
        send(message)


def test_a_row_claimed_five_times_without_an_outcome_is_given_up(alice, email_by) -> None:
    transport = email_by()
    ids = waiting_emails(alice, 2)
    Delivery.objects.filter(pk=ids[0]).update(attempts=attempts.MAX_ATTEMPTS)  # killed 5 times
    Delivery.objects.filter(pk=ids[1]).update(attempts=attempts.MAX_ATTEMPTS - 1)

    assert retry_overdue_deliveries() == 1
    given_up, last_try = Delivery.objects.get(pk=ids[0]), Delivery.objects.get(pk=ids[1])
    assert (given_up.outcome, given_up.attempts) == (Outcome.FAILED, attempts.MAX_ATTEMPTS)
    assert given_up.detail == "given up after 5 attempts; the last one never finished"
    assert (last_try.outcome, last_try.attempts) == (Outcome.SENT, attempts.MAX_ATTEMPTS)
    assert transport.sent == ["reminder:1"]
    assert attempts.attempt_delivery(ids[0]) is None


def test_a_retry_task_does_not_claim_a_row_past_the_cap(alice, email_by) -> None:
    transport = email_by()
    [pk] = waiting_emails(alice, 1)
    Delivery.objects.filter(pk=pk).update(outcome=Outcome.RETRY, attempts=attempts.MAX_ATTEMPTS)
    assert attempts.attempt_delivery(pk) is None
    assert Delivery.objects.get(pk=pk).outcome == Outcome.FAILED
    assert transport.sent == []


def test_a_given_up_delivery_is_listed_as_failed_in_the_admin(client, admin_user, alice):
    [pk] = waiting_emails(alice, 1)
    Delivery.objects.filter(pk=pk).update(attempts=attempts.MAX_ATTEMPTS)
    retry_overdue_deliveries()
    enable_second_factor(admin_user)
    client.force_login(admin_user)

    page = client.get(reverse("admin:notify_delivery_changelist"), {"outcome__exact": "failed"})
    assert page.status_code == 200
    assert "given up after 5 attempts; the last one never finished" in page.content.decode()
    assert "reminder:0" in page.content.decode()


def test_batches_are_sized_from_the_measured_send_time() -> None:
    pace, budget = Pace(), Budget(dt.timedelta(seconds=10))
    assert pace.batch_for(budget) == attempts.FIRST_BATCH  # nothing timed yet
    pace.measure(0.5)
    assert pace.batch_for(budget) in (19, 20)
    pace.measure(1.5)  # the server slows down: a moving average, 0.8 s
    assert pace.batch_for(budget) in (12, 13)
    fast = Pace()
    fast.measure(0.0001)
    assert fast.batch_for(budget) == attempts.MAX_BATCH


def test_every_attempt_at_a_message_carries_the_same_message_id(alice: User) -> None:
    message = Message.objects.create(
        key="reminder:7:2026-01-14", user=alice, kind=Kind.REMINDER, title="t", body="b"
    )
    other = Message.objects.create(
        key="reminder:7:2026-01-15", user=alice, kind=Kind.REMINDER, title="t", body="b"
    )
    first, again = email_for(message).message(), email_for(message).message()
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"] != email_for(other).message()["Message-ID"]
    # Nothing in it says who the message is for or what it is about.
    assert re.fullmatch(r"<[0-9a-f]{32}@upright\.invalid>", first["Message-ID"])


def test_the_email_sent_carries_that_message_id(alice: User) -> None:
    send_many(outgoing=[Outgoing(alice, Kind.REMINDER, "reminder:k", "t", "b", "/", ["email"])])
    [sent] = mail.outbox
    expected = email_for(Message.objects.get(key="reminder:k")).message()["Message-ID"]
    assert sent.message()["Message-ID"] == expected


def test_one_email_sends_on_its_own_and_raises_what_went_wrong(alice: User) -> None:
    message = Message.objects.create(key="k", user=alice, kind=Kind.REMINDER, title="t", body="b")
    assert transports.EmailTransport().send(message) == "sent to the mail server"
    assert [email.to for email in mail.outbox] == [[alice.email]]
    User.objects.filter(pk=alice.pk).update(email="")
    with pytest.raises(transports.PermanentError, match="no email address"):
        transports.EmailTransport().send(Message.objects.select_related("user").get(key="k"))
