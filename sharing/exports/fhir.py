"""The period's diary as a FHIR R4B Bundle of type "collection".

- One Patient with no more than the receiver needs: an id made up for this export (no
  account number, no email), the given name and, when known, the birth year.
- One Observation per entry and measure: day pain, night pain, active minutes.
- Weekly PEG answers: a panel Observation (LOINC 91148-7) with the three answers as
  components, and the mean score (LOINC 91147-9) as its member.
- Findings as Flag resources, with our own finding codes.
- Each home exercise plan in force during the period as a CarePlan (its version in force
  at the end of the period: one activity per exercise, with its dose and schedule), and
  adherence week by week (7-day blocks ending on the period's last day) as Observations
  based on those CarePlans: the share of prescribed sessions done, with the sessions and
  the "better, same or worse after exercising" answers as components.

Resources refer to each other by `urn:uuid:` full URLs, as a collection that has never
been stored on a FHIR server should.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from exercises.models import PlanItem
from sharing.exports.plan_record import PlanInForce, PlanRecord
from sharing.exports.record import PatientRecord, ShownFinding
from sharing.plan_progress import Week
from summaries.models import PegResponse
from tracker.models import Entry

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DIARY_CODES = "https://upright.example/fhir/CodeSystem/diary"
FINDING_CODES = "https://upright.example/fhir/CodeSystem/triage-finding"
EXERCISE_CODES = "https://upright.example/fhir/CodeSystem/exercise"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"

PAIN_SEVERITY = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
PEG_PANEL = {"system": LOINC, "code": "91148-7"}
PEG_MEAN_SCORE = {"system": LOINC, "code": "91147-9", "display": "Mean score [PEG]"}
PEG_ITEMS = (
    ("pain", {"system": LOINC, "code": "75893-8"}, "Pain on average in the past week"),
    ("enjoyment", {"system": LOINC, "code": "91145-3"}, "Pain interfered with enjoyment of life"),
    ("activity", {"system": LOINC, "code": "91146-1"}, "Pain interfered with general activity"),
)
FHIR_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PAIN_AFTER = (
    ("better", "Days pain was better after exercising"),
    ("same", "Days pain was the same after exercising"),
    ("worse", "Days pain was worse after exercising"),
)
# A plan's activities follow the plan: under way, stopped with it, or done with it.
ACTIVITY_STATUS = {"active": "in-progress", "revoked": "stopped", "completed": "completed"}
Resource = dict[str, Any]


def diary_bundle(
    record: PatientRecord, plans: PlanRecord, *, generated_at: dt.datetime
) -> Resource:
    patient_url = _urn()
    resources: list[tuple[str, Resource]] = [(patient_url, _patient(record))]
    for entry in record.entries:
        resources.extend((_urn(), obs) for obs in _entry_observations(entry, patient_url))
    for peg in record.peg_responses:
        score_url = _urn()
        resources.append((score_url, _peg_score(peg, patient_url)))
        resources.append((_urn(), _peg_panel(peg, patient_url, score_url)))
    for shown in (*record.open_findings, *record.past_findings):
        resources.append((_urn(), _flag(shown, patient_url)))
    plan_urls = [_urn() for _ in plans.plans]
    for url, shown_plan in zip(plan_urls, plans.plans, strict=True):
        resources.append((url, _care_plan(shown_plan, patient_url)))
    for week in plans.weeks:
        if week.adherence.prescribed:
            based_on = [
                url
                for url, shown_plan in zip(plan_urls, plans.plans, strict=True)
                if _overlaps(shown_plan, week)
            ]
            resources.append((_urn(), _adherence(week, patient_url, based_on)))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": generated_at.isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": url, "resource": _with_id(resource, url)} for url, resource in resources
        ],
    }


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _with_id(resource: Resource, url: str) -> Resource:
    """The resource's id is its UUID, made up for this export."""
    return {
        "resourceType": resource["resourceType"],
        "id": url.removeprefix("urn:uuid:"),
    } | resource


