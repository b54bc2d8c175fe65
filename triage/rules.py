"""The red flags of `red-flags.md` (version 2) as a table of rules.

Pure: no ORM, no clock. Each rule reads one `Context` (the profile and the entries that
matter, built once per evaluation) and returns a `Hit` or None. The table is read by the
engine, the catalogue page and the tests alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db import models

from triage.diary import EntryData, ProfileData
from triage.vocabulary import DailyTasks, History, Location, Onset, RestRelief, Sleep, Symptom

SPEC = "red-flags.md v2"
GUIDE = "patient guide"
IFOMPT = "IFOMPT 2020 (Finucane et al.)"
NICE = "NICE back-pain guidance"


class Level(models.TextChoices):
    URGENT = "urgent", "See a doctor immediately"
    SOON = "soon", "Book a doctor's appointment"
    SELFCARE = "selfcare", "Self-care"


# Most serious first: the advice level of an evaluation is the first of these it reaches.
LEVEL_ORDER: tuple[Level, ...] = (Level.URGENT, Level.SOON, Level.SELFCARE)


class Kind(models.TextChoices):
    SYMPTOM = "symptom", "Reported symptom"
    PROFILE = "profile", "From the profile"
    TREND = "trend", "Trend in the diary"


@dataclass(frozen=True, slots=True)
class Hit:
    since: date
    evidence: str
    # The days whose entries raise it (symptom and trend flags; none for profile flags): a
    # day that qualifies now and did not when the finding was acknowledged is new
    # information (red-flags.md v2, "new occurrence").
    days: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules read for one evaluation: only entries dated on or before `today`."""

    profile: ProfileData
    today: date
    profile_date: date
    answered_on: Mapping[str, date]
    last_7: tuple[EntryData, ...]
    previous_7: tuple[EntryData, ...]
    first_14: tuple[EntryData, ...]
    first_date: date | None

    @classmethod
    def build(
        cls,
        profile: ProfileData,
        entries: Iterable[EntryData],
        today: date,
        profile_date: date | None = None,
        answered_on: Mapping[str, date] | None = None,
    ) -> Context:
        diary = sorted((entry for entry in entries if entry.date <= today), key=_entry_date)
        first_date = diary[0].date if diary else None
        return cls(
            profile=profile,
            today=today,
            # No finding dates from after the day evaluated (a profile edited since, say).
            profile_date=min(profile_date, today) if profile_date else today,
            answered_on=answered_on or {},
            last_7=_between(diary, today - timedelta(days=6), today),
            previous_7=_between(diary, today - timedelta(days=13), today - timedelta(days=7)),
            first_14=(
                _between(diary, first_date, first_date + timedelta(days=13)) if first_date else ()
            ),
            first_date=first_date,
        )

    def answered(self, code: str) -> date:
        """The person's local date when the answer raising profile flag `code` was given:
        `profile_date` when not recorded, and never after the day evaluated."""
        return min(self.answered_on.get(code, self.profile_date), self.today)


Check = Callable[[Context], Hit | None]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    level: Level
    kind: Kind
    title: str  # the finding's name, for the person
    description: str  # the rule, for clinicians
    why_it_matters: str  # for the person, plain words
    what_to_do: str  # for the person, plain words
    source: str
    check: Check
    notes: str = ""  # readings chosen where the specification is silent
    symptom: str | None = None  # the entry symptom code a symptom flag reads


# --- symptom flags: any entry of the last 7 days -------------------------------------------


def _symptom(symptom: Symptom, reported: str) -> Check:
    def check(context: Context) -> Hit | None:
        days = [entry.date for entry in context.last_7 if symptom in entry.symptoms]
        if not days:
            return None
        return Hit(days[0], f"{reported} on {len(days)} of the last 7 days.", tuple(days))

    return check


# --- profile flags ---------------------------------------------------------------------------


def _profile_has(flag: str, section: str, code: str, evidence: str) -> Check:
    def check(context: Context) -> Hit | None:
        if code in getattr(context.profile, section):
            return Hit(context.answered(flag), evidence)
        return None

    return check


