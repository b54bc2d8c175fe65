from django.db import migrations, models

import accounts.encryption


def encrypt_secrets(apps, schema_editor):
    """Between the two field changes the column is plain text here: read as stored."""
    SecondFactor = apps.get_model("accounts", "SecondFactor")
    for pk, secret in SecondFactor.objects.values_list("pk", "secret"):
        SecondFactor.objects.filter(pk=pk).update(secret=accounts.encryption.encrypt(secret))


def decrypt_secrets(apps, schema_editor):
    SecondFactor = apps.get_model("accounts", "SecondFactor")
    for pk, token in SecondFactor.objects.values_list("pk", "secret"):
        SecondFactor.objects.filter(pk=pk).update(secret=accounts.encryption.decrypt(token))


class Migration(migrations.Migration):
    """Two-step sign-in secrets encrypted at rest with TWO_STEP_ENCRYPTION_KEYS: the column
    grows to hold a Fernet token, existing secrets are encrypted in place (and decrypted
    again when the migration is reversed), then the field encrypts and decrypts itself."""

    dependencies = [
        ("accounts", "0006_sessions_that_know_their_person"),
    ]

    operations = [
        migrations.AlterField(
            model_name="secondfactor",
            name="secret",
            field=models.CharField(max_length=255),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.AlterField(
            model_name="secondfactor",
            name="secret",
            field=accounts.encryption.EncryptedSecretField(max_length=255),
        ),
    ]
