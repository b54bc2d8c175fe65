"""Weekly progress summaries: a week's numbers, what they say, and sending them once.

`compute_week` is the one place a week's numbers are worked out. It is pure (plain data
in, a dataclass out; no ORM, no clock), so the email, the in-app page and the
physiotherapist's view all read the same numbers. The services below load what it needs
in bulk, store one summary per person and week, and send it in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import batched
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from notify.models import Kind
from notify.preferences import channels_for_many
from notify.service import Outgoing, send_many
from notify.transports import absolute_url
from tracker.models import (
    DEFAULT_SUMMARY_TIME,
    DEFAULT_SUMMARY_WEEKDAY,
    Entry,
    PegResponse,
    Profile,
    SummarySchedule,
    WeeklySummary,
)
from tracker.queries import zones_of
from tracker.reminders import local_moment
from tracker.vocabulary import Activity, SelfCare
from triage.diary import EntryData
from triage.models import Finding
from triage.rules import RULES_BY_CODE

WEEK = dt.timedelta(days=7)
# Fewer days than this, and a mean says more about which days were logged than about the week.
MIN_DAYS = 3
# A change a person is likely to notice on a 0-10 pain scale: 2 points, or 30% of where it
# was (Farrar et al., Pain 2001; IMMPACT, Dworkin et al., J Pain 2008).
MEANINGFUL_POINTS = 2
MEANINGFUL_SHARE = Fraction(3, 10)
ASSOCIATION_DAYS = 28
CHUNK_SIZE = 500  # people loaded together
WRITE_BATCH = 100  # people stored and sent in one transaction
# A summary still goes out this long after its moment (workers down over a weekend, say);
# later, it would be news of a week long gone, so that week is skipped.
CATCH_UP_DAYS = 2
CATCH_UP = dt.timedelta(days=CATCH_UP_DAYS)
TITLE = "Your week with Upright"


class Reading(models.TextChoices):
    BETTER = "better", "Better"
    SAME = "same", "About the same"
    WORSE = "worse", "Worse"


# --- The numbers (pure) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingNote:
    """A finding as a summary needs it; `seen_on` is the local date it was first seen."""

    code: str
    level: str
    seen_on: dt.date


@dataclass(frozen=True, slots=True)
class PegAnswers:
    pain: int
    enjoyment: int
    activity: int

    @property
    def score(self) -> Fraction:
        return Fraction(self.pain + self.enjoyment + self.activity, 3)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A mean this week against last week's. `change` and `reading` only when both weeks
    have at least MIN_DAYS values: no trend is read into two or three scattered days."""

    this_week: float | None
    last_week: float | None
    change: float | None = None
    reading: str | None = None

    @property
    def reading_label(self) -> str:
        return Reading(self.reading).label if self.reading else ""


@dataclass(frozen=True, slots=True)
class Association:
    """Mean day pain over the last 28 days, on days with and without one activity or
    self-care item (their codes never overlap). Only when each side has MIN_DAYS days."""

    item: str
    mean_with: float
    mean_without: float
    days_with: int
    days_without: int

    @property
    def seems_to_help(self) -> bool:
        return self.mean_with < self.mean_without


@dataclass(frozen=True, slots=True)
class RaisedFinding:
    code: str
    level: str
    title: str


@dataclass(frozen=True, slots=True)
class WeekNumbers:
    week_start: dt.date  # a Monday, in the person's local dates
    days_logged: int
    pain_by_day: tuple[int | None, ...]  # Monday to Sunday; None for a day not logged
    day_pain: Comparison
    night_pain: Comparison
    nights_with_night_pain: int
    active_minutes: int
    rest_days: int
    findings: tuple[RaisedFinding, ...]
    associations: tuple[Association, ...]  # the most helpful-looking first
    peg: float | None = None
    previous_peg: float | None = None

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def enough_days(self) -> bool:
        return self.days_logged >= MIN_DAYS

    @property
    def peg_change(self) -> float | None:
        if self.peg is None or self.previous_peg is None:
            return None
        return self.peg - self.previous_peg

    @property
    def helpful(self) -> tuple[Association, ...]:
        return tuple(a for a in self.associations if a.seems_to_help)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "week_start": self.week_start.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeekNumbers:
        return cls(
            **{
                **data,
                "week_start": dt.date.fromisoformat(data["week_start"]),
                "pain_by_day": tuple(data["pain_by_day"]),
                "day_pain": Comparison(**data["day_pain"]),
                "night_pain": Comparison(**data["night_pain"]),
                "findings": tuple(RaisedFinding(**f) for f in data["findings"]),
                "associations": tuple(Association(**a) for a in data["associations"]),
            }
        )


