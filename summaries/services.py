"""Weekly summaries: loading a week's numbers in bulk, storing one summary per person and
week, sending it in the same transaction, and finding whose local week has just ended.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import batched

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from exercises.queries import day_counts_by_patient
from notify.models import Kind
from notify.preferences import channels_for_many
from notify.service import Outgoing, send_many
from notify.transports import absolute_url
from summaries.models import (
    DEFAULT_SUMMARY_TIME,
    DEFAULT_SUMMARY_WEEKDAY,
    PegResponse,
    SummarySchedule,
    WeeklySummary,
)
from summaries.numbers import (
    ASSOCIATION_DAYS,
    WEEK,
    FindingNote,
    PegAnswers,
    WeekNumbers,
    compute_week,
)
from summaries.words import in_words
from tracker.models import Entry, Profile
from tracker.queries import zones_of
from tracker.reminders import local_moment
from triage.diary import EntryData
from triage.models import Finding

CHUNK_SIZE = 500  # people loaded together
WRITE_BATCH = 100  # people stored and sent in one transaction
# A summary still goes out this long after its moment (workers down over a weekend, say);
# later, it would be news of a week long gone, so that week is skipped.
CATCH_UP_DAYS = 2
CATCH_UP = dt.timedelta(days=CATCH_UP_DAYS)
TITLE = "Your week with Upright"

# --- Loading, storing, sending -----------------------------------------------------------

ENTRY_COLUMNS = ("user_id", "date", "pain", "night_pain", "rested", "active_minutes",
                 "activities", "self_care")  # fmt: skip


def compute_weeks(
    user_ids: Sequence[int], week_start: dt.date, zone: zoneinfo.ZoneInfo
) -> dict[int, WeekNumbers]:
    """Each person's numbers for one week, in a fixed number of queries however many
    people: three, then one for exercise plans (four more when someone has one)."""
    week_end = week_start + dt.timedelta(days=6)
    window_start = week_end - dt.timedelta(days=ASSOCIATION_DAYS - 1)
    entries: dict[int, list[EntryData]] = defaultdict(list)
    rows = Entry.objects.filter(
        user_id__in=user_ids,
        date__gte=window_start,
        date__lte=week_end,
    )
    for user_id, day, pain, night, rested, minutes, activities, self_care in (
        rows.order_by().values_list(*ENTRY_COLUMNS).iterator(chunk_size=5000)
    ):
        entries[user_id].append(
            EntryData(date=day, pain=pain, night_pain=night, rested=rested,
                      active_minutes=minutes, activities=tuple(activities or ()),
                      self_care=tuple(self_care or ()))
        )  # fmt: skip
    findings: dict[int, list[FindingNote]] = defaultdict(list)
    seen = Finding.objects.filter(
        user_id__in=user_ids,
        first_seen__gte=local_moment(week_start, dt.time(0), zone),
        first_seen__lt=local_moment(week_start + WEEK, dt.time(0), zone),
    )
    for user_id, code, level, first_seen in seen.order_by().values_list(
        "user_id", "code", "level", "first_seen"
    ):
        findings[user_id].append(FindingNote(code, level, first_seen.astimezone(zone).date()))
    pegs: dict[tuple[int, dt.date], PegAnswers] = {
        (user_id, week): PegAnswers(pain, enjoyment, activity)
        for user_id, week, pain, enjoyment, activity in PegResponse.objects.filter(
            user_id__in=user_ids, week_start__in=[week_start, week_start - WEEK]
        ).values_list("user_id", "week_start", "pain", "enjoyment", "activity")
    }
    today = timezone.now().astimezone(zone).date()
    exercise_days = day_counts_by_patient(
        user_ids, window_start, week_end, dict.fromkeys(user_ids, today)
    )
    return {
        user_id: compute_week(
            entries[user_id],
            findings[user_id],
            week_start,
            peg=pegs.get((user_id, week_start)),
            previous_peg=pegs.get((user_id, week_start - WEEK)),
            exercise_days=exercise_days.get(user_id, ()),
        )
        for user_id in user_ids
    }


def numbers_for(user: User, week_start: dt.date) -> WeekNumbers:
    """One person's week as it stands now (the physiotherapist's view, a refresh). The
    profile the caller already loaded gives the time zone; else it is read."""
    profile = getattr(user, "profile", None)
    zone = profile.zone if profile is not None else zones_of([user.pk])[user.pk]
    return compute_weeks([user.pk], week_start, zone)[user.pk]


def build_summaries(*, user_ids: Sequence[int], week_start: dt.date, time_zone: str) -> int:
    """Store and send the week's summary of each of these people (all in one time zone) who
    has none yet, chunk by chunk. Returns how many messages were sent."""
    zone = Profile(time_zone=time_zone).zone
    return sum(
        _build_chunk(list(chunk), week_start, zone) for chunk in batched(user_ids, CHUNK_SIZE)
    )


def _build_chunk(user_ids: list[int], week_start: dt.date, zone: zoneinfo.ZoneInfo) -> int:
    users = User.objects.exclude(_has_summary(week_start, "pk")).in_bulk(user_ids)
    numbers = compute_weeks(list(users), week_start, zone)
    batches = batched(numbers.items(), WRITE_BATCH)
    return sum(_store_and_send(batch, users, week_start, zone) for batch in batches)


def _store_and_send(
    batch: Iterable[tuple[int, WeekNumbers]],
    users: dict[int, User],
    week_start: dt.date,
    zone: zoneinfo.ZoneInfo,
) -> int:
    """One short transaction per hundred people (SQLite has one writer at a time): the
    summaries and their messages commit together, so a crash leaves neither, and a rerun
    (or a second worker given the same chunk) finds the rows and sends nothing twice."""
    numbers = dict(batch)
    now = timezone.now()
    with_days = [user_id for user_id, n in numbers.items() if n.days_logged]
    channels = channels_for_many(
        [users[user_id] for user_id in with_days],
        Kind.SUMMARY,
        now,
        zones=dict.fromkeys(with_days, zone),
    )
    with transaction.atomic():
        WeeklySummary.objects.bulk_create(
            [
                WeeklySummary(user_id=user_id, week_start=week_start, days_logged=n.days_logged,
                              numbers=n.to_json(), created_at=now, updated_at=now)
                for user_id, n in numbers.items()
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        stored = WeeklySummary.objects.filter(
            user_id__in=with_days, week_start=week_start
        ).values_list("user_id", "pk")
        sent = send_many(
            outgoing=[
                summary_message(
                    user=users[user_id],
                    summary_id=pk,
                    numbers=numbers[user_id],
                    channels=channels[user_id],
                )
                for user_id, pk in stored
            ]
        )
    return len(sent)


def summary_message(
    *, user: User, summary_id: int, numbers: WeekNumbers, channels: list[str]
) -> Outgoing:
    """The summary as a message: idempotent on the person and the week."""
    url = reverse("summaries:detail", args=[summary_id])
    peg_url = reverse("summaries:peg") + f"?week={numbers.week_start.isoformat()}"
    body = render_to_string(
        "emails/weekly_summary.txt",
        {"numbers": numbers, "words": in_words(numbers), "link": absolute_url(url),
         "peg_link": absolute_url(peg_url)},
    )  # fmt: skip
    return Outgoing(
        user=user,
        kind=Kind.SUMMARY,
        key=f"summary:{user.pk}:{numbers.week_start.isoformat()}",
        title=TITLE,
        body=body.strip(),
        url=url,
        channels=channels,
    )


def refresh_summaries(*, user: User, weeks: Iterable[dt.date]) -> None:
    """Recompute stored summaries of these weeks (after a late PEG answer); never resends."""
    for summary in WeeklySummary.objects.filter(user=user, week_start__in=list(weeks)):
        numbers = numbers_for(user, summary.week_start)
        summary.numbers = numbers.to_json()
        summary.days_logged = numbers.days_logged
        summary.updated_at = timezone.now()
        summary.save(update_fields=["numbers", "days_logged", "updated_at"])


def save_peg(*, user: User, week_start: dt.date, answers: PegAnswers) -> PegResponse:
    """Record (or correct) a week's PEG answers; summaries that show them are refreshed."""
    with transaction.atomic():
        response, _ = PegResponse.objects.update_or_create(
            user=user,
            week_start=week_start,
            defaults={**asdict(answers), "answered_at": timezone.now()},
        )
        refresh_summaries(user=user, weeks=[week_start, week_start + WEEK])
    return response


