"""Shared fixtures: named people (alice, bob, a physiotherapist), a real broker, a real worker."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts import second_factor, signals, totp
from accounts.models import Role, SecondFactor, User
from tracker.models import Profile

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-passphrase-42"


def found(pattern: str, text: object, group: int = 1) -> str:
    """What the pattern's group matches in the text (a page, an email); the test fails
    when it is not there."""
    match = re.search(pattern, str(text))
    assert match is not None, f"{pattern!r} is not in {str(text)[:300]!r}"
    return match.group(group)


def make_patient(email: str, *, birth_year: int = 1988, zone: str = "Europe/London") -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=email.split("@")[0].title())
    Profile.objects.create(
        user=user, birth_year=birth_year, time_zone=zone, onboarded_at=timezone.now()
    )
    return user


def make_physio(email: str, registration_number: str, name: str = "Sam") -> User:
    """An approved physiotherapist with the two-step sign-in physiotherapists must have."""
    user = User.objects.create_user(
        email, PASSWORD, display_name=name, role=Role.PHYSIOTHERAPIST,
        registration_number=registration_number, approved_at=timezone.now(),
    )  # fmt: skip
    enable_second_factor(user)
    return user


def enable_second_factor(user: User) -> str:
    """Turn on two-step sign-in as if the person had scanned the QR code; returns the
    secret their app would hold."""
    secret = totp.new_secret()
    SecondFactor.objects.create(user=user, secret=secret)
    return secret


def code_now(user: User) -> str:
    """The code the person's authenticator app shows at this moment (time_machine aware)."""
    secret = SecondFactor.objects.get(user=user).secret
    return totp.code_at(secret, totp.step_at(timezone.now().timestamp()))


@pytest.fixture(autouse=True)
def force_login_is_a_finished_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(person)` stands for someone who signed in earlier: password and
    (when on) the code already given, and no new sign-in row in the audit log. Tests about
    signing in itself post to the real forms instead."""
    original = Client.force_login

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        user_logged_in.disconnect(dispatch_uid="accounts.record_sign_in")
        try:
            original(self, user, backend)
        finally:
            user_logged_in.connect(signals.record_sign_in, dispatch_uid="accounts.record_sign_in")
        if second_factor.is_on(user):
            session = self.session
            session[second_factor.SESSION_KEY] = second_factor.State.VERIFIED
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


# Two keys, as during a rotation: the first encrypts, both decrypt.
TWO_STEP_TEST_KEYS = ["nD7RXuxtdToPZXh-uUiZjZWn6V0tssOuDEYCmXfks6w=",
                      "rV45Lp7CTJ2DSno04vmtZ0YebbompHTvoGKCTgULrgU="]  # fmt: skip


@pytest.fixture(autouse=True)
def two_step_test_keys(settings) -> None:
    settings.TWO_STEP_ENCRYPTION_KEYS = TWO_STEP_TEST_KEYS


@pytest.fixture(autouse=True)
def a_cache_of_its_own(settings) -> None:
    """Each test counts its rate limits in a fresh in-process cache (Django's own locmem
    backend, the same API as Redis); tests of the Redis cache itself point it at the
    embedded Valkey (`tests/security/test_rate_limits.py`)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": f"test-{os.getpid()}-{time.monotonic_ns()}"}
    }  # fmt: skip


@pytest.fixture(autouse=True)
def the_exercise_library(request: pytest.FixtureRequest) -> None:
    """The library a migration loads, there for every test that uses the database: a
    transactional test (browser, integration) empties the tables when it ends."""
    marker = request.node.get_closest_marker("django_db")
    wanted = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if marker is None and not wanted:
        return
    transactional = (
        "transactional_db" in wanted
        or "live_server" in wanted
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from exercises.library import load_library
    from exercises.models import Exercise

    if not Exercise.objects.exists():
        load_library(Exercise)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Accounts are made in almost every test; real password hashing is not the point.
    (Browser tests run the server in-process, so they share this setting.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db: None) -> User:
    return make_patient("alice@example.com")


@pytest.fixture
def bob(db: None) -> User:
    return make_patient("bob@example.com")


@pytest.fixture
def physio(db: None) -> User:
    """An approved physiotherapist, with the two-step sign-in physiotherapists must have."""
    user = User.objects.create_user(
        "physio@example.com",
        PASSWORD,
        display_name="Charlie",
        role=Role.PHYSIOTHERAPIST,
        registration_number="PH0001",
        approved_at=timezone.now(),
    )
    enable_second_factor(user)
    return user


@pytest.fixture
def unapproved_physio(db: None) -> User:
    return User.objects.create_user(
        "newphysio@example.com",
        PASSWORD,
        role=Role.PHYSIOTHERAPIST,
        registration_number="PH0002",
    )


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def local_today(alice: User) -> dt.date:
    return alice.profile.local_today()


# --- A real broker and a real worker -------------------------------------------------------


@pytest.fixture(scope="session")
def broker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set; otherwise an embedded Valkey on a free loopback port."""
    from config.embedded_broker import free_port, start_valkey

    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    port = free_port()
    process = start_valkey(port, tmp_path_factory.mktemp("valkey"), persist=False)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def celery_app_on_broker(broker_url: str) -> Iterator[object]:
    from config.celery import app

    point_celery_at(app, broker_url)
    yield app
    point_celery_at(app, UNREACHABLE_BROKER)


def database_url_for_subprocess() -> str:
    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


class Worker:
    """A real `celery -A config worker` subprocess on the test database and broker."""

    def __init__(self, broker_url: str, log_path: Path) -> None:
        self.broker_url = broker_url
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DEBUG="1",
            REDIS_URL=self.broker_url,
            DATABASE_URL=database_url_for_subprocess(),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.log_path.parent / "emails"),
            SITE_URL="http://testserver",
        )
        return env

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q",
             "escalations,default", "-c", "2", "--loglevel", "INFO", "-n",
             f"test-{os.getpid()}-{time.monotonic_ns()}@%h", "--without-gossip",
             "--without-mingle"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError("worker exited:\n" + self.log_path.read_text()[-3000:])
            if "ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError("worker not ready:\n" + self.log_path.read_text()[-3000:])

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def celery_worker(
    celery_app_on_broker: object, broker_url: str, tmp_path: Path, transactional_db: None
) -> Iterator[Worker]:
    worker = Worker(broker_url, tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    # Leave no queued message behind for the next test.
    import redis

    redis.Redis.from_url(broker_url).flushdb()


UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def point_celery_at(app, url: str) -> None:
    """Switch the producer side of the Celery app to another broker, dropping old pools."""
    import kombu.pools

    app.conf.broker_url = url
    app.conf.result_backend = url
    kombu.pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


def pytest_configure() -> None:
    """Tests never talk to a developer's running broker: only the fixtures' own one."""
    from config.celery import app

    point_celery_at(app, UNREACHABLE_BROKER)