# Under 20 or over 50: serious causes of spinal pain are more common outside these ages
# (patient guide; IFOMPT 2020 lists age as a risk factor). Whole years by calendar year only.
YOUNGEST_USUAL_AGE = 20
OLDEST_USUAL_AGE = 50


def age(context: Context) -> Hit | None:
    birth_year = context.profile.birth_year
    if birth_year is None:
        return None
    years = context.today.year - birth_year
    if years < YOUNGEST_USUAL_AGE:
        band = f"under {YOUNGEST_USUAL_AGE}"
    elif years > OLDEST_USUAL_AGE:
        band = f"over {OLDEST_USUAL_AGE}"
    else:
        return None
    return Hit(
        context.answered("AGE"),
        f"Born in {birth_year}, so {years} in {context.today.year}: {band}.",
    )


UPPER_LOCATIONS = {
    Location.BETWEEN_SHOULDER_BLADES: "between the shoulder blades",
    Location.TOP_OF_BACK: "at the top of the back",
}


def top_of_back(context: Context) -> Hit | None:
    places = [words for code, words in UPPER_LOCATIONS.items() if code in context.profile.location]
    if not places:
        return None
    return Hit(
        context.answered("TOP_OF_BACK"), f"The profile places the pain {' and '.join(places)}."
    )


# --- trend flags -----------------------------------------------------------------------------

# Three nights in a week: one bad night is common, a pattern is not (red-flags.md v2).
NIGHTS_FOR_NIGHT_WORSE = 3
# Night pain 2 points above day pain is a real difference on a 0-10 scale (red-flags.md v2).
NIGHT_ABOVE_DAY = 2
# Waking is a worse night only when the night hurt at all: woken with night pain 0 is not
# night pain (red-flags.md v2).
LEAST_NIGHT_PAIN_ON_WAKING = 1


def _worse_at_night(entry: EntryData) -> bool:
    if entry.night_pain is None:
        return False
    return entry.night_pain >= entry.pain + NIGHT_ABOVE_DAY or (
        entry.woke_at_night
        and entry.night_pain >= entry.pain
        and entry.night_pain >= LEAST_NIGHT_PAIN_ON_WAKING
    )


def night_worse(context: Context) -> Hit | None:
    nights = [entry for entry in context.last_7 if _worse_at_night(entry)]
    if len(nights) < NIGHTS_FOR_NIGHT_WORSE:
        return None
    if all(_above_by_two(entry) for entry in nights):
        evidence = "Night pain was at least 2 points above day pain"
    else:
        evidence = (
            "Nights were worse than days (night pain at least 2 points above day pain, "
            "or woken at night by pain at least as bad)"
        )
    return Hit(
        nights[0].date,
        f"{evidence} on {len(nights)} of the last 7 nights.",
        tuple(entry.date for entry in nights),
    )


def _above_by_two(entry: EntryData) -> bool:
    return entry.night_pain is not None and entry.night_pain >= entry.pain + NIGHT_ABOVE_DAY


# Two days of rest that did not help within a week, or much rest with pain no lower than the
# week before: pain from a strain usually eases with rest (patient guide; IFOMPT 2020).
DAYS_REST_DID_NOT_HELP = 2
DAYS_RESTED = 3
# Four entries a week: enough for a weekly mean to mean something (red-flags.md v2).
ENTRIES_FOR_A_WEEKLY_MEAN = 4


def rest_no_relief(context: Context) -> Hit | None:
    hits: list[Hit] = []
    no_relief = [e for e in context.last_7 if e.rested and e.rest_relief == RestRelief.NO]
    if len(no_relief) >= DAYS_REST_DID_NOT_HELP:
        hits.append(
            Hit(
                no_relief[0].date,
                f"Rest did not ease the pain on {len(no_relief)} of the last 7 days.",
                _dates(no_relief),
            )
        )
    rested = [entry for entry in context.last_7 if entry.rested]
    if len(rested) >= DAYS_RESTED and _weeks_comparable(context):
        this_week, week_before = _mean(context.last_7), _mean(context.previous_7)
        if this_week >= week_before:
            hits.append(
                Hit(
                    context.previous_7[0].date,
                    f"Rested for long periods on {len(rested)} of the last 7 days, yet average "
                    f"pain did not go down ({_show(week_before)} the week before, "
                    f"{_show(this_week)} this week).",
                    _dates(rested),
                )
            )
    return _earliest(hits)


