"""The daily reminder: when it is due (across daylight-saving changes), and claiming it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection

from accounts.models import User
from notify.models import Kind, Message
from tracker import reminders
from tracker.models import Entry, Profile
from tracker.reminders import next_reminder_time

UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- When the reminder is due (pure) --------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "after", "at", "expected"),
    [
        # London springs forward on 29 March 2026 (01:00 GMT becomes 02:00 BST).
        (LONDON, utc(2026, 3, 28, 12), dt.time(20), utc(2026, 3, 28, 20)),
        (LONDON, utc(2026, 3, 28, 21), dt.time(20), utc(2026, 3, 29, 19)),
        (LONDON, utc(2026, 3, 28, 21), dt.time(1, 30), utc(2026, 3, 29, 1, 30)),  # 02:30 BST
        # London falls back on 25 October 2026 (02:00 BST becomes 01:00 GMT).
        (LONDON, utc(2026, 10, 24, 21), dt.time(20), utc(2026, 10, 25, 20)),
        (LONDON, utc(2026, 10, 24, 21), dt.time(1, 30), utc(2026, 10, 25, 0, 30)),  # the first
        (LONDON, utc(2026, 10, 25, 0, 30), dt.time(1, 30), utc(2026, 10, 26, 1, 30)),
        # New York springs forward on 8 March 2026 (02:00 EST becomes 03:00 EDT).
        (NEW_YORK, utc(2026, 3, 7, 20), dt.time(20), utc(2026, 3, 8, 1)),
        (NEW_YORK, utc(2026, 3, 8, 1), dt.time(20), utc(2026, 3, 9, 0)),
        (NEW_YORK, utc(2026, 3, 8, 1), dt.time(2, 30), utc(2026, 3, 8, 7, 30)),  # 03:30 EDT
        # New York falls back on 1 November 2026 (02:00 EDT becomes 01:00 EST).
        (NEW_YORK, utc(2026, 11, 1, 0, 30), dt.time(20), utc(2026, 11, 2, 1)),
        (NEW_YORK, utc(2026, 11, 1, 0, 30), dt.time(1, 30), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, utc(2026, 11, 1, 5, 30), dt.time(1, 30), utc(2026, 11, 2, 6, 30)),
    ],
)
def test_the_next_reminder_keeps_the_local_hour_across_daylight_saving_changes(
    zone: zoneinfo.ZoneInfo, after: dt.datetime, at: dt.time, expected: dt.datetime
) -> None:
    assert next_reminder_time(after=after, reminder_time=at, zone=zone) == expected


def test_the_next_reminder_is_strictly_after_the_given_moment() -> None:
    at = utc(2026, 1, 10, 20)
    assert next_reminder_time(after=at, reminder_time=dt.time(20), zone=LONDON) == utc(
        2026, 1, 11, 20
    )


def test_a_pause_moves_the_next_reminder_to_the_day_after_it() -> None:
    due = next_reminder_time(
        after=utc(2026, 1, 10, 9),
        reminder_time=dt.time(20),
        zone=LONDON,
        paused_until=dt.date(2026, 1, 12),
    )
    assert due == utc(2026, 1, 13, 20)


def test_no_reminder_time_means_no_reminder() -> None:
    assert next_reminder_time(after=utc(2026, 1, 10), reminder_time=None, zone=LONDON) is None


# --- The dispatcher over a daylight-saving day ----------------------------------------------


def patient_with_reminder(
    email: str, zone: zoneinfo.ZoneInfo, at: dt.time, now: dt.datetime
) -> User:
    user = User.objects.create_user(email)  # no password: hashing one is slow
    profile = Profile(user=user, time_zone=str(zone), reminder_time=at, onboarded_at=now)
    profile.next_reminder_at = reminders.next_reminder_at(profile, after=now)
    profile.save()
    return user


def run_beat(start: dt.datetime, end: dt.datetime, every: dt.timedelta) -> None:
    """What beat and the workers do, every `every`, from `start` to `end`."""
    moment = start
    while moment <= end:
        with time_machine.travel(moment, tick=False):
            for chunk in reminders.chunks_of_due_profiles(moment):
                reminders.send_reminders(chunk, moment)
        moment += every


def reminder_moments(user: User) -> list[dt.datetime]:
    sent = Message.objects.filter(user=user, kind=Kind.REMINDER).order_by("created_at")
    return [message.created_at for message in sent]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        (LONDON, dt.date(2026, 3, 29), dt.time(20), [utc(2026, 3, 28, 20), utc(2026, 3, 29, 19)]),
        (
            LONDON,
            dt.date(2026, 3, 29),
            dt.time(1, 30),
            [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)],
        ),
        (
            LONDON,
            dt.date(2026, 10, 25),
            dt.time(20),
            [utc(2026, 10, 24, 19), utc(2026, 10, 25, 20)],
        ),
        (
            LONDON,
            dt.date(2026, 10, 25),
            dt.time(1, 30),
            [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
        ),
        (NEW_YORK, dt.date(2026, 3, 8), dt.time(20), [utc(2026, 3, 8, 1), utc(2026, 3, 9, 0)]),
        (
            NEW_YORK,
            dt.date(2026, 3, 8),
            dt.time(2, 30),
            [utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)],
        ),
        (NEW_YORK, dt.date(2026, 11, 1), dt.time(20), [utc(2026, 11, 1, 0), utc(2026, 11, 2, 1)]),
        (
            NEW_YORK,
            dt.date(2026, 11, 1),
            dt.time(1, 30),
            [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)],
        ),
    ],
)
def test_the_reminder_fires_once_a_day_at_the_local_time_on_change_days(
    zone: zoneinfo.ZoneInfo, day: dt.date, at: dt.time, expected: list[dt.datetime]
) -> None:
    # From noon the day before to noon the day after, local time, with a beat every 10 min.
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(12), zone).astimezone(UTC)
    person = patient_with_reminder("dst@example.com", zone, at, start)

    run_beat(start, end, dt.timedelta(minutes=10))

    assert reminder_moments(person) == expected


# --- Claiming a due reminder ----------------------------------------------------------------

NOW = utc(2026, 1, 14, 20)  # 20:00 in London, in winter
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def alice_due(db: None) -> User:
    return patient_with_reminder("alice@example.com", LONDON, dt.time(20), NOW - HOUR)


def dispatch(now: dt.datetime = NOW) -> int:
    with time_machine.travel(now, tick=False):
        return sum(
            reminders.send_reminders(chunk, now) for chunk in reminders.chunks_of_due_profiles(now)
        )


def test_a_due_reminder_is_sent_and_the_next_one_scheduled(alice_due: User) -> None:
    assert dispatch() == 1
    message = Message.objects.get(user=alice_due)
    assert message.key == f"reminder:{alice_due.pk}:2026-01-14"
    assert message.url == "/today/"
    alice_due.profile.refresh_from_db()
    assert alice_due.profile.next_reminder_at == utc(2026, 1, 15, 20)


def test_a_second_beat_at_the_same_minute_sends_nothing_more(alice_due: User) -> None:
    dispatch()
    dispatch()
    dispatch(NOW + dt.timedelta(seconds=30))
    assert Message.objects.filter(user=alice_due).count() == 1


def test_a_worker_holding_a_stale_row_loses_the_claim(alice_due: User) -> None:
    stale = Profile.objects.get(user=alice_due)
    assert reminders.remind_all([Profile.objects.get(user=alice_due)], NOW) == 1
    assert reminders.remind_all([stale], NOW) == 0
    assert Message.objects.filter(user=alice_due).count() == 1


def test_a_claim_whose_message_fails_is_rolled_back_and_claimed_again(
    alice_due: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_send(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reminders, "send_many", broken_send)
    with pytest.raises(RuntimeError):
        dispatch()
    alice_due.profile.refresh_from_db()
    assert alice_due.profile.next_reminder_at == NOW

    monkeypatch.undo()
    assert dispatch() == 1


def test_a_logged_day_gets_no_reminder_but_moves_on(alice_due: User) -> None:
    Entry.objects.create(user=alice_due, date=dt.date(2026, 1, 14), pain=3)
    assert dispatch() == 0
    assert not Message.objects.exists()
    alice_due.profile.refresh_from_db()
    assert alice_due.profile.next_reminder_at == utc(2026, 1, 15, 20)


def test_yesterdays_entry_does_not_count_for_today(alice_due: User) -> None:
    Entry.objects.create(user=alice_due, date=dt.date(2026, 1, 13), pain=3)
    assert dispatch() == 1


def test_paused_reminders_are_not_sent(alice_due: User) -> None:
    Profile.objects.filter(user=alice_due).update(reminders_paused_until=dt.date(2026, 1, 15))
    assert dispatch() == 0
    alice_due.profile.refresh_from_db()
    assert alice_due.profile.next_reminder_at == utc(2026, 1, 16, 20)


def test_a_reminder_hours_late_is_skipped_not_sent_in_the_night(alice_due: User) -> None:
    assert dispatch(NOW + dt.timedelta(hours=7)) == 0
    alice_due.profile.refresh_from_db()
    assert alice_due.profile.next_reminder_at == utc(2026, 1, 15, 20)


def test_a_reminder_a_little_late_is_still_sent(alice_due: User) -> None:
    assert dispatch(NOW + dt.timedelta(minutes=20)) == 1


def test_an_inactive_account_gets_no_reminder(alice_due: User) -> None:
    User.objects.filter(pk=alice_due.pk).update(is_active=False)
    assert dispatch() == 0


def test_moving_west_after_todays_reminder_sends_no_second_one_that_day(
    alice_due: User,
) -> None:
    dispatch()  # 20:00 in London
    later = NOW + dt.timedelta(hours=1)  # 16:00 in New York, the same local day
    with time_machine.travel(later, tick=False):
        profile = Profile.objects.get(user=alice_due)
        profile.time_zone = "America/New_York"
        profile.next_reminder_at = reminders.next_reminder_at(profile, after=later)
        profile.save()
    assert profile.next_reminder_at == utc(2026, 1, 15, 1)  # 20:00 in New York, 14 January

    run_beat(later, utc(2026, 1, 16, 2), dt.timedelta(minutes=30))

    keys = list(Message.objects.order_by("created_at").values_list("key", flat=True))
    assert keys == [f"reminder:{alice_due.pk}:2026-01-14", f"reminder:{alice_due.pk}:2026-01-15"]
    assert reminder_moments(alice_due)[1] == utc(2026, 1, 16, 1)


def test_moving_east_gets_the_next_local_days_reminder_at_the_new_local_time(
    db: None,
) -> None:
    start = utc(2026, 1, 14, 12)
    bob = patient_with_reminder("bob@example.com", NEW_YORK, dt.time(20), start)
    run_beat(start, utc(2026, 1, 15, 1, 30), dt.timedelta(minutes=30))  # sent 20:00 New York
    moved = utc(2026, 1, 15, 2)
    with time_machine.travel(moved, tick=False):
        profile = Profile.objects.get(user=bob)
        profile.time_zone = "Europe/London"
        profile.next_reminder_at = reminders.next_reminder_at(profile, after=moved)
        profile.save()
    run_beat(moved, utc(2026, 1, 16, 0), dt.timedelta(minutes=30))
    assert reminder_moments(bob) == [utc(2026, 1, 15, 1), utc(2026, 1, 15, 20)]


def test_only_due_profiles_are_read_and_through_the_index(db: None) -> None:
    due = patient_with_reminder("due@example.com", LONDON, dt.time(19), NOW - 2 * HOUR)
    patient_with_reminder("later@example.com", LONDON, dt.time(21), NOW)
    Profile.objects.create(user=User.objects.create_user("never@example.com"))  # no reminder
    assert reminders.due_profile_ids(NOW) == [due.profile.pk]
    if connection.vendor == "sqlite":
        plan = Profile.objects.filter(next_reminder_at__lte=NOW).explain()
        assert "USING INDEX" in plan and "next_reminder_at" in plan


def test_due_profiles_are_queued_in_chunks(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders, "CHUNK_SIZE", 2)
    for number in range(5):
        patient_with_reminder(f"p{number}@example.com", LONDON, dt.time(19), NOW - 2 * HOUR)
    assert [len(chunk) for chunk in reminders.chunks_of_due_profiles(NOW)] == [2, 2, 1]


NOON_IN_LONDON = dt.datetime(2026, 1, 14, 12, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_one_rule_moves_the_next_reminder_whichever_page_changed_the_settings(alice) -> None:
    """Onboarding's profile form and the notification settings both go through
    `reschedule`: a changed schedule or a missing slot is recomputed, an unchanged one is
    left where it is."""
    from tracker.services import update_profile

    profile = alice.profile
    with time_machine.travel(NOON_IN_LONDON, tick=False):
        update_profile(user=alice, values={"reminder_time": dt.time(20)})
        profile.refresh_from_db()
        assert profile.next_reminder_at == dt.datetime(2026, 1, 14, 20, tzinfo=dt.UTC)
        Profile.objects.filter(pk=profile.pk).update(next_reminder_at=None)
        channels: dict[str, object] = {
            "reminder_channels": [], "escalation_channels": [], "summary_channels": [],
            "quiet_hours_start": None, "quiet_hours_end": None,
        }  # fmt: skip
        reminder = {"reminder_time": dt.time(20), "exercise_reminder_time": None,
                    "time_zone": "Europe/London", "pause_days": 0}  # fmt: skip
        reminders.save_notification_settings(user=alice, reminder=reminder, channels=channels)
        profile.refresh_from_db()
        assert profile.next_reminder_at == dt.datetime(2026, 1, 14, 20, tzinfo=dt.UTC)
    slot = profile.next_reminder_at
    with time_machine.travel(NOON_IN_LONDON + dt.timedelta(hours=8, seconds=30), tick=False):
        # Unchanged, just after it fell due:
        reminders.save_notification_settings(user=alice, reminder=reminder, channels=channels)
        update_profile(user=alice, values={"reminder_time": dt.time(20)})
    profile.refresh_from_db()
    assert profile.next_reminder_at == slot, "a due reminder is not skipped"