def compute_week(
    entries: Iterable[EntryData],
    findings: Iterable[FindingNote],
    week_start: dt.date,
    *,
    peg: PegAnswers | None = None,
    previous_peg: PegAnswers | None = None,
) -> WeekNumbers:
    """The numbers of the week starting `week_start` (a Monday), from the entries of the
    28 days ending on its Sunday (earlier or later ones are ignored), the person's findings
    and the PEG answers of this week and the one before."""
    by_date = {entry.date: entry for entry in entries}
    week = [week_start + dt.timedelta(days=n) for n in range(7)]
    this_week = [by_date[day] for day in week if day in by_date]
    last_week = [by_date[day - WEEK] for day in week if day - WEEK in by_date]
    window_start = week[-1] - dt.timedelta(days=ASSOCIATION_DAYS - 1)
    window = [entry for day, entry in by_date.items() if window_start <= day <= week[-1]]
    return WeekNumbers(
        week_start=week_start,
        days_logged=len(this_week),
        pain_by_day=tuple(by_date[day].pain if day in by_date else None for day in week),
        day_pain=_compare([e.pain for e in this_week], [e.pain for e in last_week]),
        night_pain=_compare(_night_values(this_week), _night_values(last_week)),
        nights_with_night_pain=sum(1 for e in this_week if (e.night_pain or 0) > 0),
        active_minutes=sum(e.active_minutes for e in this_week),
        rest_days=sum(1 for e in this_week if e.rested),
        findings=_raised(findings, week[0], week[-1]),
        associations=_associations(window),
        peg=float(peg.score) if peg else None,
        previous_peg=float(previous_peg.score) if previous_peg else None,
    )


def reading_of(change: Fraction, last_week: Fraction) -> Reading:
    """Better means less pain. Below both thresholds the week reads as about the same."""
    if abs(change) < MEANINGFUL_POINTS and not (
        last_week > 0 and abs(change) >= MEANINGFUL_SHARE * last_week
    ):
        return Reading.SAME
    return Reading.BETTER if change < 0 else Reading.WORSE


def _mean(values: Sequence[int]) -> Fraction:
    return Fraction(sum(values), len(values))


def _compare(this_week: Sequence[int], last_week: Sequence[int]) -> Comparison:
    this_mean = _mean(this_week) if this_week else None
    last_mean = _mean(last_week) if last_week else None
    if this_mean is None or last_mean is None or min(len(this_week), len(last_week)) < MIN_DAYS:
        return Comparison(
            float(this_mean) if this_mean is not None else None,
            float(last_mean) if last_mean is not None else None,
        )
    change = this_mean - last_mean
    return Comparison(
        float(this_mean), float(last_mean), float(change), reading_of(change, last_mean).value
    )


def _night_values(entries: Sequence[EntryData]) -> list[int]:
    return [e.night_pain for e in entries if e.night_pain is not None]


def _raised(
    findings: Iterable[FindingNote], first: dt.date, last: dt.date
) -> tuple[RaisedFinding, ...]:
    raised = sorted(
        (f for f in findings if first <= f.seen_on <= last),
        key=lambda f: (f.level != "urgent", f.seen_on, f.code),
    )
    return tuple(
        RaisedFinding(
            f.code, f.level, rule.title if (rule := RULES_BY_CODE.get(f.code)) else f.code
        )
        for f in raised
    )


ITEMS = (*Activity.values, *SelfCare.values)