def severe_impact(context: Context) -> Hit | None:
    hits: list[Hit] = []
    unable = [
        entry
        for entry in context.last_7
        if entry.daily_tasks == DailyTasks.UNABLE or entry.sleep == Sleep.UNABLE
    ]
    if unable:
        hits.append(
            Hit(
                unable[0].date,
                f"Could not manage daily tasks or could not sleep on {len(unable)} of the last "
                "7 days.",
                _dates(unable),
            )
        )
    # Three days running, ending today: a bad patch, not a bad day (red-flags.md v2).
    by_date = {entry.date: entry for entry in context.last_7}
    last_3 = [by_date.get(context.today - timedelta(days=back)) for back in (2, 1, 0)]
    if all(
        entry is not None
        and (entry.daily_tasks == DailyTasks.STRUGGLED or entry.sleep == Sleep.DISTURBED)
        for entry in last_3
    ):
        hits.append(
            Hit(
                context.today - timedelta(days=2),
                "Struggled with daily tasks or slept badly on each of the last 3 days.",
                _dates([entry for entry in last_3 if entry is not None]),
            )
        )
    return _earliest(hits)


# A rise of 2 points in the weekly mean is a clinically meaningful change on a 0-10 scale
# (red-flags.md v2).
WORSENING_RISE = 2


def worsening(context: Context) -> Hit | None:
    if not _weeks_comparable(context):
        return None
    this_week, week_before = _mean(context.last_7), _mean(context.previous_7)
    if this_week < week_before + WORSENING_RISE:
        return None
    return Hit(
        context.previous_7[0].date,
        f"Average pain rose from {_show(week_before)} the week before to {_show(this_week)} "
        "in the last 7 days.",
        _dates(context.last_7),
    )


# Six weeks: most upper back pain is much better by then (patient guide; NICE). Less than a
# 30% fall in pain is the usual threshold for no meaningful improvement on a 0-10 scale
# (red-flags.md v2; Ostelo et al. 2008).
DAYS_BEFORE_NOT_IMPROVING = 42
MOST_OF_FIRST_PAIN = Fraction(7, 10)


def not_improving(context: Context) -> Hit | None:
    if context.first_date is None:
        return None
    start = context.profile.pain_started or context.first_date
    if (context.today - start).days < DAYS_BEFORE_NOT_IMPROVING:
        return None
    first, last = context.first_14, context.last_7
    if len(first) < ENTRIES_FOR_A_WEEKLY_MEAN or len(last) < ENTRIES_FOR_A_WEEKLY_MEAN:
        return None
    at_first, now = _mean(first), _mean(last)
    if now <= MOST_OF_FIRST_PAIN * at_first:
        return None
    weeks = (context.today - start).days // 7
    return Hit(
        context.first_date,
        f"After {weeks} weeks, average pain in the last 7 days ({_show(now)}) is more than 70% "
        f"of the average in the diary's first 14 days ({_show(at_first)}): less than a 30% "
        "improvement.",
        _dates(last),
    )


def _weeks_comparable(context: Context) -> bool:
    return (
        len(context.last_7) >= ENTRIES_FOR_A_WEEKLY_MEAN
        and len(context.previous_7) >= ENTRIES_FOR_A_WEEKLY_MEAN
    )


def _mean(entries: tuple[EntryData, ...]) -> Fraction:
    # Exact: thresholds are compared without rounding (red-flags.md v2).
    return Fraction(sum(entry.pain for entry in entries), len(entries))


