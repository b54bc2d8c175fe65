"""One escalation path: the prompts are notify's messages, recorded with the finding, and
the 24-hour re-prompt is claimed on the finding itself (`reprompted_at`). The escalation
outbox goes.

What the outbox held when this runs is carried over as marks on the findings, for the
re-prompt task (triage.escalation.send_due_reprompts) to act on:
- a re-prompt it delivered sets `reprompted_at` (when it was delivered): never sent twice;
- its undelivered rows need no mark. An urgent finding still open with no re-prompt sent
  is prompted by the task once it was first seen 24 hours ago: at the task's first run for
  an older one. A first prompt still undelivered here therefore goes as that re-prompt,
  at the latest 24 hours after the finding opened (the finding's banner shows on every
  page meanwhile). A finding acknowledged since is prompted no more, as before.
"""

from django.conf import settings
from django.db import migrations, models


def mark_delivered_reprompts(apps, schema_editor):
    Outbox = apps.get_model("triage", "EscalationOutbox")
    Finding = apps.get_model("triage", "Finding")
    delivered = Outbox.objects.filter(step="reprompt", delivered_at__isnull=False)
    for finding_id, delivered_at in delivered.values_list("finding_id", "delivered_at"):
        Finding.objects.filter(pk=finding_id).update(reprompted_at=delivered_at)


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
        migrations.RunPython(mark_delivered_reprompts, migrations.RunPython.noop),
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