def _patient(record: PatientRecord) -> Resource:
    resource: Resource = {"resourceType": "Patient"}
    # The given name only, and only one the person chose: never part of their email.
    given = record.patient.display_name.split()[:1]
    if given:
        resource["name"] = [{"given": given}]
    profile = getattr(record.patient, "profile", None)
    if profile is not None and profile.birth_year:
        resource["birthDate"] = f"{profile.birth_year:04d}"  # a FHIR date may be a year alone
    return resource


def _category(code: str) -> list[Resource]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _observation(entry: Entry, subject: str, category: str, code: Resource) -> Resource:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category(category),
        "code": code,
        "subject": {"reference": subject},
        "effectiveDateTime": entry.date.isoformat(),
    }


def _entry_observations(entry: Entry, subject: str) -> list[Resource]:
    day_pain = _observation(
        entry,
        subject,
        "survey",
        {
            "coding": [
                PAIN_SEVERITY,
                {"system": DIARY_CODES, "code": "day-pain", "display": "Worst day pain"},
            ],
            "text": "Worst pain during the day (0-10)",
        },
    )
    day_pain["valueInteger"] = entry.pain
    observations = [day_pain]
    if entry.night_pain is not None:
        # LOINC has no "pain at night" variant of 72514-3. The value is the same 0-10
        # reported rating, so 72514-3 tells any receiver what the number means; our own
        # code beside it (and the text) tells ours that it is the night's, so the two are
        # never mistaken for one another.
        night_pain = _observation(
            entry,
            subject,
            "survey",
            {
                "coding": [
                    PAIN_SEVERITY,
                    {"system": DIARY_CODES, "code": "night-pain", "display": "Night pain"},
                ],
                "text": "Worst pain during the night (0-10)",
            },
        )
        night_pain["valueInteger"] = entry.night_pain
        observations.append(night_pain)
    # Our own code: a diary's active minutes are reported by the person, not counted by a
    # pedometer, so LOINC's pedometer code would claim a method that was not used.
    active = _observation(
        entry,
        subject,
        "activity",
        {
            "coding": [
                {"system": DIARY_CODES, "code": "active-minutes", "display": "Active minutes"}
            ],
            "text": "Active minutes",
        },
    )
    active["valueQuantity"] = {
        "value": entry.active_minutes,
        "unit": "min",
        "system": UCUM,
        "code": "min",
    }
    observations.append(active)
    return observations


def _peg_period(peg: PegResponse) -> Resource:
    return {
        "start": peg.week_start.isoformat(),
        "end": (peg.week_start + dt.timedelta(days=6)).isoformat(),
    }


def _peg_score(peg: PegResponse, subject: str) -> Resource:
    mean = round((peg.pain + peg.enjoyment + peg.activity) / 3, 2)
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("survey"),
        "code": {"coding": [PEG_MEAN_SCORE], "text": "PEG mean score (0-10)"},
        "subject": {"reference": subject},
        "effectivePeriod": _peg_period(peg),
        "valueQuantity": {"value": mean, "unit": "{score}", "system": UCUM, "code": "{score}"},
    }


def _peg_panel(peg: PegResponse, subject: str, score_url: str) -> Resource:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("survey"),
        "code": {"coding": [PEG_PANEL], "text": "PEG: pain, enjoyment of life, general activity"},
        "subject": {"reference": subject},
        "effectivePeriod": _peg_period(peg),
        "hasMember": [{"reference": score_url}],
        "component": [
            {"code": {"coding": [coding], "text": text}, "valueInteger": getattr(peg, answer)}
            for answer, coding, text in PEG_ITEMS
        ],
    }


