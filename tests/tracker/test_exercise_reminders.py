"""The exercise reminder: at its own local time, only on days with exercises to do and not
once they are all ticked, exactly once a day, by the same dispatcher as the daily one."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from accounts.models import User
from exercises import plans
from exercises.models import Exercise
from exercises.plans import Prescription
from notify.models import Kind, Message
from tracker import reminders
from tracker.models import Profile
from tracker.tasks import send_due_reminders

pytestmark = pytest.mark.django_db
UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
WEDNESDAY = dt.date(2026, 1, 14)


def person(email: str, *, daily: dt.time | None, exercises: dt.time | None, now) -> User:
    user = User.objects.create_user(email)
    profile = Profile(
        user=user, time_zone="Europe/London", reminder_time=daily,
        exercise_reminder_time=exercises, onboarded_at=now,
    )  # fmt: skip
    reminders.reschedule(profile, schedule_before=(), now=now)
    profile.save()
    return user


def give_plan(user: User, starts: dt.date, weekdays=(0, 1, 2, 3, 4, 5, 6)) -> None:
    plans.choose_own_plan(
        patient=user, today=starts,
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="chin-tuck"),
                                    weekdays=list(weekdays)),
                       Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip


def beat(start: dt.datetime, end: dt.datetime, every=dt.timedelta(minutes=10)) -> None:
    moment = start
    while moment <= end:
        with time_machine.travel(moment, tick=False):
            for reminder in reminders.REMINDERS.values():
                for chunk in reminders.chunks_of_due_profiles(moment, reminder):
                    reminders.send_reminders(chunk, moment, reminder)
        moment += every


def sent(user: User) -> list[tuple[str, str]]:
    messages = Message.objects.filter(user=user, kind=Kind.REMINDER).order_by("created_at")
    return [(m.key.split(":")[0], m.body) for m in messages]


def test_the_exercise_reminder_comes_at_its_own_time_naming_the_exercises():
    start = dt.datetime(2026, 1, 14, 6, tzinfo=UTC)
    alice = person("alice@example.com", daily=dt.time(20), exercises=dt.time(8), now=start)
    give_plan(alice, WEDNESDAY)
    beat(start, dt.datetime(2026, 1, 14, 21, tzinfo=UTC))
    assert sent(alice) == [
        ("exercise-reminder", "Today: Chin tuck, A walk. Tick them off in today's entry."),
        ("reminder", reminders.BODY + reminders.WITH_EXERCISES),
    ]
    first = Message.objects.filter(user=alice).order_by("created_at").first()
    assert first is not None
    assert first.created_at == dt.datetime(2026, 1, 14, 8, tzinfo=UTC)


def test_no_exercise_reminder_without_a_plan_and_the_daily_one_says_nothing_of_exercises():
    start = dt.datetime(2026, 1, 14, 6, tzinfo=UTC)
    bob = person("bob@example.com", daily=dt.time(20), exercises=dt.time(8), now=start)
    beat(start, dt.datetime(2026, 1, 14, 21, tzinfo=UTC))
    assert sent(bob) == [("reminder", reminders.BODY)]


def test_not_on_a_day_off_nor_once_every_exercise_is_ticked():
    start = dt.datetime(2026, 1, 13, 6, tzinfo=UTC)  # a Tuesday
    alice = person("alice@example.com", daily=None, exercises=dt.time(8), now=start)
    plans.choose_own_plan(
        patient=alice, today=dt.date(2026, 1, 13),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"), weekdays=[2])],
    )  # fmt: skip
    beat(start, dt.datetime(2026, 1, 13, 12, tzinfo=UTC))
    assert sent(alice) == []  # Tuesday is a day off
    plans.record_exercise_day(patient=alice, day=WEDNESDAY, marks={"walk": "not_today"})
    beat(dt.datetime(2026, 1, 14, 6, tzinfo=UTC), dt.datetime(2026, 1, 14, 12, tzinfo=UTC))
    assert sent(alice) == []  # already answered for Wednesday
    beat(dt.datetime(2026, 1, 21, 6, tzinfo=UTC), dt.datetime(2026, 1, 21, 12, tzinfo=UTC))
    assert [key for key, _ in sent(alice)] == ["exercise-reminder"]


def test_the_exercise_reminder_keeps_its_local_hour_across_the_spring_change_and_comes_once():
    day = dt.date(2026, 3, 29)
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), LONDON).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(12), LONDON).astimezone(UTC)
    alice = person("alice@example.com", daily=None, exercises=dt.time(9), now=start)
    give_plan(alice, day - dt.timedelta(days=1))
    beat(start, end)
    beat(start, end)  # beat again over the same hours: nothing twice
    moments = [m.created_at for m in Message.objects.filter(user=alice).order_by("created_at")]
    assert moments == [
        dt.datetime(2026, 3, 29, 8, tzinfo=UTC),  # 09:00 BST
        dt.datetime(2026, 3, 30, 8, tzinfo=UTC),
    ]


def test_the_beat_task_queues_both_kinds(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    now = dt.datetime(2026, 1, 14, 8, 5, tzinfo=UTC)
    alice = person(
        "alice@example.com", daily=dt.time(8), exercises=dt.time(8), now=now - dt.timedelta(hours=1)
    )
    give_plan(alice, WEDNESDAY)
    with time_machine.travel(now, tick=False):
        assert send_due_reminders() == 2
    assert sorted(key for key, _ in sent(alice)) == ["exercise-reminder", "reminder"]
