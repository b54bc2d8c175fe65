"""`send_many`: `send` for a batch, with the same guarantees, and emails over one connection."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from notify import transports
from notify.models import Channel, Delivery, Kind, Message, Outcome
from notify.service import Outgoing, send, send_many

pytestmark = pytest.mark.django_db(transaction=True)


def reminder(user: User, channels: tuple[str, ...] = (Channel.IN_APP, Channel.EMAIL)) -> Outgoing:
    return Outgoing(
        user=user,
        kind=Kind.REMINDER,
        key=f"reminder:{user.pk}:2026-01-14",
        title="Time for today's diary",
        body="How is your back today?",
        url="/today/",
        channels=list(channels),
    )


def outcomes(user: User) -> dict[str, str]:
    return dict(Delivery.objects.filter(message__user=user).values_list("channel", "outcome"))


def test_each_person_gets_one_message_listed_and_emailed(alice: User, bob: User) -> None:
    sent = send_many(outgoing=[reminder(alice), reminder(bob)])
    assert {message.user for message in sent} == {alice, bob}
    assert (
        outcomes(alice)
        == outcomes(bob)
        == {Channel.IN_APP: Outcome.SENT, Channel.EMAIL: Outcome.SENT}
    )
    assert sorted(email.to[0] for email in mail.outbox) == [alice.email, bob.email]


def test_keys_already_sent_send_nothing_again(alice: User, bob: User) -> None:
    send(**reminder(alice).__dict__)
    sent = send_many(outgoing=[reminder(alice), reminder(bob)])
    assert [message.user for message in sent] == [bob]
    assert Message.objects.filter(user=alice).count() == 1
    assert [email.to[0] for email in mail.outbox] == [alice.email, bob.email]


def test_nothing_is_delivered_before_the_callers_transaction_commits(alice: User) -> None:
    with transaction.atomic():
        send_many(outgoing=[reminder(alice, (Channel.EMAIL,))])
        assert outcomes(alice) == {Channel.EMAIL: Outcome.PENDING}
        assert mail.outbox == []
    assert outcomes(alice) == {Channel.EMAIL: Outcome.SENT}


def test_recording_a_batch_costs_the_same_queries_for_two_people_or_twenty(db: None) -> None:
    # Delivering costs one write per email more: each outcome is recorded as it happens.
    def record(count: int, prefix: str) -> int:
        people = User.objects.bulk_create(
            [User(email=f"{prefix}{n}@example.com", password="!") for n in range(count)]
        )
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            send_many(outgoing=[reminder(person) for person in people])
        return len(captured)

    assert record(2, "few") == record(20, "many")


def test_a_mail_server_that_does_not_answer_leaves_each_email_to_retry(
    alice: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreachable:
        def open(self) -> None:
            raise ConnectionRefusedError("connection refused")

        def close(self) -> None:
            """Nothing was opened, so there is nothing to close."""

    class Mailers:
        default = Unreachable()

    monkeypatch.setattr(transports, "mailers", Mailers())
    monkeypatch.setattr("notify.attempts.schedule_retry", lambda *args, **kwargs: None)
    send_many(outgoing=[reminder(alice), reminder(bob)])
    for person in (alice, bob):
        assert outcomes(person) == {Channel.IN_APP: Outcome.SENT, Channel.EMAIL: Outcome.RETRY}