def _flag(shown: ShownFinding, subject: str) -> Resource:
    finding = shown.finding
    period: Resource = {"start": finding.since.isoformat()}
    if finding.acknowledged_at is not None:
        period["end"] = finding.acknowledged_at.isoformat(timespec="seconds")
    return {
        "resourceType": "Flag",
        "status": "active" if shown.is_open else "inactive",
        "category": [
            {"coding": [{"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}
        ],
        "code": {
            "coding": [{"system": FINDING_CODES, "code": finding.code, "display": shown.title}],
            "text": f"{shown.title} ({finding.get_level_display()}): {finding.evidence}",
        },
        "subject": {"reference": subject},
        "period": period,
    }


def _care_plan_status(shown: PlanInForce) -> str:
    """Active until ended. An ended plan is "completed" when it reached its review date (or
    had none to reach), "revoked" when it was stopped before it."""
    if shown.last_day is None:
        return "active"
    review_on = shown.version.review_on
    return "revoked" if review_on is not None and shown.last_day < review_on else "completed"


def _care_plan(shown: PlanInForce, subject: str) -> Resource:
    status = _care_plan_status(shown)
    period: Resource = {"start": shown.first_day.isoformat()}
    if shown.last_day is not None:
        period["end"] = shown.last_day.isoformat()
    version = shown.version
    who = "chosen by the patient" if shown.is_self_chosen else "prescribed by a physiotherapist"
    about = [f"Home exercises {who}"]
    if version.review_on is not None:
        about.append(f"review on {version.review_on.isoformat()}")
    resource: Resource = {
        "resourceType": "CarePlan",
        "status": status,
        "intent": "plan",
        "title": "Home exercise plan",
        "description": ", ".join(about),
        "subject": {"reference": subject},
        "period": period,
        "activity": [{"detail": _activity_detail(item, status=status)} for item in shown.items],
    }
    if version.note:
        resource["note"] = [{"text": version.note}]
    return resource


def _activity_detail(item: PlanItem, *, status: str) -> Resource:
    return {
        "kind": "ServiceRequest",
        "code": {"text": item.name},
        "status": ACTIVITY_STATUS[status],
        "scheduledTiming": {
            "repeat": {
                "frequency": item.times_a_day,
                "period": 1,
                "periodUnit": "d",
                "dayOfWeek": [FHIR_WEEKDAYS[day] for day in sorted(item.weekdays)],
            }
        },
        "description": item.dose(),
    }


def _overlaps(shown: PlanInForce, week: Week) -> bool:
    return shown.first_day <= week.end and (shown.last_day is None or week.start <= shown.last_day)


def _sessions(value: float) -> Resource:
    return {"value": value, "unit": "sessions", "system": UCUM, "code": "{session}"}


def _component(code: str, text: str, value: Resource | int) -> Resource:
    key = "valueInteger" if isinstance(value, int) else "valueQuantity"
    return {
        "code": {"coding": [{"system": EXERCISE_CODES, "code": code}], "text": text},
        key: value,
    }


def _adherence(week: Week, subject: str, based_on: list[str]) -> Resource:
    resource: Resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("therapy"),
        "code": {
            "coding": [
                {
                    "system": EXERCISE_CODES,
                    "code": "sessions-done-share",
                    "display": "Exercise sessions done (share of prescribed)",
                }
            ],
            "text": "Exercise sessions done (share of prescribed)",
        },
        "subject": {"reference": subject},
        "effectivePeriod": {"start": week.start.isoformat(), "end": week.end.isoformat()},
        "valueQuantity": {
            "value": round(week.adherence.done / week.adherence.prescribed * 100, 1),
            "unit": "%",
            "system": UCUM,
            "code": "%",
        },
        "component": [
            _component("sessions-done", "Exercise sessions done", _sessions(week.adherence.done)),
            _component(
                "sessions-prescribed",
                "Exercise sessions prescribed",
                _sessions(week.adherence.prescribed),
            ),
            *(
                _component(f"pain-after-{answer}", text, getattr(week, answer))
                for answer, text in PAIN_AFTER
            ),
        ],
    }
    if based_on:
        resource["basedOn"] = [{"reference": url} for url in based_on]
    return resource