def _show(mean: Fraction) -> str:
    return f"{float(mean):.1f}"


def _earliest(hits: list[Hit]) -> Hit | None:
    if not hits:
        return None
    return Hit(
        min(hit.since for hit in hits),
        " ".join(hit.evidence for hit in hits),
        tuple(sorted({day for hit in hits for day in hit.days})),
    )


def _dates(entries: Iterable[EntryData]) -> tuple[date, ...]:
    return tuple(entry.date for entry in entries)


def _between(diary: list[EntryData], start: date, end: date) -> tuple[EntryData, ...]:
    return tuple(entry for entry in diary if start <= entry.date <= end)


def _entry_date(entry: EntryData) -> date:
    return entry.date


# --- the table -------------------------------------------------------------------------------

SEE_A_DOCTOR_IMMEDIATELY = (
    "See a doctor immediately: ask your GP surgery for an urgent appointment today, or go to "
    "an urgent care service. If you think you are seriously ill, call your local emergency "
    "number."
)
BOOK_AN_APPOINTMENT = (
    "Book an appointment with your doctor (GP) in the next few days and mention this."
)
IF_ALREADY_CHECKED = "If a doctor has already checked this, mark it as checked."
SYMPTOM_SOURCE = f"{SPEC}; {GUIDE} (see a doctor immediately); {IFOMPT}"
PROFILE_SOURCE = f"{SPEC}; {GUIDE}; {IFOMPT}"
SYMPTOM_NOTE = (
    "Reads the entries of the last 7 days, today included: the days a person can log or "
    "correct. After acknowledgement it opens again only when a save adds the symptom to an "
    "entry (a new entry with it, or ticking it on an entry without it); correcting other "
    "answers of an entry that has it, or a day leaving the window, does not."
)
TREND_NOTE = (
    "After acknowledgement it opens again only when a day qualifies that did not when it "
    "was acknowledged; the same days or fewer do not, whatever the evidence sentence says."
)
PROFILE_NOTE = (
    "'Since' is the person's local date when the answer was given (for profiles answered "
    "before this was recorded, the local date the profile was created). After "
    "acknowledgement it opens again only when the answer is removed and given again, or "
    "its clearance is undone. At onboarding, 'a doctor has already examined me for this "
    "pain' clears every profile flag the answers raise, as 'a doctor has checked this' does."
)


def _symptom_rule(
    code: str,
    symptom: Symptom,
    title: str,
    why: str,
    *,
    level: Level = Level.URGENT,
    what_to_do: str = SEE_A_DOCTOR_IMMEDIATELY,
    source: str = SYMPTOM_SOURCE,
    notes: str = SYMPTOM_NOTE,
) -> Rule:
    return Rule(
        code=code,
        level=level,
        kind=Kind.SYMPTOM,
        title=title,
        description=f"'{symptom.label}' ticked in any entry of the last 7 days.",
        why_it_matters=why,
        what_to_do=what_to_do,
        source=source,
        check=_symptom(symptom, f"{title} reported"),
        notes=notes,
        symptom=symptom.value,
    )


def _profile_rule(code: str, level: Level, section: str, value: str, title: str, why: str) -> Rule:
    advice = SEE_A_DOCTOR_IMMEDIATELY if level == Level.URGENT else BOOK_AN_APPOINTMENT
    return Rule(
        code=code,
        level=level,
        kind=Kind.PROFILE,
        title=title,
        description=f"The profile's {section} includes '{value}'.",
        why_it_matters=why,
        what_to_do=f"{advice} {IF_ALREADY_CHECKED}",
        source=PROFILE_SOURCE,
        check=_profile_has(
            code, section, value, f"The profile records: {title[0].lower()}{title[1:]}."
        ),
        notes=PROFILE_NOTE,
    )