def _associations(window: Sequence[EntryData]) -> tuple[Association, ...]:
    total, days = sum(e.pain for e in window), len(window)
    pain_with: dict[str, int] = defaultdict(int)
    days_with: dict[str, int] = defaultdict(int)
    for entry in window:
        for item in {*entry.activities, *entry.self_care}:
            pain_with[item] += entry.pain
            days_with[item] += 1
    found = []
    for item in ITEMS:
        with_item, without = days_with[item], days - days_with[item]
        if with_item >= MIN_DAYS and without >= MIN_DAYS:
            mean_with = Fraction(pain_with[item], with_item)
            mean_without = Fraction(total - pain_with[item], without)
            association = Association(
                item, float(mean_with), float(mean_without), with_item, without
            )
            found.append((mean_with - mean_without, association))
    return tuple(association for _, association in sorted(found, key=lambda pair: pair[0]))


# --- The numbers in words ----------------------------------------------------------------

# What the person did ("On days you ..."), and what it would be to say it helps.
ITEM_WORDS: dict[str, tuple[str, str]] = {
    Activity.WALKING: ("went walking", "walking helps"),
    Activity.SWIMMING: ("went swimming", "swimming helps"),
    Activity.YOGA: ("did yoga", "yoga helps"),
    Activity.STRETCHING: ("stretched", "stretching helps"),
    Activity.EXERCISES: ("did exercises", "exercise helps"),
    Activity.CYCLING: ("went cycling", "cycling helps"),
    Activity.DESK_WORK: ("did desk work", "desk work helps"),
    Activity.LIFTING_BENDING: ("lifted or bent", "lifting or bending helps"),
    Activity.OTHER: ("did something else active", "it helps"),
    SelfCare.HEAT_OR_COLD: ("used heat or cold", "heat or cold helps"),
    SelfCare.PAIN_RELIEF: ("took pain relief", "pain relief helps"),
    SelfCare.STRETCHING_BREAKS: ("took stretching breaks", "stretching breaks help"),
    SelfCare.PHYSIO_EXERCISES: ("did your physio exercises", "your physio exercises help"),
}

ENCOURAGEMENT: dict[str, str] = {
    Activity.WALKING: "Walking went with your easier days. A short walk on most days may be "
    "worth keeping in your week.",
    Activity.SWIMMING: "Swimming went with your easier days. If you can, keep a swim in your week.",
    Activity.YOGA: "Yoga went with your easier days. A gentle session or two this week may be "
    "worth keeping up.",
    Activity.STRETCHING: "Stretching went with your easier days. A few minutes each day is an "
    "easy habit to keep.",
    Activity.EXERCISES: "Exercise went with your easier days. Keeping it regular, at a pace "
    "that feels manageable, may be worth it.",
    Activity.CYCLING: "Cycling went with your easier days. It may be worth keeping a ride in "
    "your week.",
    Activity.DESK_WORK: "Your days at a desk were among your easier ones. Short breaks to stand "
    "and move can help keep them that way.",
    Activity.LIFTING_BENDING: "Days with some lifting or bending were among your easier ones. "
    "Staying active in ways you can manage is usually good for backs.",
    Activity.OTHER: "Something else you did went with your easier days. A word in your diary "
    "notes about what it was may help you spot it again.",
    SelfCare.HEAT_OR_COLD: "Heat or cold went with your easier days. Keep it in mind for when "
    "your back starts to ache.",
    SelfCare.PAIN_RELIEF: "Days when you took pain relief were among your easier ones. If you "
    "use it, keep to the dose on the pack or your pharmacist's advice.",
    SelfCare.STRETCHING_BREAKS: "Stretching breaks went with your easier days. A reminder to "
    "take one every hour or so may make them easier to keep.",
    SelfCare.PHYSIO_EXERCISES: "Your physio exercises went with your easier days. Keeping them "
    "going, as your physiotherapist showed you, may be worth it.",
}
GENERAL_ENCOURAGEMENT = (
    "Gentle movement, heat or cold and short breaks from sitting help many people with back "
    "pain. You could try one of them this week and note in your diary how the day went."
)
READING_WORDS = {
    Reading.BETTER: "better",
    Reading.SAME: "about the same",
    Reading.WORSE: "a harder week. Harder weeks happen; keep noting how you are",
}


