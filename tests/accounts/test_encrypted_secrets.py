"""Two-step secrets are encrypted at rest: what the database holds is a token that only the
keys in TWO_STEP_ENCRYPTION_KEYS open; the app reads the secret in clear."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import encryption, totp
from accounts.models import SecondFactor, User
from tests.conftest import TWO_STEP_TEST_KEYS, enable_second_factor

BEFORE = [("accounts", "0006_sessions_that_know_their_person")]
AFTER = [("accounts", "0007_encrypt_two_step_secrets")]


def stored(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_secondfactor WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_database_holds_a_token_and_the_app_reads_the_secret(alice) -> None:
    secret = enable_second_factor(alice)
    factor = SecondFactor.objects.get(user=alice)
    assert factor.secret == secret
    token = stored(factor.pk)
    assert secret not in token
    assert Fernet(TWO_STEP_TEST_KEYS[0]).decrypt(token.encode()).decode() == secret


@pytest.mark.django_db
def test_without_the_key_the_token_is_useless(alice) -> None:
    enable_second_factor(alice)
    token = stored(SecondFactor.objects.get(user=alice).pk)
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(token.encode())


@pytest.mark.django_db
def test_rotating_re_encrypts_every_secret_with_the_new_first_key(alice, bob, settings) -> None:
    secrets = {person.pk: enable_second_factor(person) for person in (alice, bob)}
    new_key = Fernet.generate_key().decode()
    settings.TWO_STEP_ENCRYPTION_KEYS = [new_key, *TWO_STEP_TEST_KEYS]
    call_command("rotate_two_step_keys", stdout=None)
    settings.TWO_STEP_ENCRYPTION_KEYS = [new_key]  # the old keys are gone
    for factor in SecondFactor.objects.all():
        assert factor.secret == secrets[factor.user_id]
        assert Fernet(new_key).decrypt(stored(factor.pk).encode()).decode() == factor.secret


def test_no_key_is_a_clear_configuration_error(settings) -> None:
    settings.TWO_STEP_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="TWO_STEP_ENCRYPTION_KEYS"):
        encryption.encrypt(totp.new_secret())


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets_and_its_reversal_restores_them() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    person = old.get_model("accounts", "User").objects.create(email="old@example.com")
    secret = totp.new_secret()
    row = old.get_model("accounts", "SecondFactor").objects.create(user=person, secret=secret)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    assert stored(row.pk) != secret
    assert SecondFactor.objects.get(pk=row.pk).secret == secret
    assert User.objects.get(pk=person.pk).second_factor.secret == secret

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert stored(row.pk) == secret
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
