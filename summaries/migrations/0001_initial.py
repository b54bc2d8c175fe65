"""The weekly summaries' models, until now in tracker, move here with their rows."""

import datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["summaryschedule", "weeklysummary", "pegresponse"]


def move_content_types(apps, schema_editor, old="tracker", new="summaries"):
    """Permissions and admin log entries point at a content type: the type moves with its
    model (unless the new app already has one, made by a run of `migrate` in between)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="summaries", new="tracker")


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
                    name="PegResponse",
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
                        ("week_start", models.DateField()),
                        ("pain", models.PositiveSmallIntegerField()),
                        ("enjoyment", models.PositiveSmallIntegerField()),
                        ("activity", models.PositiveSmallIntegerField()),
                        ("answered_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="peg_responses",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-week_start"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "week_start"), name="one_peg_per_person_per_week"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("activity__lte", 10), ("enjoyment__lte", 10), ("pain__lte", 10)
                                ),
                                name="peg_answers_0_10",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SummarySchedule",
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
                        (
                            "summary_weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ],
                                default=6,
                            ),
                        ),
                        ("summary_time", models.TimeField(default=datetime.time(18, 0))),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="summary_schedule",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("summary_weekday__gte", 0), ("summary_weekday__lte", 6)
                                ),
                                name="summary_weekday_0_6",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WeeklySummary",
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
                        ("week_start", models.DateField()),
                        ("days_logged", models.PositiveSmallIntegerField()),
                        ("numbers", models.JSONField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="weekly_summaries",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-week_start"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "week_start"),
                                name="one_summary_per_person_per_week",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("days_logged__lte", 7)),
                                name="summary_days_logged_0_7",
                            ),
                        ],
                    },
                ),
                migrations.AlterModelTable(name="summaryschedule", table="tracker_summaryschedule"),
                migrations.AlterModelTable(name="weeklysummary", table="tracker_weeklysummary"),
                migrations.AlterModelTable(name="pegresponse", table="tracker_pegresponse"),
            ],
        ),
        # Then the tables take this app's names: tracker_x becomes summaries_x.
        migrations.AlterModelTable(name="summaryschedule", table=None),
        migrations.AlterModelTable(name="weeklysummary", table=None),
        migrations.AlterModelTable(name="pegresponse", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