@dataclass(frozen=True, slots=True)
class WeekInWords:
    """The sentences of a summary, shared by the page and the email."""

    logged: str
    day_pain: str | None
    night_pain: str | None
    peg: str | None
    helps: tuple[str, ...]
    encouragement: str


def one_decimal(value: float) -> str:
    """One decimal, halves rounded up: the same as the templates' `floatformat:1`."""
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def days_phrase(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def in_words(numbers: WeekNumbers) -> WeekInWords:
    return WeekInWords(
        logged=_logged_sentence(numbers),
        day_pain=_pain_sentence("Daytime pain", numbers.day_pain, numbers.enough_days),
        night_pain=_pain_sentence("Night pain", numbers.night_pain, numbers.enough_days),
        peg=_peg_sentence(numbers),
        helps=tuple(association_sentence(a) for a in numbers.helpful),
        encouragement=(
            ENCOURAGEMENT[numbers.helpful[0].item] if numbers.helpful else GENERAL_ENCOURAGEMENT
        ),
    )


def association_sentence(association: Association) -> str:
    did, helps = ITEM_WORDS[association.item]
    return (
        f"On days you {did} your pain averaged {one_decimal(association.mean_with)}, and "
        f"{one_decimal(association.mean_without)} on days you did not. This does not prove "
        f"{helps}, but it may be worth keeping up."
    )


def _logged_sentence(numbers: WeekNumbers) -> str:
    if numbers.days_logged == 0:
        return "No days logged this week, so there is not enough to show a trend."
    if not numbers.enough_days:
        return (
            f"Only {days_phrase(numbers.days_logged)} logged this week, so there is not "
            "enough to show a trend."
        )
    return f"You logged {numbers.days_logged} of 7 days this week."


def _pain_sentence(name: str, comparison: Comparison, enough_days: bool) -> str | None:
    if comparison.this_week is None:
        return None
    this_week = one_decimal(comparison.this_week)
    if not enough_days:
        return f"{name} averaged {this_week} on the days logged."
    if comparison.reading is None or comparison.last_week is None:
        return f"{name} averaged {this_week}; too few days were logged to compare with last week."
    return (
        f"{name} averaged {this_week}, against {one_decimal(comparison.last_week)} last week: "
        f"{READING_WORDS[Reading(comparison.reading)]}."
    )


def _peg_sentence(numbers: WeekNumbers) -> str | None:
    if numbers.peg is None:
        return None
    sentence = f"Your PEG score this week is {one_decimal(numbers.peg)} out of 10."
    change = numbers.peg_change
    if change is None or numbers.previous_peg is None:
        return sentence
    last = one_decimal(numbers.previous_peg)
    if one_decimal(abs(change)) == "0.0":
        return f"{sentence} Last week it was {last} too."
    direction = "lower" if change < 0 else "higher"
    return f"{sentence} That is {one_decimal(abs(change))} {direction} than last week ({last})."


# --- Loading, storing, sending -----------------------------------------------------------

ENTRY_COLUMNS = ("user_id", "date", "pain", "night_pain", "rested", "active_minutes",
                 "activities", "self_care")  # fmt: skip


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def compute_weeks(
    user_ids: Sequence[int], week_start: dt.date, zone: zoneinfo.ZoneInfo
) -> dict[int, WeekNumbers]:
    """Each person's numbers for one week, in three queries however many people."""
    week_end = week_start + dt.timedelta(days=6)
    entries: dict[int, list[EntryData]] = defaultdict(list)
    rows = Entry.objects.filter(
        user_id__in=user_ids,
        date__gte=week_end - dt.timedelta(days=ASSOCIATION_DAYS - 1),
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
    return {
        user_id: compute_week(
            entries[user_id],
            findings[user_id],
            week_start,
            peg=pegs.get((user_id, week_start)),
            previous_peg=pegs.get((user_id, week_start - WEEK)),
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