def schedule_of(user: User) -> SummarySchedule:
    """The person's stored schedule, or the default (unsaved) for someone who never chose."""
    return SummarySchedule.objects.filter(user=user).first() or SummarySchedule(user=user)


def set_schedule(*, user: User, weekday: int, at: dt.time) -> SummarySchedule:
    schedule, _ = SummarySchedule.objects.update_or_create(
        user=user, defaults={"summary_weekday": weekday, "summary_time": at}
    )
    return schedule


# --- Whose week has just ended -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueGroup:
    time_zone: str
    week_start: dt.date
    user_ids: list[int]


def week_summarised_on(day: dt.date) -> dt.date:
    """The Monday of the week a summary sent on `day` covers: the week (Monday to Sunday)
    ending on the latest Sunday on or before `day`. Sunday 18:00, the default, sums up the
    week ending that evening; Monday 09:00, the week that ended the night before."""
    sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
    return sunday - dt.timedelta(days=6)


def due_week(local_now: dt.datetime, weekday: int, at: dt.time) -> dt.date | None:
    """The week whose summary is due at `local_now` (the person's wall clock), for someone
    whose summaries arrive on `weekday` at `at`: its moment has passed, and less than
    CATCH_UP_DAYS ago. None in between."""
    now = local_now.replace(tzinfo=None)
    for back in range(CATCH_UP_DAYS + 1):
        day = now.date() - dt.timedelta(days=back)
        moment = dt.datetime.combine(day, at)
        if day.weekday() == weekday and now - CATCH_UP < moment <= now:
            return week_summarised_on(day)
    return None


