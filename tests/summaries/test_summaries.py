"""Weekly summaries: the numbers of a week, when a week ends, sending once, and the pages."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from notify.models import Message
from summaries import tasks
from summaries.models import PegResponse, SummarySchedule, WeeklySummary
from summaries.numbers import FindingNote, PegAnswers, WeekNumbers, compute_week
from summaries.services import build_due_summaries, compute_weeks, due_groups, due_week, save_peg
from summaries.words import in_words
from tests.conftest import make_patient
from tracker.models import Entry
from triage.diary import EntryData
from triage.models import Finding

MONDAY = dt.date(2026, 11, 16)
SUNDAY = MONDAY + dt.timedelta(days=6)
LAST_MONDAY = MONDAY - dt.timedelta(days=7)
UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
# Sunday 22 November 2026, 18:30 in London (GMT) and 10:30 in Los Angeles (PST).
LONDON_SUNDAY_EVENING = dt.datetime(2026, 11, 22, 18, 30, tzinfo=UTC)
# Sunday 22 November 2026, 18:30 in Los Angeles; Monday 02:30 in London.
LOS_ANGELES_SUNDAY_EVENING = dt.datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
SCHEDULE_FORM = {"summary_weekday": "0", "summary_time": "09:30"}


def day(offset: int) -> dt.date:
    """A day of the summarised week: 0 is Monday 16 November, -7 the Monday before."""
    return MONDAY + dt.timedelta(days=offset)


def entry(offset: int, pain: int, **values: object) -> EntryData:
    return EntryData(date=day(offset), pain=pain, **values)  # type: ignore[arg-type]


def week_of(pains: list[int], start: int = 0) -> list[EntryData]:
    return [entry(start + n, pain) for n, pain in enumerate(pains)]


def log(user: User, offset: int, pain: int, **values: object) -> Entry:
    return Entry.objects.create(user=user, date=day(offset), pain=pain, **values)


# --- The numbers ---------------------------------------------------------------------------


def test_a_week_gives_the_numbers_worked_out_by_hand() -> None:
    entries = [
        entry(0, 4, night_pain=2, active_minutes=30),
        entry(1, 3, active_minutes=0),
        entry(2, 6, night_pain=5, rested=True, active_minutes=10),
        entry(4, 2, night_pain=0, active_minutes=45),
        entry(6, 5, night_pain=3, rested=True, active_minutes=20),
        # Last week: three days of 7, 6, 7 and three nights of 4.
        entry(-7, 7, night_pain=4),
        entry(-6, 6, night_pain=4),
        entry(-5, 7, night_pain=4),
    ]
    findings = [
        FindingNote("NIGHT_WORSE", "urgent", day(3)),
        FindingNote("WORSENING", "soon", day(1)),
        FindingNote("FEVER", "urgent", day(-2)),  # the week before: not this week's
    ]
    numbers = compute_week(
        entries,
        findings,
        MONDAY,
        peg=PegAnswers(6, 5, 4),
        previous_peg=PegAnswers(7, 7, 7),
    )

    assert numbers.days_logged == 5
    assert numbers.pain_by_day == (4, 3, 6, None, 2, None, 5)
    # Day pain: (4 + 3 + 6 + 2 + 5) / 5 = 4.0 against (7 + 6 + 7) / 3 = 6.67: down 2.67.
    assert numbers.day_pain.this_week == 4.0
    assert numbers.day_pain.last_week == pytest.approx(6.667, abs=0.001)
    assert numbers.day_pain.change == pytest.approx(-2.667, abs=0.001)
    assert numbers.day_pain.reading == "better"
    # Night pain: (2 + 5 + 0 + 3) / 4 = 2.5 against 4.0: down 1.5, more than 30% of 4.
    assert numbers.night_pain.this_week == 2.5
    assert numbers.night_pain.last_week == 4.0
    assert numbers.night_pain.reading == "better"
    assert numbers.nights_with_night_pain == 3  # 2, 5 and 3; the night of 0 is not one
    assert numbers.active_minutes == 105
    assert numbers.rest_days == 2
    assert [(f.code, f.level, f.title) for f in numbers.findings] == [
        ("NIGHT_WORSE", "urgent", "Pain worse at night"),
        ("WORSENING", "soon", "Pain getting worse"),
    ]
    assert numbers.peg == 5.0
    assert numbers.previous_peg == 7.0
    assert numbers.peg_change == -2.0

    words = in_words(numbers)
    assert words.logged == "You logged 5 of 7 days this week."
    assert words.day_pain == "Daytime pain averaged 4.0, against 6.7 last week: better."
    assert words.night_pain == "Night pain averaged 2.5, against 4.0 last week: better."
    assert words.peg == (
        "Your PEG score this week is 5.0 out of 10. That is 2.0 lower than last week (7.0)."
    )


@pytest.mark.parametrize("days", [0, 1, 2])
def test_a_week_with_fewer_than_three_days_says_so_and_reads_no_trend(days: int) -> None:
    numbers = compute_week([*week_of([8] * days), *week_of([2, 2, 2], start=-7)], [], MONDAY)
    assert numbers.day_pain.reading is None
    assert numbers.day_pain.change is None
    logged = in_words(numbers).logged
    assert "there is not enough to show a trend" in logged
    if days == 2:
        assert logged == ("Only 2 days logged this week, so there is not enough to show a trend.")
    assert "better" not in str(in_words(numbers)) and "worse" not in str(in_words(numbers))


def test_a_week_is_not_compared_with_a_last_week_of_fewer_than_three_days() -> None:
    numbers = compute_week([*week_of([2, 2, 2, 2]), *week_of([9, 9], start=-7)], [], MONDAY)
    assert numbers.day_pain.reading is None
    assert in_words(numbers).day_pain == (
        "Daytime pain averaged 2.0; too few days were logged to compare with last week."
    )


@pytest.mark.parametrize(
    ("last_week", "this_week", "reading"),
    [
        # Mean 8 to 6: 2 points, though less than 30% of 8 (2.4).
        ([8, 8, 8], [6, 6, 6], "better"),
        ([8, 8, 8], [10, 10, 10], "worse"),
        # Mean 8 to 6.33: 1.67 points, below both 2 points and 2.4.
        ([8, 8, 8], [6, 6, 7], "same"),
        # Mean 3 to 2: 1 point, at least 30% of 3 (0.9).
        ([3, 3, 3], [2, 2, 2], "better"),
        ([3, 3, 3], [4, 4, 4], "worse"),
        # Mean 3 to 3.67: 0.67 points, below 0.9.
        ([3, 3, 3], [4, 4, 3], "same"),
        # Mean 5 to 3.5: exactly 30% of 5.
        ([5, 5, 5], [3, 4, 4, 3], "better"),
        # Mean 5 to 6.33: 1.33 points, below 1.5 and 2.
        ([5, 5, 5], [6, 6, 7], "same"),
        # From no pain at all, 30% of nothing is no threshold: only 2 points count.
        ([0, 0, 0], [1, 1, 1], "same"),
        ([0, 0, 0], [2, 2, 2], "worse"),
        ([4, 4, 4], [4, 4, 4], "same"),
    ],
)
def test_a_meaningful_change_is_two_points_or_thirty_percent(
    last_week: list[int], this_week: list[int], reading: str
) -> None:
    numbers = compute_week([*week_of(this_week), *week_of(last_week, start=-7)], [], MONDAY)
    assert numbers.day_pain.reading == reading


def test_what_seems_to_help_needs_three_days_with_and_three_without() -> None:
    window = [
        # Walking on three days (pain 2), not on three others (pain 5): compared.
        entry(-20, 2, activities=("walking", "yoga")),
        entry(-13, 2, activities=("walking", "yoga")),
        entry(0, 2, activities=("walking", "yoga", "swimming")),
        entry(1, 5, activities=("yoga",), self_care=("heat_or_cold",)),
        entry(2, 5, activities=("yoga", "swimming"), self_care=("heat_or_cold",)),
        entry(3, 5, activities=("yoga",), self_care=("heat_or_cold",)),
        # 29 days before the Sunday: outside the 4 weeks, never counted.
        entry(-22, 0, activities=("swimming",)),
    ]
    numbers = compute_week(window, [], MONDAY)
    # Swimming: only 2 days within the 4 weeks. Yoga: no day without it.
    # Heat or cold: 3 days with (5) and 3 without (2): compared, but does not seem to help.
    assert [(a.item, a.days_with, a.days_without) for a in numbers.associations] == [
        ("walking", 3, 3),
        ("heat_or_cold", 3, 3),
    ]
    words = in_words(numbers)
    assert words.helps == (
        "On days you went walking your pain averaged 2.0, and 5.0 on days you did not. "
        "This does not prove walking helps, but it may be worth keeping up.",
    )
    assert words.encouragement.startswith("Walking went with your easier days.")


def test_with_nothing_to_compare_the_self_care_line_is_a_gentle_general_one() -> None:
    numbers = compute_week(week_of([3, 4, 5]), [], MONDAY)
    words = in_words(numbers)
    assert numbers.associations == ()
    assert words.helps == ()
    assert words.encouragement.startswith("Gentle movement, heat or cold")


def test_stored_numbers_read_back_the_same() -> None:
    numbers = compute_week(
        [entry(0, 2, activities=("walking",)), *week_of([3, 4, 5], start=1)],
        [FindingNote("FEVER", "urgent", day(2))],
        MONDAY,
        peg=PegAnswers(3, 4, 4),
    )
    assert WeekNumbers.from_json(numbers.to_json()) == numbers


# --- When a week ends ----------------------------------------------------------------------


def test_sunday_evening_in_london_is_still_sunday_morning_in_los_angeles() -> None:
    in_london = LONDON_SUNDAY_EVENING.astimezone(LONDON)
    in_los_angeles = LONDON_SUNDAY_EVENING.astimezone(LOS_ANGELES)
    assert due_week(in_london, 6, dt.time(18, 0)) == MONDAY
    assert due_week(in_los_angeles, 6, dt.time(18, 0)) is None
    later = LOS_ANGELES_SUNDAY_EVENING.astimezone(LOS_ANGELES)
    assert due_week(later, 6, dt.time(18, 0)) == MONDAY


def test_a_monday_morning_summary_covers_the_week_that_ended_the_night_before() -> None:
    sunday_evening = dt.datetime(2026, 11, 22, 19, 0)
    monday_morning = dt.datetime(2026, 11, 23, 9, 0)
    assert due_week(sunday_evening, 0, dt.time(9, 0)) is None
    assert due_week(monday_morning, 0, dt.time(9, 0)) == MONDAY


def test_a_week_missed_for_more_than_two_days_is_skipped() -> None:
    assert due_week(dt.datetime(2026, 11, 24, 17, 59), 6, dt.time(18, 0)) == MONDAY
    assert due_week(dt.datetime(2026, 11, 24, 18, 0), 6, dt.time(18, 0)) is None


@pytest.mark.django_db
def test_at_one_instant_the_london_week_has_ended_and_the_los_angeles_one_has_not(
    django_capture_on_commit_callbacks,
) -> None:
    alice = make_patient("alice@example.com", zone="Europe/London")
    carol = make_patient("carol@example.com", zone="America/Los_Angeles")
    for person in (alice, carol):
        for offset in range(5):
            log(person, offset, 4)

    with django_capture_on_commit_callbacks(execute=True):
        build_due_summaries(LONDON_SUNDAY_EVENING)
    assert list(WeeklySummary.objects.values_list("user__email", "week_start")) == [
        ("alice@example.com", MONDAY)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        build_due_summaries(LOS_ANGELES_SUNDAY_EVENING)
    assert WeeklySummary.objects.get(user=carol).week_start == MONDAY
    assert WeeklySummary.objects.count() == 2


@pytest.mark.django_db
def test_a_person_may_choose_when_their_summary_arrives() -> None:
    alice = make_patient("alice@example.com")
    for offset in range(3):
        log(alice, offset, 4)
    SummarySchedule.objects.create(user=alice, summary_weekday=0, summary_time=dt.time(9, 0))

    build_due_summaries(LONDON_SUNDAY_EVENING)
    assert not WeeklySummary.objects.exists()
    build_due_summaries(dt.datetime(2026, 11, 23, 9, 5, tzinfo=UTC))
    assert WeeklySummary.objects.get(user=alice).week_start == MONDAY


# --- Building and sending once -------------------------------------------------------------


@pytest.mark.django_db
def test_a_summary_is_stored_and_sent_once_however_often_the_batch_runs(
    alice, django_capture_on_commit_callbacks
) -> None:
    for offset, pain in enumerate([4, 3, 6, 2, 5]):
        log(alice, offset, pain, night_pain=2, active_minutes=20)

    with django_capture_on_commit_callbacks(execute=True):
        assert build_due_summaries(LONDON_SUNDAY_EVENING) == 1
        assert build_due_summaries(LONDON_SUNDAY_EVENING) == 0
        assert build_due_summaries(LONDON_SUNDAY_EVENING + dt.timedelta(hours=2)) == 0

    summary = WeeklySummary.objects.get()
    assert (summary.user, summary.week_start, summary.days_logged) == (alice, MONDAY, 5)
    message = Message.objects.get()
    assert message.key == f"summary:{alice.pk}:2026-11-16"
    assert message.kind == "summary"
    assert message.title == "Your week with Upright"
    assert message.url == reverse("summaries:detail", args=[summary.pk])
    assert "You logged 5 of 7 days this week." in message.body
    assert "Minutes active: 100" in message.body
    assert f"See your whole week: {settings.SITE_URL}{message.url}" in message.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your week with Upright"
    assert "You logged 5 of 7 days this week." in mail.outbox[0].body
    assert "&#x27;" not in message.body


@pytest.mark.django_db
def test_the_beat_task_hands_each_chunk_to_a_worker(alice, bob) -> None:
    log(alice, 0, 4)
    with (
        time_machine.travel(LONDON_SUNDAY_EVENING, tick=False),
        mock.patch.object(tasks.build_summary_chunk, "delay") as delay,
    ):
        assert tasks.build_weekly_summaries() == 1
    delay.assert_called_once_with("Europe/London", "2026-11-16", [alice.pk, bob.pk])
    assert tasks.build_summary_chunk(*delay.call_args.args) == 1  # bob logged nothing
    assert WeeklySummary.objects.count() == 2


@pytest.mark.django_db
def test_a_week_with_nothing_logged_is_recorded_but_not_sent(alice) -> None:
    build_due_summaries(LONDON_SUNDAY_EVENING)
    assert WeeklySummary.objects.get(user=alice).days_logged == 0
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_findings_first_seen_in_the_local_week_are_in_its_summary(alice) -> None:
    log(alice, 0, 4)
    # 23:30 on Sunday 15 November in UTC is still the week before in London (GMT)...
    Finding.objects.create(
        user=alice, code="FEVER", level="urgent", evidence="-", since=day(-1),
        first_seen=dt.datetime(2026, 11, 15, 23, 30, tzinfo=UTC),
    )  # fmt: skip
    # ...and Sunday 22 November at 23:30 is this week's.
    Finding.objects.create(
        user=alice, code="WORSENING", level="soon", evidence="-", since=day(6),
        first_seen=dt.datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
    )  # fmt: skip
    numbers = compute_weeks([alice.pk], MONDAY, LONDON)[alice.pk]
    assert [finding.code for finding in numbers.findings] == ["WORSENING"]


@pytest.mark.django_db
def test_choosing_who_is_due_costs_the_same_queries_for_ten_people_as_for_one() -> None:
    make_patient("one@example.com")
    with CaptureQueriesContext(connection) as one:
        due_groups(LONDON_SUNDAY_EVENING)
    for n in range(9):
        make_patient(f"person{n}@example.com")
    with CaptureQueriesContext(connection) as ten:
        groups = due_groups(LONDON_SUNDAY_EVENING)
    assert len(ten.captured_queries) == len(one.captured_queries) == 3  # zones, then 2 weeks
    assert len(groups[0].user_ids) == 10


@pytest.mark.django_db
def test_the_numbers_of_many_people_load_in_four_queries_when_nobody_has_a_plan(alice, bob) -> None:
    log(alice, 0, 4)
    log(bob, 0, 6)
    with CaptureQueriesContext(connection) as queries:
        numbers = compute_weeks([alice.pk, bob.pk], MONDAY, LONDON)
    assert len(queries.captured_queries) == 4  # entries, findings, PEG answers, plans
    assert numbers[alice.pk].day_pain.this_week == 4.0
    assert numbers[bob.pk].day_pain.this_week == 6.0


# --- The pages -----------------------------------------------------------------------------


def summary_of(user: User, week_start: dt.date, pains: list[int]) -> WeeklySummary:
    numbers = compute_week(
        [EntryData(date=week_start + dt.timedelta(days=n), pain=p) for n, p in enumerate(pains)],
        [],
        week_start,
    )
    return WeeklySummary.objects.create(
        user=user, week_start=week_start, days_logged=numbers.days_logged,
        numbers=numbers.to_json(),
    )  # fmt: skip


@pytest.mark.django_db
def test_the_list_shows_weeks_newest_first(alice_client, alice) -> None:
    summary_of(alice, LAST_MONDAY, [5, 5, 5])
    summary_of(alice, MONDAY, [3, 3, 3])
    page = alice_client.get(reverse("summaries:list")).content.decode()
    assert page.index("16 November to 22 November 2026") < page.index(
        "9 November to 15 November 2026"
    )
    assert "Three questions about this week" in page


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_two_weeks_as_for_one(alice_client, alice) -> None:
    summary_of(alice, MONDAY, [3, 3, 3])
    with CaptureQueriesContext(connection) as one:
        alice_client.get(reverse("summaries:list"))
    summary_of(alice, LAST_MONDAY, [5, 5, 5])
    with CaptureQueriesContext(connection) as two:
        alice_client.get(reverse("summaries:list"))
    assert len(two.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_a_week_page_shows_its_numbers_and_a_chart(alice_client, alice) -> None:
    summary = summary_of(alice, MONDAY, [4, 3, 6])
    page = alice_client.get(reverse("summaries:detail", args=[summary.pk])).content.decode()
    assert "You logged 3 of 7 days this week." in page
    assert 'role="img"' in page
    assert '<title id="week-chart-title">Daytime pain each day' in page
    assert "Thursday: not logged." in page
    assert "style=" not in page


@pytest.mark.django_db
def test_another_persons_summary_is_not_found(client, alice, bob) -> None:
    summary = summary_of(alice, MONDAY, [4, 3, 6])
    client.force_login(bob)
    assert client.get(reverse("summaries:detail", args=[summary.pk])).status_code == 404


@pytest.mark.django_db
def test_summaries_are_for_patients_only(client, physio) -> None:
    assert client.get(reverse("summaries:list")).status_code == 302  # to the login page
    client.force_login(physio)
    assert client.get(reverse("summaries:list")).status_code == 404


@pytest.mark.django_db
def test_the_schedule_form_stores_a_day_and_a_time(alice_client, alice) -> None:
    response = alice_client.post(reverse("summaries:schedule"), SCHEDULE_FORM)
    assert response.status_code == 302
    schedule = SummarySchedule.objects.get(user=alice)
    assert (schedule.summary_weekday, schedule.summary_time) == (0, dt.time(9, 30))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"summary_weekday": "9"}, "Choose one of the days listed."),
        ({"summary_time": "25:99"}, "Enter a time like 18:00."),
    ],
)
def test_a_bad_schedule_gets_a_message_at_the_field(alice_client, data, message) -> None:
    response = alice_client.post(reverse("summaries:schedule"), {**SCHEDULE_FORM, **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SummarySchedule.objects.exists()


@pytest.mark.django_db
def test_a_peg_answered_after_the_summary_shows_in_it(alice) -> None:
    PegResponse.objects.create(user=alice, week_start=LAST_MONDAY, pain=7, enjoyment=7, activity=6)
    summary = summary_of(alice, MONDAY, [3, 3, 3])
    save_peg(user=alice, week_start=MONDAY, answers=PegAnswers(5, 6, 6))
    summary.refresh_from_db()
    numbers = WeekNumbers.from_json(summary.numbers)
    # (5 + 6 + 6) / 3 = 5.67 against (7 + 7 + 6) / 3 = 6.67.
    assert in_words(numbers).peg == (
        "Your PEG score this week is 5.7 out of 10. That is 1.0 lower than last week (6.7)."
    )
