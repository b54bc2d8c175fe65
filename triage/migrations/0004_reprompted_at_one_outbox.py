"""One escalation path: the prompts are notify's messages, recorded with the finding, and
the 24-hour re-prompt is claimed on the finding itself (`reprompted_at`). The escalation
outbox goes.

What the outbox held when this runs is carried over as marks on the findings, for the
re-prompt task (triage.escalation.send_due_reprompts) to act on:
- a re-prompt it delivered sets `reprompted_at` (when it was delivered): never sent twice;
- a first prompt it had not delivered, for a finding still open, sets
  `first_prompt_pending`: the task sends that first prompt at its next run (within a
  minute), with the first prompt's key, so what the old sweeper had sent in part is not
  sent twice;
- an undelivered re-prompt needs no mark: an urgent finding still open with no re-prompt
  sent is re-prompted by the task once it was first seen 24 hours ago.
A finding acknowledged since is prompted no more, as before.
"""

from django.conf import settings
from django.db import migrations, models


def carry_over_the_outbox(apps, schema_editor):
    Outbox = apps.get_model("triage", "EscalationOutbox")
    Finding = apps.get_model("triage", "Finding")
    delivered = Outbox.objects.filter(step="reprompt", delivered_at__isnull=False)
    for finding_id, delivered_at in delivered.values_list("finding_id", "delivered_at"):
        Finding.objects.filter(pk=finding_id).update(reprompted_at=delivered_at)
    undelivered = Outbox.objects.filter(step="first", delivered_at__isnull=True)
    Finding.objects.filter(pk__in=undelivered.values("finding_id"), state="open").update(
        first_prompt_pending=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0003_finding_days_entry_removed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="reprompted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="finding",
            name="first_prompt_pending",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                condition=models.Q(
                    ("level", "urgent"), ("reprompted_at__isnull", True), ("state", "open")
                ),
                fields=["first_seen"],
                name="finding_awaiting_reprompt",
            ),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                condition=models.Q(("first_prompt_pending", True)),
                fields=["first_seen"],
                name="finding_first_prompt_pending",
            ),
        ),
        migrations.RunPython(carry_over_the_outbox, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="escalationoutbox",
            name="one_outbox_row_per_step",
        ),
        migrations.RemoveConstraint(
            model_name="escalationoutbox",
            name="outbox_step_known",
        ),
        migrations.DeleteModel(
            name="EscalationOutbox",
        ),
    ]
