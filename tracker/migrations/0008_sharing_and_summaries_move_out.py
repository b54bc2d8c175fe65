"""Sharing and the weekly summaries leave the journal for their own apps (sharing,
summaries), rows and all: their first migrations take the models and rename the tables;
here tracker only forgets them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0001_initial"),
        ("summaries", "0001_initial"),
        ("tracker", "0007_profile_answered_on"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="clinicalnote",
                    name="one_clinical_note_per_pair",
                ),
                migrations.RemoveConstraint(
                    model_name="clinicalnote",
                    name="clinical_note_length",
                ),
                migrations.RemoveConstraint(
                    model_name="pegresponse",
                    name="one_peg_per_person_per_week",
                ),
                migrations.RemoveConstraint(
                    model_name="pegresponse",
                    name="peg_answers_0_10",
                ),
                migrations.RemoveConstraint(
                    model_name="share",
                    name="one_live_share_per_pair",
                ),
                migrations.RemoveConstraint(
                    model_name="share",
                    name="share_with_someone_else",
                ),
                migrations.RemoveConstraint(
                    model_name="sharecode",
                    name="share_code_expires_later",
                ),
                migrations.RemoveConstraint(
                    model_name="shareinvitation",
                    name="one_pending_invitation_per_pair",
                ),
                migrations.RemoveConstraint(
                    model_name="shareinvitation",
                    name="invitation_state_known",
                ),
                migrations.RemoveConstraint(
                    model_name="shareinvitation",
                    name="invitation_to_someone_else",
                ),
                migrations.RemoveConstraint(
                    model_name="summaryschedule",
                    name="summary_weekday_0_6",
                ),
                migrations.RemoveConstraint(
                    model_name="weeklysummary",
                    name="one_summary_per_person_per_week",
                ),
                migrations.RemoveConstraint(
                    model_name="weeklysummary",
                    name="summary_days_logged_0_7",
                ),
                migrations.RemoveField(
                    model_name="pegresponse",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="share",
                    name="patient",
                ),
                migrations.RemoveField(
                    model_name="share",
                    name="physiotherapist",
                ),
                migrations.RemoveField(
                    model_name="sharecode",
                    name="patient",
                ),
                migrations.RemoveField(
                    model_name="sharecode",
                    name="share",
                ),
                migrations.RemoveField(
                    model_name="sharecode",
                    name="used_by",
                ),
                migrations.RemoveField(
                    model_name="shareinvitation",
                    name="patient",
                ),
                migrations.RemoveField(
                    model_name="shareinvitation",
                    name="physiotherapist",
                ),
                migrations.RemoveField(
                    model_name="shareinvitation",
                    name="share",
                ),
                migrations.RemoveField(
                    model_name="summaryschedule",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="weeklysummary",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="ClinicalNote",
                ),
                migrations.DeleteModel(
                    name="PegResponse",
                ),
                migrations.DeleteModel(
                    name="ShareCode",
                ),
                migrations.DeleteModel(
                    name="Share",
                ),
                migrations.DeleteModel(
                    name="ShareInvitation",
                ),
                migrations.DeleteModel(
                    name="SummarySchedule",
                ),
                migrations.DeleteModel(
                    name="WeeklySummary",
                ),
            ],
        ),
    ]
