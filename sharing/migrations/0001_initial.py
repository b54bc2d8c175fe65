"""Sharing's models, until now in tracker, move here with their rows."""

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["share", "shareinvitation", "sharecode", "clinicalnote"]


def move_content_types(apps, schema_editor, old="tracker", new="sharing"):
    """Permissions and admin log entries point at a content type: the type moves with its
    model (unless the new app already has one, made by a run of `migrate` in between)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="sharing", new="tracker")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tracker", "0007_profile_answered_on"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist (tracker's migrations made them): only the state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Share",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("include_notes", models.BooleanField(default=False)),
                        ("send_alerts", models.BooleanField(default=True)),
                        ("ends_on", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="shares_given",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "physiotherapist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="shares_received",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="ShareCode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("include_notes", models.BooleanField(default=False)),
                        ("send_alerts", models.BooleanField(default=True)),
                        ("ends_on", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("code_hash", models.CharField(max_length=64, unique=True)),
                        ("expires_at", models.DateTimeField()),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "share",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="code",
                                to="sharing.share",
                            ),
                        ),
                        (
                            "used_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ShareInvitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("include_notes", models.BooleanField(default=False)),
                        ("send_alerts", models.BooleanField(default=True)),
                        ("ends_on", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting for an answer"),
                                    ("accepted", "Accepted"),
                                    ("declined", "Declined"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("answered_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "physiotherapist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="share_invitations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "share",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitation",
                                to="sharing.share",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ClinicalNote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("text", models.TextField(blank=True, max_length=10000)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "physiotherapist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="clinical_notes",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("physiotherapist", "patient"),
                                name="one_clinical_note_per_pair",
                            ),
                            models.CheckConstraint(
                                condition=django.db.models.lookups.LessThanOrEqual(
                                    django.db.models.functions.text.Length("text"), 10000
                                ),
                                name="clinical_note_length",
                            ),
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="share",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("patient", "physiotherapist"),
                        name="one_live_share_per_pair",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="share",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("patient", models.F("physiotherapist")), _negated=True),
                        name="share_with_someone_else",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="sharecode",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="share_code_expires_later",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="shareinvitation",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("state", "pending")),
                        fields=("patient", "physiotherapist"),
                        name="one_pending_invitation_per_pair",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="shareinvitation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("state__in", ["pending", "accepted", "declined", "cancelled"])
                        ),
                        name="invitation_state_known",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="shareinvitation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("patient", models.F("physiotherapist")), _negated=True),
                        name="invitation_to_someone_else",
                    ),
                ),
                migrations.AlterModelTable(name="share", table="tracker_share"),
                migrations.AlterModelTable(name="shareinvitation", table="tracker_shareinvitation"),
                migrations.AlterModelTable(name="sharecode", table="tracker_sharecode"),
                migrations.AlterModelTable(name="clinicalnote", table="tracker_clinicalnote"),
            ],
        ),
        # Then the tables take this app's names: tracker_x becomes sharing_x.
        migrations.AlterModelTable(name="share", table=None),
        migrations.AlterModelTable(name="shareinvitation", table=None),
        migrations.AlterModelTable(name="sharecode", table=None),
        migrations.AlterModelTable(name="clinicalnote", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