def due_groups(now: dt.datetime) -> list[DueGroup]:
    """People whose summary is due and not yet built, grouped by time zone and week.

    At most two queries per distinct time zone (there are few), however many people: the
    SQL twin of `due_week` asks for the summary weekdays and times whose moment falls in
    the last CATCH_UP_DAYS of the zone's wall clock.
    """
    groups = []
    zone_names = Profile.objects.order_by().values_list("time_zone", flat=True).distinct()
    for name in zone_names:
        local_now = now.astimezone(Profile(time_zone=name).zone)
        clock = local_now.time().replace(microsecond=0, tzinfo=None)
        due: dict[dt.date, Q] = {}
        for back in range(CATCH_UP_DAYS + 1):
            day = local_now.date() - dt.timedelta(days=back)
            condition = Q(summary_weekday=day.weekday())
            if back == 0:
                condition &= Q(summary_time__lte=clock)
            if back == CATCH_UP_DAYS:
                condition &= Q(summary_time__gt=clock)
            week = week_summarised_on(day)
            due[week] = due[week] | condition if week in due else condition
        for week, condition in due.items():
            ids = list(
                _people_in(name)
                .filter(condition)
                .exclude(_has_summary(week, "user_id"))
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
            if ids:
                groups.append(DueGroup(name, week, ids))
    return groups


def build_due_summaries(now: dt.datetime | None = None) -> int:
    """Everything in one process: the tests, the demo and a backlog use this; the beat
    task hands the same chunks to workers instead."""
    return sum(
        build_summaries(user_ids=group.user_ids, week_start=group.week_start,
                        time_zone=group.time_zone)
        for group in due_groups(now or timezone.now())
    )  # fmt: skip


def _people_in(time_zone: str) -> QuerySet[Profile]:
    return Profile.objects.filter(
        time_zone=time_zone,
        onboarded_at__isnull=False,
        user__is_active=True,
        user__role=Role.PATIENT,
    ).annotate(
        summary_weekday=Coalesce(
            "user__summary_schedule__summary_weekday", Value(int(DEFAULT_SUMMARY_WEEKDAY))
        ),
        summary_time=Coalesce(
            "user__summary_schedule__summary_time",
            Value(DEFAULT_SUMMARY_TIME, output_field=models.TimeField()),
        ),
    )


def _has_summary(week_start: dt.date, user_field: str) -> Exists:
    return Exists(WeeklySummary.objects.filter(user_id=OuterRef(user_field), week_start=week_start))
