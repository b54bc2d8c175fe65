"""Reads of the journal, with their query shape decided here."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache

from django.db import connection
from django.db.models import Case, Q, When
from django.db.models.expressions import BaseExpression

from accounts.models import User
from tracker.models import Entry, Profile, zone_named
from tracker.timezones import known_time_zones
from triage.queries import table_and_columns

UTC = zoneinfo.ZoneInfo("UTC")


def zones_of(user_ids: Sequence[int]) -> dict[int, zoneinfo.ZoneInfo]:
    """Each person's time zone (UTC for someone without a profile), in one query."""
    if not user_ids:
        return {}
    profiles = Profile.objects.filter(user_id__in=user_ids).only("user_id", "time_zone")
    zones = {profile.user_id: profile.zone for profile in profiles}
    return {pk: zones.get(pk, UTC) for pk in user_ids}


def profile_of(user: User) -> Profile | None:
    """The person's profile, or None: read once per user object, then kept on it (Django
    caches the one-to-one relation both ways, also when the profile is created)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def today_of(person: User) -> dt.date:
    """The person's own date now, in their time zone (UTC for someone without a profile):
    the one "today" for anything about their day, whoever is looking at it."""
    profile = profile_of(person)
    return profile.local_today() if profile is not None else dt.datetime.now(UTC).date()


class TheirToday:
    """Each person's own today, for a query over many people at once. SQL cannot turn a
    zone name into a date, so the few dates the zones are on now (at most three) are
    worked out here, with the zones on each; a row then picks its date by its zone
    (`zone_field`, a path to Profile.time_zone; UTC for someone without a profile)."""

    def __init__(self, now: dt.datetime, zones: Iterable[str] | None = None) -> None:
        self.utc_day = now.astimezone(UTC).date()
        names = known_time_zones() if zones is None else frozenset(zones)
        self.others = _dates_of_zones(_quarter_hour_of(now), names)

    def on_or_after(self, date_field: str, zone_field: str) -> Q:
        """Rows whose date is the person's today or later."""
        elsewhere = [name for names in self.others.values() for name in names]
        on_utc_day = ~Q(**{f"{zone_field}__in": elsewhere}) if elsewhere else Q()
        condition = on_utc_day & Q(**{f"{date_field}__gte": self.utc_day})
        for day, names in self.others.items():
            condition |= Q(**{f"{zone_field}__in": names, f"{date_field}__gte": day})
        return condition

    def each(self, build: Callable[[dt.date], BaseExpression], zone_field: str) -> BaseExpression:
        """`build(today)` with the today of the person of each row."""
        if not self.others:
            return build(self.utc_day)
        whens = [When(Q(**{f"{zone_field}__in": names}), then=build(day))
                 for day, names in self.others.items()]  # fmt: skip
        return Case(*whens, default=build(self.utc_day))


def _quarter_hour_of(now: dt.datetime) -> dt.datetime:
    """Every zone's offset is a whole number of quarter hours, so no zone changes date
    within one: the dates worked out at its start hold until its end."""
    moment = now.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


@lru_cache(maxsize=8)
def _dates_of_zones(moment: dt.datetime, names: frozenset[str]) -> dict[dt.date, list[str]]:
    """The dates other than UTC's that these zones are on at `moment`, with their zones."""
    utc_day = moment.date()
    by_date: defaultdict[dt.date, list[str]] = defaultdict(list)
    for name in sorted(names):
        day = moment.astimezone(zone_named(name)).date()
        if day != utc_day:
            by_date[day].append(name)
    return dict(sorted(by_date.items()))


def entries_of_form_or_day(user: User, client_uuid: uuid.UUID, day: dt.date) -> list[Entry]:
    """The entry this form saved before (its client UUID) and the entry on `day`: one query
    for what every save must know. Through `Entry.objects.raw` (the same Entry objects)
    because building the ORM's query took a quarter of the save's database work."""
    uuid_field, date_field = Entry._meta.get_field("client_uuid"), Entry._meta.get_field("date")
    params = [
        user.pk,
        uuid_field.get_db_prep_value(client_uuid, connection),
        date_field.get_db_prep_value(day, connection),
    ]
    return list(Entry.objects.raw(_form_or_day_sql(), params))


@cache
def _form_or_day_sql() -> str:
    fields = [field.name for field in Entry._meta.concrete_fields]
    table, column = table_and_columns(Entry, *fields)
    columns = ", ".join(column[name] for name in fields)
    return (
        f"SELECT {columns} FROM {table} WHERE {column['user']} = %s "
        f"AND ({column['client_uuid']} = %s OR {column['date']} = %s)"
    )


def entry_on(user: User, day: dt.date) -> Entry | None:
    return Entry.objects.filter(user=user, date=day).first()


def activities_of_day_before(user: User, day: dt.date) -> list[str]:
    previous = (
        Entry.objects.filter(user=user, date=day - dt.timedelta(days=1))
        .values_list("activities", flat=True)
        .first()
    )
    return list(previous or [])
