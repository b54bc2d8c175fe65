"""After a patient deletes their account, no table holds anything that names or points to
them: every column of every table is read with plain SQL (not only the models we know),
sessions decoded, and searched for their email, their name and their id."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import ratelimit
from accounts.models import AuditAction, AuditEvent, Role, User
from exercises import plans
from exercises.plans import Prescription
from sharing.models import Share
from tests.conftest import PASSWORD, enable_second_factor, found
from tests.security.test_privacy import everything_about
from tests.tracker.test_entries import entry_form
from tracker.models import Profile

pytestmark = pytest.mark.django_db

PERSON_ID = 424242
EMAIL = "zelda.quimby@example.com"
MARKS = {
    "email": re.compile(re.escape(EMAIL), re.IGNORECASE),
    "first name": re.compile("Zelda", re.IGNORECASE),
    "last name": re.compile("Quimby", re.IGNORECASE),
    "id": re.compile(rf"(?<![0-9]){PERSON_ID}(?![0-9])"),
}
# SQLite's AUTOINCREMENT counters: the highest id a table ever gave, not a row about anyone.
COUNTERS = ("sqlite_sequence",)


def traces() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in COUNTERS:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = readable(value)
                    if column == "session_data":
                        text += json.dumps(SessionStore().decode(text))
                    found += [f"{table}.{column}: {mark}" for mark, pattern in MARKS.items()
                              if pattern.search(text)]  # fmt: skip
    return found


def counts_in_the_cache(person_id: int) -> dict[str, int]:
    """The person's rate-limit counts of the current windows (the cache names them)."""
    now = timezone.now()
    found = {limit.name: cache.get(limit.key(person_id, ratelimit.window_of(limit, now)))
             for limit in ratelimit.PER_PERSON}  # fmt: skip
    return {name: used for name, used in found.items() if used is not None}


def readable(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def signed_in_device() -> Client:
    device = Client()
    response = device.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return device


def physiotherapist(email: str) -> tuple[User, Client]:
    person = User.objects.create_user(
        email, PASSWORD, role=Role.PHYSIOTHERAPIST, registration_number=email[:6],
        approved_at=timezone.now(), display_name=email.split("@")[0],
    )  # fmt: skip
    enable_second_factor(person)
    device = Client()
    device.force_login(person)
    return person, device


def live_through_a_few_weeks(zelda: User) -> tuple[list[Client], str]:
    """Sign-ins on four devices, a failed one, entries, an import, exports, a share by code
    that a physiotherapist uses, views and exports of the diary, another physiotherapist
    refused, an admin edit, a wrong password, a revocation, a password reset link. Returns
    the devices and the reset link."""
    Client().post(reverse("accounts:login"), {"username": EMAIL, "password": "wrong"})
    devices = [signed_in_device() for _ in range(4)]
    phone = devices[0]
    today = zelda.profile.local_today()
    assert phone.post(reverse("tracker:today"), entry_form(today, notes="Zelda's day")).status_code
    diary = {"format": "backpain-diary/1", "entries": [{"date": "2026-01-05", "pain": 3}]}
    phone.post(reverse("tracker:import"), {"document": SimpleUploadedFile(
        "d.json", json.dumps(diary).encode(), content_type="application/json")})  # fmt: skip
    own = {"own_name": "Zelda's towel stretch", "own_steps": "Zelda lies on a towel.",
           "own_times": "1", "own_days": ["0", "3"]}  # fmt: skip
    phone.post(reverse("tracker:choose_exercises"), {"starts_on": today.isoformat(), **own})
    plans.record_exercise_day(
        patient=zelda, day=today, marks={"own-zeldas-towel-stretch": "done"}, pain_after="worse"
    )
    phone.get(reverse("tracker:export_json"))
    phone.get(reverse("tracker:export_csv"))
    code = phone.post(reverse("sharing:new"), {"how": "code", "send_alerts": "on"}).context["code"]
    physio, physio_device = physiotherapist("pat.physio@example.com")
    physio_device.post(reverse("physio:redeem_code"), {"code": code})
    physio_device.get(reverse("physio:caseload"))
    plans.propose_plan(
        patient=zelda, physiotherapist=physio, starts_on=today, note="For Zelda, gently.",
        prescriptions=[Prescription(name="Zelda's wall slide", steps=["Slide, Zelda."])],
    )  # fmt: skip
    physio_device.get(reverse("physio:review", args=[zelda.pk]))
    physio_device.get(reverse("physio:export_csv", args=[zelda.pk]))
    _, stranger = physiotherapist("other.physio@example.com")
    for _ in range(3):
        stranger.get(reverse("physio:review", args=[zelda.pk]))
    everything_about(zelda, physiotherapist("third.physio@example.com")[0])
    LogEntry.objects.create(
        user=physio, content_type=ContentType.objects.get_for_model(User),
        object_id=str(zelda.pk), object_repr=str(zelda), action_flag=CHANGE,
        change_message="Changed display name.",
    )  # fmt: skip
    phone.post(reverse("tracker:delete_account"), {"password": "not-my-password"})
    share = Share.objects.filter(patient=zelda, revoked_at=None).first()
    assert share is not None
    phone.post(reverse("sharing:revoke", args=[share.pk]))
    phone.post(reverse("accounts:password_reset"), {"email": EMAIL})
    link = found(r"https?://\S+/password/reset/\S+/", mail.outbox[-1].body, group=0)
    return devices, link


def test_after_deleting_the_account_no_table_names_or_points_to_the_person(client) -> None:
    zelda = User.objects.create_user(EMAIL, PASSWORD, id=PERSON_ID, display_name="Zelda Quimby")
    Profile.objects.create(user=zelda, birth_year=1980, time_zone="Europe/London",
                           onboarded_at=timezone.now())  # fmt: skip
    devices, reset_link = live_through_a_few_weeks(zelda)
    before = traces()
    assert {trace.split(":")[0] for trace in before} >= {
        "accounts_auditevent.actor_email", "accounts_auditevent.detail",
        "accounts_session.session_data", "axes_accessattempt.username",
        "django_admin_log.object_repr", "tracker_entry.notes", "exercises_planitem.name",
        "exercises_planversion.note",
    }, "the scan finds what it looks for"  # fmt: skip
    assert Client().get(reset_link, follow=True).context["validlink"] is True
    assert counts_in_the_cache(PERSON_ID), "the saves and the import were counted"
    kept = AuditEvent.objects.count()

    response = devices[0].post(reverse("tracker:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert traces() == []
    assert counts_in_the_cache(PERSON_ID) == {}
    assert AuditEvent.objects.count() == kept + 1, "what happened and when stays"
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DELETED, actor=None).exists()
    for device in devices[1:]:
        assert device.get(reverse("tracker:today")).status_code == 302
    assert client.get(reset_link, follow=True).context["validlink"] is False
