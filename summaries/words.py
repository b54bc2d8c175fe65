"""A week's numbers in words: the sentences the summary page and the email share,
including "what seems to help" and the encouragement that goes with it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from summaries.numbers import EXERCISE_PLAN, Association, Comparison, Reading, WeekNumbers
from triage.vocabulary import Activity, SelfCare

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
    EXERCISE_PLAN: ("did exercises from your plan", "your exercise plan helps"),
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
    EXERCISE_PLAN: "Your plan's exercises went with your easier days. Keeping them going, as "
    "often as your plan sets out, may be worth it.",
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
    exercises: str | None
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
        exercises=_exercises_sentence(numbers),
        helps=tuple(association_sentence(a) for a in numbers.helpful),
        encouragement=(
            ENCOURAGEMENT[numbers.helpful[0].item] if numbers.helpful else GENERAL_ENCOURAGEMENT
        ),
    )


def association_sentence(association: Association) -> str:
    did, helps = ITEM_WORDS[association.item]
    if association.item == EXERCISE_PLAN:
        return (
            f"The day after you {did} your pain averaged {one_decimal(association.mean_with)}, "
            f"and {one_decimal(association.mean_without)} after plan days without them. This "
            f"does not prove {helps}, but it may be worth keeping up."
        )
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


def _exercises_sentence(numbers: WeekNumbers) -> str | None:
    """Sessions done of those due this week; a "some" counts as half a session."""
    sessions = numbers.exercises
    if sessions is None:
        return None
    return (
        f"Exercises: {sessions.done:g} of {sessions.prescribed:g} sessions done "
        f"({sessions.percent}%)"
    )
