"""Background jobs under faults, with a real worker, a real broker and a real SMTP server:
a worker killed mid-wave, a mail server slower than a task's time budget, a broker that
hangs. Every person gets each email once (at most one more per killed process, with the
same Message-ID), none is lost, and no save waits on the broker."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notify.attempts import SWEEP_GRACE, WAITING
from notify.models import Channel, Delivery, Kind, Message, Outcome
from tests.conftest import make_patient, point_celery_at
from tests.integration.test_reminders import all_delivered, people_due, wait_until
from tests.notify.frozen_broker import frozen_broker
from tests.tracker.test_entries import entry_form
from triage.models import Finding

pytestmark = pytest.mark.integration

TIMEOUT = 45


def leases_run_out() -> None:
    """What the sweeper finds once the killed worker's leases have run out."""
    Delivery.objects.filter(outcome__in=WAITING).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=10)
    )


def test_a_worker_killed_mid_wave_sends_at_most_the_email_in_flight_twice(
    smtp_worker, mail_sink
) -> None:
    from notify.tasks import sweep_deliveries
    from tracker.tasks import send_due_reminders

    mail_sink.delay = 0.1
    worker = smtp_worker(budget=30)
    people = people_due(60)  # one chunk: one pool process sends the wave
    send_due_reminders.delay()
    wait_until(lambda: len(mail_sink.accepted) >= 20, "a third of the wave", TIMEOUT)
    worker.kill_every_process()
    assert len(mail_sink.accepted) < len(people), "the wave finished before the kill"

    worker.start()
    leases_run_out()
    sweep_deliveries.delay()
    wait_until(lambda: all_delivered(people), "every reminder to be sent", TIMEOUT)

    per_person = mail_sink.per_recipient()
    assert set(per_person) == {person.email for person in people}  # nobody lost
    assert sum(per_person.values()) - len(people) <= 1  # the one in flight, at most
    for recipient, count in per_person.items():
        if count > 1:
            assert len(mail_sink.message_ids_of(recipient)) == 1  # the same email again
    assert set(Delivery.objects.values_list("outcome", flat=True)) == {Outcome.SENT}


def overdue_emails(count: int) -> list[User]:
    """People whose reminder email a dead worker left waiting."""
    users = User.objects.bulk_create(
        [User(email=f"slow{number}@example.com", password="!") for number in range(count)]
    )
    messages = Message.objects.bulk_create(
        Message(key=f"reminder:{user.pk}:2026-01-14", user=user, kind=Kind.REMINDER,
                title="Time for today's diary", body="How is your back today?", url="/today/")
        for user in users
    )  # fmt: skip
    Delivery.objects.bulk_create(
        Delivery(message=message, channel=Channel.EMAIL, outcome=Outcome.PENDING)
        for message in messages
    )
    leases_run_out()
    return users


def test_a_mail_server_slower_than_the_budget_gets_every_email_once_within_a_few_sweeps(
    smtp_worker, mail_sink
) -> None:
    from notify.tasks import sweep_deliveries

    budget, people = 2.0, overdue_emails(30)
    mail_sink.delay = 0.3  # 9 s of sending: more than four budgets
    smtp_worker(budget=budget)

    sweeps: list[float] = []
    while Delivery.objects.filter(outcome__in=WAITING).exists() and len(sweeps) < 15:
        started = time.monotonic()
        sweep_deliveries.apply_async(ignore_result=False).get(timeout=TIMEOUT)
        sweeps.append(time.monotonic() - started)

    assert mail_sink.per_recipient() == {person.email: 1 for person in people}
    assert set(Delivery.objects.values_list("outcome", "attempts")) == {(Outcome.SENT, 1)}
    assert len(sweeps) <= 8
    assert max(sweeps) < budget + 3  # each kept to its budget, not the 9 s of the backlog


def test_a_sweep_cut_off_by_the_soft_time_limit_records_what_it_sent_and_hands_on_the_rest(
    smtp_worker, mail_sink
) -> None:
    from notify.tasks import sweep_deliveries

    people = overdue_emails(10)
    mail_sink.delay = 0.5
    smtp_worker(budget=30)

    started = time.monotonic()
    # A soft time limit that cuts the budget short, as a send that stalls would.
    sweep = sweep_deliveries.apply_async(ignore_result=False, soft_time_limit=2, time_limit=10)
    sweep.get(timeout=TIMEOUT, propagate=False)
    assert sweep.state == "FAILURE" and "SoftTimeLimitExceeded" in repr(sweep.result)
    assert time.monotonic() - started < 6  # it ended itself, long before the hard limit

    rows = Delivery.objects.select_related("message__user").order_by("pk")
    sent = [row.message.user.email for row in rows if row.outcome == Outcome.SENT]
    cut_off = [row for row in rows if row.outcome == Outcome.RETRY]
    handed_on = [row for row in rows if row.outcome == Outcome.PENDING]
    assert 1 <= len(sent) <= 4
    assert [(row.detail, row.attempts) for row in cut_off] == [
        ("cut off by the task's time limit while sending", 1)
    ]
    assert len(handed_on) == len(people) - len(sent) - 1
    assert {row.attempts for row in handed_on} == {0}  # released, uncounted
    due_by = timezone.now() - SWEEP_GRACE
    assert all(row.next_attempt_at <= due_by for row in handed_on)  # the next sweep's
    accepted = set(mail_sink.per_recipient())
    assert set(sent) <= accepted <= {*sent, cut_off[0].message.user.email}


def save(client: Client, person: User, symptoms: list[str]) -> None:
    client.force_login(person)
    response = client.post(
        reverse("tracker:today"),
        entry_form(
            person.profile.local_today(), symptoms=symptoms, no_symptoms=None if symptoms else "on"
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200


def test_a_frozen_broker_never_holds_an_urgent_save_and_each_prompt_goes_once_it_thaws(
    smtp_worker, mail_sink, broker_url: str, client
) -> None:
    from config.celery import app
    from notify.tasks import sweep_deliveries

    smtp_worker(budget=30)
    dana, erin = make_patient("dana@example.com"), make_patient("erin@example.com")
    save(client, make_patient("warm@example.com"), symptoms=[])  # a web process already up
    saves = []
    with frozen_broker() as frozen:
        point_celery_at(app, frozen.url)
        for person, symptom in ((dana, "chest_pain"), (erin, "fever")):
            started = time.monotonic()
            save(client, person, symptoms=[symptom])
            saves.append(time.monotonic() - started)
        assert frozen.connections == 1  # the second save did not ask the frozen broker
    assert max(saves) < 1.0, saves
    prompts = Delivery.objects.filter(message__kind=Kind.ESCALATION, channel=Channel.EMAIL)
    assert list(prompts.values_list("outcome", flat=True)) == [Outcome.PENDING] * 2

    point_celery_at(app, broker_url)  # it thaws: the minute's sweep delivers
    sweep_deliveries.apply_async(ignore_result=False).get(timeout=TIMEOUT)
    wait_until(
        lambda: set(mail_sink.per_recipient()) == {dana.email, erin.email},
        "both prompts to reach the mail server",
        TIMEOUT,
    )
    sweep_deliveries.apply_async(ignore_result=False).get(timeout=TIMEOUT)

    assert mail_sink.per_recipient() == {dana.email: 1, erin.email: 1}
    assert Finding.objects.filter(user__in=[dana, erin]).count() == 2
    assert list(prompts.values_list("outcome", flat=True)) == [Outcome.SENT] * 2
