"""The migration that removes the escalation outbox carries over what it held: a re-prompt
it delivered is never sent again; a first prompt it had not delivered goes at the task's
next run; an undelivered re-prompt is the task's as always."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from notify.models import Message
from triage import escalation
from triage.models import Finding

BEFORE = [("triage", "0003_finding_days_entry_removed")]
AFTER = [("triage", "0004_reprompted_at_one_outbox")]


@pytest.mark.django_db(transaction=True)
def test_a_delivered_reprompt_is_marked_and_an_undelivered_first_prompt_goes_at_once() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldFinding = old.get_model("triage", "Finding")
    Outbox = old.get_model("triage", "EscalationOutbox")
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    delivered_at = two_days_ago + dt.timedelta(hours=24, minutes=1)

    def urgent(email: str) -> Model:
        person = User.objects.create_user(email)  # accounts stays as it is now
        return OldFinding.objects.create(
            user_id=person.pk, code="FEVER", level="urgent", evidence="x",
            since=two_days_ago.date(), first_seen=two_days_ago,
        )  # fmt: skip

    reprompted, never_prompted = urgent("done@example.com"), urgent("stuck@example.com")
    Outbox.objects.create(finding=reprompted, step="first", delivered_at=two_days_ago)
    Outbox.objects.create(finding=reprompted, step="reprompt", delivered_at=delivered_at)
    Outbox.objects.create(finding=never_prompted, step="first")
    fresh = urgent("fresh@example.com")  # opened a minute ago; its prompt not sent yet
    OldFinding.objects.filter(pk=fresh.pk).update(first_seen=timezone.now())
    Outbox.objects.create(finding=fresh, step="first")

    MigrationExecutor(connection).migrate(AFTER)
    assert "triage_escalationoutbox" not in connection.introspection.table_names()
    assert Finding.objects.get(pk=reprompted.pk).reprompted_at == delivered_at
    assert Finding.objects.get(pk=never_prompted.pk).reprompted_at is None
    assert set(Finding.objects.filter(first_prompt_pending=True).values_list("pk", flat=True)) == {
        never_prompted.pk,
        fresh.pk,
    }

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert escalation.send_due_reprompts() == 1
    assert set(Message.objects.values_list("key", flat=True)) == {
        f"escalation:{never_prompted.pk}:first",
        f"escalation:{fresh.pk}:first",  # at once, not a day later
        f"escalation:{never_prompted.pk}:reprompt",
    }
    assert escalation.send_due_reprompts() == 0
    assert Message.objects.count() == 3
