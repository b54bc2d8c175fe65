"""Walk every URL pattern as every kind of visitor, then fuzz every form found on the way.

Never a 500; nobody sees another person's data; a rejected form changes nothing stored.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role, User
from exercises import plans
from exercises.models import Exercise
from exercises.plans import Prescription
from sharing.models import Share
from tests.conftest import PASSWORD, enable_second_factor, make_patient
from tracker.models import Entry
from triage.services import recheck

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "patient", "other_patient", "unapproved_physio", "physio",
         "revoked_physio")  # fmt: skip
SKIPPED_PREFIXES = ("admin/", "static/")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Bookkeeping, not anyone's data: the audit log, sessions, sign-in attempts, rate counters.
NOT_SNAPSHOTTED = {"auditevent", "session", "logentry", "accessattempt", "accesslog",
                   "accessfailurelog", "accessattemptexpiration"}  # fmt: skip
# The only pages open without signing in (`@login_not_required`); every other view is
# closed by LoginRequiredMiddleware, so a view that forgets to say so is private.
# The entry sync and push endpoints answer a signed-out script with 401 JSON themselves.
PUBLIC_VIEWS = {"accounts:login", "accounts:logout", "accounts:signup", "accounts:password_reset",
                "accounts:password_reset_done", "accounts:password_reset_confirm",
                "accounts:password_reset_complete", "service_worker", "offline", "offline_entry",
                "privacy", "triage:how_it_works", "tracker:self_care", "tracker:sync_entry",
                "notify:vapid_public_key", "notify:push_subscribe",
                "notify:push_unsubscribe"}  # fmt: skip
BOB_SECRET = "BOB-SECRET-NOTE"
ALICE_SECRET = "ALICE-PRIVATE-NOTE"


def routes(patterns: list | None = None, prefix: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def concrete_urls(route: str, ids: list[int], today: str) -> list[str]:
    samples: list[str] = [""]
    for match in PARAM.finditer(route):
        converter = match.group("converter") or "str"
        if converter == "int":
            values = [str(i) for i in ids]
        elif converter == "uuid":
            values = [str(uuid.uuid4())]
        elif match.group("name") in ("day", "date"):
            values = [today, "2026-02-30", "yesterday"]
        else:
            values = ["AGE", "CHEST_PAIN", "nonsense"]
        samples = [s + "\0" + v for s in samples for v in values]
    urls = []
    for sample in samples:
        values = sample.split("\0")[1:]
        url = route
        for value in values:
            url = PARAM.sub(value, url, count=1)
        urls.append("/" + url)
    return urls


def snapshot() -> str:
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.model_name in NOT_SNAPSHOTTED:
            continue
        rows = model._default_manager.order_by("pk").values()
        for row in rows:
            row.pop("last_login", None)
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


@pytest.fixture
def world(db: None) -> dict:
    alice = make_patient("alice@example.com", birth_year=1960)
    bob = make_patient("bob@example.com")
    physio = User.objects.create_user(
        "physio@example.com",
        PASSWORD,
        role=Role.PHYSIOTHERAPIST,
        registration_number="PH1",
        approved_at=timezone.now(),
    )
    enable_second_factor(physio)
    waiting = User.objects.create_user(
        "waiting@example.com", PASSWORD, role=Role.PHYSIOTHERAPIST, registration_number="PH2"
    )
    revoked = User.objects.create_user(
        "revoked@example.com",
        PASSWORD,
        role=Role.PHYSIOTHERAPIST,
        registration_number="PH3",
        approved_at=timezone.now(),
    )
    enable_second_factor(revoked)
    today = alice.profile.local_today()
    for person, secret in ((alice, ALICE_SECRET), (bob, BOB_SECRET)):
        Entry.objects.create(
            user=person,
            date=today,
            pain=6,
            night_pain=9,
            woke_at_night=True,
            symptoms=["fever"],
            notes=secret,
        )
        recheck(person)
    Share.objects.create(patient=alice, physiotherapist=physio, include_notes=False)
    # Exercise plans: one suggested to Alice by her physiotherapist, one Bob chose himself
    # with an exercise of his own that only he may read.
    walk = Prescription(exercise=Exercise.objects.get(code="walk"))
    plans.propose_plan(patient=alice, physiotherapist=physio, prescriptions=[walk], starts_on=today)
    own = plans.choose_own_plan(
        patient=bob, today=today,
        prescriptions=[walk, Prescription(name=BOB_SECRET, steps=[BOB_SECRET])],
    )  # fmt: skip
    plans.record_exercise_day(
        patient=bob, day=today, marks={own.versions.get().items.get(name=BOB_SECRET).key: "done"}
    )
    # Alice shared her notes with this one, then stopped: they must see nothing now.
    Share.objects.create(
        patient=alice, physiotherapist=revoked, include_notes=True, revoked_at=timezone.now()
    )
    ids = sorted({pk for model in apps.get_models() if model._meta.app_label in
                  ("tracker", "triage", "notify", "accounts", "exercises")
                  for pk in model._default_manager.values_list("pk", flat=True)[:20]
                  if isinstance(pk, int)} | {987654})  # fmt: skip
    return {"patient": alice, "other_patient": bob, "physio": physio,
            "unapproved_physio": waiting, "revoked_physio": revoked, "anonymous": None,
            "ids": ids[:25],
            "today": today.isoformat()}  # fmt: skip


def client_for(world: dict, role: str) -> Client:
    client = Client()
    if world[role] is not None:
        client.force_login(world[role])
    return client


def forbidden_secrets(role: str) -> list[str]:
    if role == "patient":
        return [BOB_SECRET]
    if role == "other_patient":
        return [ALICE_SECRET]
    return [ALICE_SECRET, BOB_SECRET]


@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_visitor_never_errors_and_never_leaks(world: dict, role: str) -> None:
    client = client_for(world, role)
    checked = 0
    for route in sorted(set(routes())):
        for url in concrete_urls(route, world["ids"], world["today"]):
            response = client.get(url)
            checked += 1
            assert response.status_code < 500, url
            if role != "anonymous":
                cache_control = set(response.get("Cache-Control", "").replace(" ", "").split(","))
                assert {"no-store", "private"} <= cache_control, f"{role} at {url}: {cache_control}"
            body = response.content.decode(errors="replace")
            for secret in forbidden_secrets(role):
                assert secret not in body, f"{role} saw {secret} at {url}"
            if role == "anonymous" and response.status_code == 200:
                assert ALICE_SECRET not in body
    assert checked > 30


def test_only_the_public_pages_open_without_signing_in(world: dict) -> None:
    public = {resolve(url).view_name for route in routes()
              for url in concrete_urls(route, world["ids"], world["today"])
              if not getattr(resolve(url).func, "login_required", True)}  # fmt: skip
    assert public == PUBLIC_VIEWS


def test_every_private_page_sends_a_signed_out_visitor_to_log_in_and_back(world: dict) -> None:
    client = Client()
    checked = 0
    for route in sorted(set(routes())):
        for url in concrete_urls(route, world["ids"], world["today"]):
            if resolve(url).view_name in PUBLIC_VIEWS:
                continue
            response = client.get(url)
            location = urlsplit(response["Location"])
            assert response.status_code == 302, url
            assert location.path == reverse("accounts:login"), url
            assert parse_qs(location.query) == {"next": [url]}, url
            checked += 1
    assert checked > 30


def test_the_admin_keeps_its_own_login_page(client: Client) -> None:
    assert client.get("/admin/login/").status_code == 200
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.IGNORECASE)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r'\baction="([^"]*)"')
NASTY = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
    st.sampled_from(["0", "-1", "11", "99999999999999999999", "1e309", "NaN", "2026-02-30",
                     "9999-12-31", "0000-00-00", "../../etc/passwd", "<script>x</script>",
                     "\x00\x01\x1f", "true", "[]", "{}", "☃" * 50, "' OR 1=1 --"]),
)  # fmt: skip


def post_targets(world: dict, role: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every POST form found on every page (action and field names), and every URL itself
    (for endpoints that take a POST without showing a form)."""
    client = client_for(world, role)
    targets: set[tuple[str, tuple[str, ...]]] = set()
    for route in sorted(set(routes())):
        for url in concrete_urls(route, world["ids"], world["today"]):
            targets.add((url, ()))
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for attributes, inner in FORM.findall(response.content.decode()):
                if 'method="post"' not in attributes.lower():
                    continue
                action = ACTION.search(attributes)
                target = action.group(1) if action and action.group(1) else url
                names = tuple(sorted(set(FIELD.findall(inner)) - {"csrfmiddlewaretoken"}))
                targets.add((target, names))
    return sorted(targets)


@pytest.mark.parametrize("role", ["anonymous", "patient", "physio", "revoked_physio"])
def test_every_form_survives_hostile_values_and_rejection_changes_nothing(
    world: dict, role: str
) -> None:
    targets = post_targets(world, role)
    assert targets

    @settings(max_examples=120, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])  # fmt: skip
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        url, names = data.draw(st.sampled_from(targets))
        values = {name: data.draw(NASTY) for name in names}
        values.update(data.draw(st.dictionaries(st.text(min_size=1, max_size=8), NASTY,
                                                max_size=2)))  # fmt: skip
        client = client_for(world, role)
        before = snapshot()
        response = client.post(url, values)
        assert response.status_code < 500, url
        body = response.content.decode(errors="replace")
        rejected = response.status_code >= 400 or "errorlist" in body
        if rejected:
            assert snapshot() == before, f"{url} changed stored data while refusing {values}"

    fuzz()
