from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7" * 30 + "-a-real-production-secret-key-for-the-check",
    "ALLOWED_HOSTS": "upright.example.org",
    "DATABASE_URL": "",
    "TWO_STEP_ENCRYPTION_KEYS": "nD7RXuxtdToPZXh-uUiZjZWn6V0tssOuDEYCmXfks6w=",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "TWO_STEP_ENCRYPTION_KEYS"}
    full_env = {k: v for k, v in os.environ.items() if k not in unset}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_app_refuses_to_start_on_the_development_key_with_debug_off() -> None:
    result = run_manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_the_app_refuses_to_start_without_a_key_for_two_step_secrets_with_debug_off() -> None:
    without_key = {k: v for k, v in PRODUCTION.items() if k != "TWO_STEP_ENCRYPTION_KEYS"}
    result = run_manage("check", env=without_key)
    assert result.returncode != 0
    assert "TWO_STEP_ENCRYPTION_KEYS is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
