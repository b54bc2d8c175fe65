"""Logging a day under load: the htmx POST of a full entry, against the bare-insert floor.

People are signed in directly (a session made through `login()` on a stored session, no
password check), with a CSRF cookie and the same token in `X-CSRFToken`, as htmx sends
it. Requests carry `X-Forwarded-Proto: https`, as behind the production proxy. Each
person's first save of the day is made before the measured runs; every measured request
saves the whole entry again (same client UUID), which runs the whole triage again.
"""

from __future__ import annotations

import http.client
import random
import secrets
import string
import uuid
from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.test import RequestFactory

from accounts.models import User
from benchmarks.load import LoadResult, RequestMaker, request_bytes, run_load
from triage.vocabulary import Activity, DailyTasks, RestRelief, SelfCare, Sleep

ENTRY_PATH = "/today/"
BARE_PATH = "/bench/bare/"
SAVED = b"data-entry-url="  # the htmx answer to a save: the result, not the form
FORM_ERROR = b"message-error"


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    today: str
    client_uuid: str
    cookie: str
    csrf_token: str


def sign_in(user: User) -> SignedIn:
    """A session as the login page would leave it, and a CSRF cookie and token."""
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend=_password_backend())
    request.session.save()
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={token}"
    )
    today = user.profile.local_today().isoformat()
    return SignedIn(user.pk, today, str(uuid.uuid4()), cookie, token)


def _password_backend() -> str:
    backends = settings.AUTHENTICATION_BACKENDS
    return next((b for b in backends if b.endswith("ModelBackend")), backends[-1])


def full_entry(person: SignedIn, rng: random.Random) -> bytes:
    """Every question answered, as a person who fills the whole form in would."""
    fields = {
        "date": person.today,
        "pain": rng.randint(1, 7),
        "night_pain": rng.randint(0, 4),
        "woke_at_night": "on",
        "rested": "on",
        "rest_relief": rng.choice(RestRelief.values),
        "active_minutes": rng.choice((15, 30, 45)),
        "activities": rng.sample(Activity.values, 2),
        "daily_tasks": rng.choice(DailyTasks.values),
        "sleep": rng.choice(Sleep.values),
        "no_symptoms": "on",
        "self_care": rng.sample(SelfCare.values, 2),
        "notes": "Stiff in the morning, better after a walk.",
        "client_uuid": person.client_uuid,
    }
    return urlencode(fields, doseq=True).encode()


def headers_for(person: SignedIn, port: int, *, htmx: bool) -> dict[str, str]:
    headers = {
        "Cookie": person.cookie,
        "X-CSRFToken": person.csrf_token,
        "Origin": f"https://127.0.0.1:{port}",
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if htmx:
        headers |= {"HX-Request": "true", "HX-Target": "save-result"}
    return headers


def entry_makers(people: list[SignedIn], port: int, concurrency: int) -> list[RequestMaker]:
    """One maker per client; each client saves the day of its own people in turn, so two
    requests for one person are never in flight together."""

    def maker(mine: list[SignedIn], rng: random.Random) -> RequestMaker:
        headers = {p.user_id: headers_for(p, port, htmx=True) for p in mine}

        def make(n: int) -> bytes:
            person = mine[n % len(mine)]
            body = full_entry(person, rng)
            return request_bytes("POST", ENTRY_PATH, port, headers[person.user_id], body)

        return make

    return [maker(people[c::concurrency], random.Random(c)) for c in range(concurrency)]


def bare_makers(people: list[SignedIn], port: int, concurrency: int) -> list[RequestMaker]:
    """The same clients, people and headers, posting to the bare-insert view."""

    def maker(mine: list[SignedIn]) -> RequestMaker:
        requests = [
            request_bytes(
                "POST", BARE_PATH, port, headers_for(p, port, htmx=True), b"note=bare+insert"
            )
            for p in mine
        ]
        return lambda n: requests[n % len(requests)]

    return [maker(people[c::concurrency]) for c in range(concurrency)]


def entry_saved(status: int, body: bytes) -> bool:
    return status == 200 and SAVED in body and FORM_ERROR not in body


def bare_saved(status: int, body: bytes) -> bool:
    return status == 200 and body == b"ok"


def sign_in_all(user_ids: list[int]) -> list[SignedIn]:
    users = User.objects.select_related("profile").filter(pk__in=user_ids).order_by("pk")
    return [sign_in(user) for user in users]


def first_saves(port: int, people: list[SignedIn]) -> None:
    """Each person's first save of the day, before anything is measured: every measured
    request then saves today's entry again, whatever the level (a first save also creates
    the entry and the person's rate-limit window, and would weigh more at low rates)."""
    rng = random.Random(0)
    for person in people:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "POST", ENTRY_PATH, full_entry(person, rng), headers_for(person, port, htmx=True)
        )
        response = connection.getresponse()
        if not entry_saved(response.status, response.read()):
            raise RuntimeError(f"the first save for person {person.user_id} failed")
        connection.close()


def measure(
    port: int,
    people: list[SignedIn],
    concurrency_levels: tuple[int, ...],
    *,
    warmup: float,
    duration: float,
) -> dict[int, dict[str, LoadResult]]:
    """For each level: the entry save, then the bare insert, with the same clients."""
    first_saves(port, people)
    results: dict[int, dict[str, LoadResult]] = {}
    for level in concurrency_levels:
        entry = run_load(
            port, entry_makers(people, port, level), entry_saved, warmup=warmup, duration=duration
        )
        bare = run_load(
            port, bare_makers(people, port, level), bare_saved, warmup=warmup, duration=duration
        )
        results[level] = {"entry": entry, "bare": bare}
    return results
