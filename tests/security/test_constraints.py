"""Every invariant the forms check is also a database constraint: data written past the
forms (a bug, a script, the shell) is refused by the database itself.

One case per constraint; a constraint without a case fails
`test_every_constraint_has_a_case`, so a new one comes with its test.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent, RecoveryCode, Role, SecondFactor, User
from notify.models import Delivery, Message, NotificationPreference
from sharing.models import ClinicalNote, Share, ShareCode, ShareInvitation
from summaries.models import PegResponse, SummarySchedule, WeeklySummary
from tracker.models import Entry, Profile
from triage.models import Finding, ProfileFlagClearance

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 20)
WEEK = dt.date(2026, 11, 16)
People = dict[str, User]


def entry(people: People, **fields: Any) -> Entry:
    return Entry.objects.create(user=people["alice"], date=fields.pop("date", DAY), **fields)


def finding(people: People, **fields: object) -> Finding:
    values = {"code": "FEVER", "level": "urgent", "evidence": "x", "since": DAY, **fields}
    return Finding.objects.create(user=people["alice"], **values)


def share_code(people: People, **fields: object) -> ShareCode:
    now = timezone.now()
    values = {"code_hash": uuid.uuid4().hex, "created_at": now,
              "expires_at": now + dt.timedelta(days=7), **fields}  # fmt: skip
    return ShareCode.objects.create(patient=people["alice"], **values)


def message(people: People) -> Message:
    return Message.objects.create(
        key="k", user=people["alice"], kind="reminder", title="t", body="b"
    )


def twice(make: Callable[[], object]) -> None:
    make()
    make()


CASES: dict[str, Callable[[People], object]] = {
    # accounts
    "user_role_known": lambda p: User.objects.create_user("x@example.com", role="admin"),
    "physiotherapist_has_registration_number": lambda p: User.objects.create_user(
        "y@example.com", role=Role.PHYSIOTHERAPIST
    ),
    "user.email": lambda p: User.objects.create(email=p["alice"].email),
    "audit_action_known": lambda p: AuditEvent.objects.create(action="did_something"),
    "second_factor_has_secret": lambda p: SecondFactor.objects.create(user=p["alice"], secret=""),
    "secondfactor.user": lambda p: twice(
        lambda: SecondFactor.objects.create(user=p["alice"], secret="ABC")
    ),
    "recovery_code_unique": lambda p: twice(
        lambda: RecoveryCode.objects.create(user=p["alice"], code_hash="h")
    ),
    # tracker: profile and entries
    "profile_birth_year_range": lambda p: Profile.objects.filter(user=p["alice"]).update(
        birth_year=1800
    ),
    "profile_time_zone_given": lambda p: Profile.objects.filter(user=p["alice"]).update(
        time_zone=""
    ),
    "profile.user": lambda p: Profile.objects.create(user=p["alice"]),
    "one_entry_per_person_per_day": lambda p: twice(lambda: entry(p, pain=3)),
    "entry_client_uuid_unique": lambda p: [
        entry(p, pain=3, client_uuid=uuid.UUID(int=1), date=DAY - dt.timedelta(days=n))
        for n in (0, 1)
    ],
    "entry_pain_0_10": lambda p: entry(p, pain=11),
    "entry.pain": lambda p: entry(p, pain=-1),
    "entry_night_pain_0_10": lambda p: entry(p, pain=3, night_pain=11),
    "entry_active_minutes_range": lambda p: entry(p, pain=3, active_minutes=1441),
    "entry_rest_relief_known": lambda p: entry(p, pain=3, rested=True, rest_relief="maybe"),
    "entry_rest_relief_only_when_rested": lambda p: entry(p, pain=3, rest_relief="yes"),
    "entry_daily_tasks_known": lambda p: entry(p, pain=3, daily_tasks="flying"),
    "entry_sleep_known": lambda p: entry(p, pain=3, sleep="hibernated"),
    "entry_notes_length": lambda p: entry(p, pain=3, notes="x" * 2001),
    # tracker: sharing
    "one_live_share_per_pair": lambda p: twice(
        lambda: Share.objects.create(patient=p["alice"], physiotherapist=p["physio"])
    ),
    "share_with_someone_else": lambda p: Share.objects.create(
        patient=p["alice"], physiotherapist=p["alice"]
    ),
    "one_pending_invitation_per_pair": lambda p: twice(
        lambda: ShareInvitation.objects.create(patient=p["alice"], physiotherapist=p["physio"])
    ),
    "invitation_state_known": lambda p: ShareInvitation.objects.create(
        patient=p["alice"], physiotherapist=p["physio"], state="maybe"
    ),
    "invitation_to_someone_else": lambda p: ShareInvitation.objects.create(
        patient=p["alice"], physiotherapist=p["alice"]
    ),
    "shareinvitation.share": lambda p: [
        ShareInvitation.objects.create(
            patient=p["alice"], physiotherapist=p["physio"], state="accepted", share=share
        )
        for share in [Share.objects.create(patient=p["alice"], physiotherapist=p["physio"])] * 2
    ],
    "share_code_expires_later": lambda p: share_code(p, expires_at=timezone.now()),
    "sharecode.code_hash": lambda p: twice(lambda: share_code(p, code_hash="same")),
    "sharecode.share": lambda p: [
        share_code(p, share=share)
        for share in [Share.objects.create(patient=p["alice"], physiotherapist=p["physio"])] * 2
    ],
    "one_clinical_note_per_pair": lambda p: twice(
        lambda: ClinicalNote.objects.create(physiotherapist=p["physio"], patient=p["alice"])
    ),
    "clinical_note_length": lambda p: ClinicalNote.objects.create(
        physiotherapist=p["physio"], patient=p["alice"], text="x" * 10001
    ),
    # tracker: weekly summaries
    "summary_weekday_0_6": lambda p: SummarySchedule.objects.create(
        user=p["alice"], summary_weekday=7
    ),
    "summaryschedule.user": lambda p: twice(
        lambda: SummarySchedule.objects.create(user=p["alice"])
    ),
    "one_summary_per_person_per_week": lambda p: twice(
        lambda: WeeklySummary.objects.create(
            user=p["alice"], week_start=WEEK, days_logged=0, numbers={}
        )
    ),
    "one_peg_per_person_per_week": lambda p: twice(
        lambda: PegResponse.objects.create(
            user=p["alice"], week_start=WEEK, pain=1, enjoyment=1, activity=1
        )
    ),
    "peg_answers_0_10": lambda p: PegResponse.objects.create(
        user=p["alice"], week_start=WEEK, pain=11, enjoyment=1, activity=1
    ),
    "pegresponse.pain": lambda p: PegResponse.objects.create(
        user=p["alice"], week_start=WEEK, pain=-1, enjoyment=1, activity=1
    ),
    # triage
    "one_open_finding_per_code": lambda p: twice(lambda: finding(p)),
    "finding_level_known": lambda p: finding(p, level="selfcare"),
    "finding_state_known": lambda p: finding(p, state="forgotten"),
    "one_active_clearance_per_code": lambda p: twice(
        lambda: ProfileFlagClearance.objects.create(user=p["alice"], code="AGE")
    ),
    # notify
    "message.key": lambda p: twice(lambda: message(p)),
    "message_kind_known": lambda p: Message.objects.create(
        key="k2", user=p["alice"], kind="gossip", title="t", body="b"
    ),
    "delivery_channel_known": lambda p: Delivery.objects.create(
        message=message(p), channel="pigeon", outcome="pending"
    ),
    "delivery_outcome_known": lambda p: Delivery.objects.create(
        message=message(p), channel="email", outcome="lost"
    ),
    "quiet_hours_both_or_neither": lambda p: NotificationPreference.objects.create(
        user=p["alice"], quiet_hours_start=dt.time(22, 0)
    ),
    "summary_days_logged_0_7": lambda p: WeeklySummary.objects.create(
        user=p["alice"], week_start=WEEK, days_logged=8, numbers={}
    ),
    "one_delivery_per_channel": lambda p: [
        Delivery.objects.create(message=m, channel="email", outcome="pending")
        for m in [message(p)] * 2
    ],
}


@pytest.fixture
def people(alice: User, physio: User) -> People:
    return {"alice": alice, "physio": physio}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_database_refuses_bad_data(people: People, name: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CASES[name](people)


def test_every_constraint_has_a_case() -> None:
    names = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("accounts", "tracker", "triage", "notify"):
            continue
        names |= {constraint.name for constraint in model._meta.constraints}
    assert names - set(CASES) == set()