RULES: tuple[Rule, ...] = (
    _symptom_rule(
        "CHEST_PAIN",
        Symptom.CHEST_PAIN,
        "Chest pain",
        "Chest pain with back pain can come from the heart, the lungs or a large blood vessel, "
        "and these need checking straight away.",
        what_to_do=(
            "See a doctor immediately. If the chest pain is crushing, spreads to your arm, jaw "
            "or back, or comes with breathlessness or sweating, call your local emergency "
            "number now."
        ),
    ),
    _symptom_rule(
        "FEVER",
        Symptom.FEVER,
        "A high temperature",
        "A high temperature with back pain can mean an infection in or near the spine, which "
        "needs treating quickly.",
    ),
    _symptom_rule(
        "WEIGHT_LOSS",
        Symptom.WEIGHT_LOSS,
        "Weight lost without trying",
        "Losing weight without trying, together with back pain, can be a sign of an illness "
        "that a doctor should look for.",
    ),
    _symptom_rule(
        "SADDLE_NUMBNESS",
        Symptom.SADDLE_NUMBNESS,
        "Numbness or tingling around the bottom or genitals",
        "Numbness around the bottom or genitals can mean the nerves at the base of the spine "
        "are being squeezed. Checking the same day protects them.",
    ),
    _symptom_rule(
        "BLADDER_BOWEL",
        Symptom.BLADDER_BOWEL,
        "Trouble peeing or controlling the bladder or bowels",
        "New trouble with peeing or with controlling the bladder or bowels can mean nerves in "
        "the spine are being squeezed. Checking quickly protects them.",
    ),
    _symptom_rule(
        "BACK_SWELLING",
        Symptom.BACK_SWELLING,
        "A swelling or a change in the shape of the back",
        "A new lump or a change in the shape of the back can mean a problem with the bones of "
        "the spine, such as a break or an infection.",
    ),
    _symptom_rule(
        "WORSE_COUGH_SNEEZE",
        Symptom.WORSE_COUGH_SNEEZE,
        "Pain worse when coughing, sneezing or on the toilet",
        "Pain that jumps when you cough, sneeze or strain can mean pressure inside the spine "
        "that a doctor should examine.",
    ),
    _symptom_rule(
        "LEG_NEURO",
        Symptom.LEG_NUMBNESS_WEAKNESS,
        "Numbness, weakness or tingling in the legs",
        "Numbness, weakness or tingling in the legs with upper back pain can mean the spinal "
        "cord is being pressed, which needs checking the same day.",
        source=f"{SPEC}; {GUIDE}; {IFOMPT} (possible spinal cord compression)",
        notes=(
            f"{SYMPTOM_NOTE} Urgent although the guide says only 'see a doctor': IFOMPT treats "
            "new leg weakness with thoracic pain as possible cord compression."
        ),
    ),
    _symptom_rule(
        "UNWELL",
        Symptom.UNWELL,
        "Feeling generally unwell",
        "Feeling unwell as well as having back pain can point to an illness elsewhere in the "
        "body rather than a simple strain.",
        level=Level.SOON,
        what_to_do=BOOK_AN_APPOINTMENT,
        source=f"{SPEC}; {GUIDE}",
    ),
    Rule(
        code="AGE",
        level=Level.SOON,
        kind=Kind.PROFILE,
        title="Your age",
        description="Under 20 or over 50 this year (the year of today minus the birth year).",
        why_it_matters=(
            "Under 20 or over 50, back pain more often has a cause other than a simple strain, "
            "so a doctor's check is worthwhile."
        ),
        what_to_do=f"{BOOK_AN_APPOINTMENT} {IF_ALREADY_CHECKED}",
        source=f"{PROFILE_SOURCE}; {NICE}",
        check=age,
        notes=(
            "Only the birth year is known, so age is the calendar-year difference, as the "
            "specification says: it can be a year more than the true age, which errs towards "
            "raising the flag. Exactly 20 and exactly 50 are not raised; no birth year, no flag. "
            "A new year changes the evidence sentence but is not new information: an "
            f"acknowledged age flag stays acknowledged. {PROFILE_NOTE}"
        ),
    ),
    _profile_rule(
        "CANCER_HISTORY",
        Level.SOON,
        "history",
        History.CANCER,
        "A history of cancer",
        "After cancer, new back pain should be checked, because cancer can spread to the bones "
        "of the spine.",
    ),
    _profile_rule(
        "OSTEOPOROSIS",
        Level.SOON,
        "history",
        History.OSTEOPOROSIS,
        "Osteoporosis (thinning bones)",
        "With thinning bones, a small knock or even a cough can crack a bone in the spine; a "
        "doctor can rule that out.",
    ),
    _profile_rule(
        "WEAK_IMMUNE_SYSTEM",
        Level.SOON,
        "history",
        History.WEAKENED_IMMUNE_SYSTEM,
        "A weakened immune system",
        "With a weakened immune system, infections of the spine are more likely and may show "
        "few other signs.",
    ),
    _profile_rule(
        "RECENT_INFECTION",
        Level.SOON,
        "history",
        History.RECENT_BACTERIAL_INFECTION,
        "A recent bacterial infection",
        "A recent bacterial infection can occasionally spread to the spine, and back pain can "
        "be the first sign.",
    ),
    _profile_rule(
        "SERIOUS_ACCIDENT",
        Level.URGENT,
        "onset",
        Onset.SERIOUS_ACCIDENT,
        "Pain that started after a serious accident",
        "After a serious accident a bone in the spine can be broken even when you can still "
        "move normally.",
    ),
    _profile_rule(
        "FALL_OR_INJURY",
        Level.SOON,
        "onset",
        Onset.FALL_OR_INJURY,
        "Pain that started after a fall or an injury to the back",
        "A fall or a blow to the back can crack a bone or hurt a ligament, which an examination "
        "can find.",
    ),
    _profile_rule(
        "HEAVY_LIFTING",
        Level.SOON,
        "onset",
        Onset.HEAVY_LIFTING,
        "Pain that started after lifting something heavy",
        "Pain that starts with heavy lifting is usually a strain, but it can be a small break "
        "in a bone, especially when bones are thin; a doctor can tell which.",
    ),
    Rule(
        code="TOP_OF_BACK",
        level=Level.URGENT,
        kind=Kind.PROFILE,
        title="Pain at the top of the back or between the shoulders",
        description="The profile's location includes 'between_shoulder_blades' or 'top_of_back'.",
        why_it_matters=(
            "Pain at the top of the back or between the shoulders is less often a simple strain "
            "than lower back pain, and can come from the heart, the lungs or the spine itself."
        ),
        what_to_do=f"{SEE_A_DOCTOR_IMMEDIATELY} {IF_ALREADY_CHECKED}",
        source=f"{SPEC}; {GUIDE} (see a doctor immediately)",
        check=top_of_back,
        notes=(
            "Raised for either location, as the specification says, although the area between "
            "the shoulder blades is also the commonest place for ordinary upper back pain: a "
            "clinician clearing it (or, at onboarding, the answer that a doctor has already "
            f"examined this pain) is the way to silence it. {PROFILE_NOTE}"
        ),
    ),
    Rule(
        code="NIGHT_WORSE",
        level=Level.URGENT,
        kind=Kind.TREND,
        title="Pain worse at night",
        description=(
            "At least 3 entries in the last 7 days with night pain at least 2 points above day "
            "pain, or woken at night with night pain at least 1 and at least equal to day pain."
        ),
        why_it_matters=(
            "Pain that is worse at night, while resting, is unusual for a strain and can mean "
            "inflammation, an infection or another cause that needs checking."
        ),
        what_to_do=SEE_A_DOCTOR_IMMEDIATELY,
        source=f"{SPEC}; {GUIDE} (worse at night); {IFOMPT} (night pain)",
        check=night_worse,
        notes=(
            "An entry counts once by either test; unanswered night pain never counts, and "
            "waking with night pain 0 is not a worse night. The qualifying days are the worse "
            f"nights. {TREND_NOTE}"
        ),
    ),
    Rule(
        code="REST_NO_RELIEF",
        level=Level.URGENT,
        kind=Kind.TREND,
        title="Pain not eased by rest",
        description=(
            "In the last 7 days, rest did not ease the pain on at least 2 days; or at least 3 "
            "days of long rest, at least 4 entries in each of the last two weeks, and a mean "
            "pain no lower than the week before."
        ),
        why_it_matters=(
            "Pain from a strain usually eases with rest. Pain that does not can come from "
            "something other than the muscles."
        ),
        what_to_do=SEE_A_DOCTOR_IMMEDIATELY,
        source=f"{SPEC}; {GUIDE} (no better after resting); {IFOMPT}",
        check=rest_no_relief,
        notes=(
            "In the second test the days of rest count whatever their answer about relief. "
            "'Since' is the first day rest did not help, or the first entry of the week before "
            "when the weekly means raised it. The qualifying days are the days rest did not "
            "help and, for the second test, the days of long rest (a day without rest that "
            f"keeps the means level is not one). {TREND_NOTE}"
        ),
    ),
    Rule(
        code="SEVERE_IMPACT",
        level=Level.URGENT,
        kind=Kind.TREND,
        title="Pain stopping sleep or daily tasks",
        description=(
            "In the last 7 days, unable to do daily tasks or unable to sleep on any day; or "
            "entries on today and the 2 days before, each struggling with daily tasks or with "
            "disturbed sleep."
        ),
        why_it_matters=(
            "Pain that stops you sleeping or managing everyday tasks needs a doctor's help, to "
            "find the cause and to bring the pain under control."
        ),
        what_to_do=SEE_A_DOCTOR_IMMEDIATELY,
        source=f"{SPEC}; {GUIDE} (struggling to sleep or manage day-to-day tasks)",
        check=severe_impact,
        notes=(
            "The 3-day test needs an entry on each of today, yesterday and the day before; a "
            "missing day breaks the run. 'Unable' on any day already raises the first test. "
            "The qualifying days are the 'unable' days and the days of the run; the run moving "
            f"on to a new today is a new day. {TREND_NOTE}"
        ),
    ),
    Rule(
        code="WORSENING",
        level=Level.SOON,
        kind=Kind.TREND,
        title="Pain getting worse",
        description=(
            "At least 4 entries in each of the last 7 days and the 7 days before, and a mean "
            "pain at least 2 points above the week before."
        ),
        why_it_matters=(
            "Most back pain settles bit by bit. Pain that is clearly worse than a week ago "
            "should be looked at."
        ),
        what_to_do=BOOK_AN_APPOINTMENT,
        source=f"{SPEC}; {GUIDE} (getting worse over time)",
        check=worsening,
        notes=(
            "Means are compared exactly. 'Since' is the first entry of the week before. The "
            "qualifying days are the entries of the last 7 days, every one of which is in the "
            f"mean that rose: a new day logged while it holds is new information. {TREND_NOTE}"
        ),
    ),
    Rule(
        code="NOT_IMPROVING",
        level=Level.SOON,
        kind=Kind.TREND,
        title="Pain not improving after 6 weeks",
        description=(
            "At least 42 days since the pain started (or the first entry), at least 4 entries "
            "in the last 7 days and in the diary's first 14 days, and a mean pain in the last 7 "
            "days above 70% of the mean of those first entries."
        ),
        why_it_matters=(
            "Most upper back pain is much better within six weeks. When it is not, a doctor "
            "can look for a cause and suggest other treatment."
        ),
        what_to_do=BOOK_AN_APPOINTMENT,
        source=f"{SPEC}; {GUIDE}; {NICE}; Ostelo et al. 2008 (30% change)",
        check=not_improving,
        notes=(
            "When the pain started long before the diary, the diary's first 14 days may overlap "
            "the last 7; the specification does not exclude it, so neither do we (the safer "
            "reading). A first mean of 0 raises it for any pain since. 'Since' is the first "
            "entry of the diary. The qualifying days are the entries of the last 7 days. "
            f"{TREND_NOTE}"
        ),
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
