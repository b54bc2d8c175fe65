"""The exercise library as first published (`exercises.library.LIBRARY`)."""

from __future__ import annotations

from django.db import migrations

from exercises.library import LIBRARY, load_library


def add_library(apps, schema_editor):
    load_library(apps.get_model("exercises", "Exercise"))


def remove_library(apps, schema_editor):
    Exercise = apps.get_model("exercises", "Exercise")
    Exercise.objects.filter(code__in=[item["code"] for item in LIBRARY]).delete()


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(add_library, remove_library)]
