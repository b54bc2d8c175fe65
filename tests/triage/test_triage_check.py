"""The `triage_check` command: one case prints its evaluation, a folder checks every case."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from tests.triage.examples import EXAMPLES


def check(path: Path) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("triage_check", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def exit_status_of(path: Path) -> tuple[int, str, str]:
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("triage_check", str(path), stdout=stdout, stderr=stderr)
    return int(exit_.value.code or 0), stdout.getvalue(), stderr.getvalue()


def write_case(folder: Path, name: str, **document: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps({"format": "backpain-diary/1", **document}))
    return path


FEVER_TODAY = {"entries": [{"date": "2026-11-24", "pain": 5, "symptoms": ["fever"]}]}


def test_every_shared_clinical_example_passes() -> None:
    stdout, _ = check(EXAMPLES)
    cases = sorted(path.name for path in EXAMPLES.glob("*.json"))
    assert stdout.splitlines() == [*(f"PASS {name}" for name in cases), "5 passed, 0 failed"]


VERSION_2_CASES = Path(__file__).resolve().parent / "cases_v2"


def test_every_version_2_case_passes() -> None:
    """Written for red-flags.md v2: the window edges of a back-filled symptom, waking with
    and without night pain, and a profile flag a doctor has already examined."""
    stdout, _ = check(VERSION_2_CASES)
    cases = sorted(path.name for path in VERSION_2_CASES.glob("*.json"))
    assert len(cases) == 6
    assert stdout.splitlines() == [*(f"PASS {name}" for name in cases), "6 passed, 0 failed"]


def test_a_case_whose_expectation_is_not_met_fails_the_folder_with_status_1(
    tmp_path: Path,
) -> None:
    write_case(tmp_path, "a_fever.json", **FEVER_TODAY, expect={"codes": ["FEVER"]})
    write_case(
        tmp_path,
        "b_missed.json",
        entries=[{"date": "2026-11-24", "pain": 2}],
        expect={"codes": ["NIGHT_WORSE"], "advice_level": "urgent"},
    )
    status, stdout, _ = exit_status_of(tmp_path)
    assert status == 1
    assert stdout.splitlines() == [
        "PASS a_fever.json",
        "FAIL b_missed.json: expected codes [NIGHT_WORSE] level urgent, "
        "got codes [] level selfcare",
        "1 passed, 1 failed",
    ]


def test_a_wrong_advice_level_alone_fails_the_case(tmp_path: Path) -> None:
    write_case(tmp_path, "case.json", **FEVER_TODAY, expect={"advice_level": "soon"})
    status, stdout, _ = exit_status_of(tmp_path)
    assert status == 1
    assert "FAIL case.json: expected level soon, got codes [FEVER] level urgent" in stdout


def test_an_invalid_case_stops_the_folder_with_status_2_before_evaluating_anything(
    tmp_path: Path,
) -> None:
    write_case(tmp_path, "a_good.json", **FEVER_TODAY, expect={"codes": ["FEVER"]})
    write_case(tmp_path, "b_bad.json", entries=[{"date": "2026-11-24", "pain": 11}])
    status, stdout, stderr = exit_status_of(tmp_path)
    assert status == 2
    assert stdout == ""
    assert "b_bad.json: entries[2026-11-24].pain: must be a whole number from 0 to 10" in stderr


def test_a_file_that_is_not_json_is_reported_with_status_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "backpain-diary/1",')
    status, _, stderr = exit_status_of(broken)
    assert status == 2
    assert f"{broken}: not valid JSON at line 1" in stderr


def test_a_missing_case_is_reported_with_status_2(tmp_path: Path) -> None:
    status, _, stderr = exit_status_of(tmp_path / "nowhere.json")
    assert status == 2
    assert "nowhere.json: cannot be read" in stderr


def test_an_empty_folder_is_reported_with_status_2(tmp_path: Path) -> None:
    status, _, stderr = exit_status_of(tmp_path)
    assert status == 2
    assert "no *.json cases" in stderr


def test_one_case_prints_its_evaluation_as_json(tmp_path: Path) -> None:
    case = write_case(tmp_path, "fever.json", **FEVER_TODAY, expect={"codes": []})
    stdout, _ = check(case)
    assert json.loads(stdout) == {
        "today": "2026-11-24",
        "advice_level": "urgent",
        "findings": [
            {
                "code": "FEVER",
                "level": "urgent",
                "since": "2026-11-24",
                "evidence": "A high temperature reported on 1 of the last 7 days.",
            }
        ],
    }
    assert stdout.startswith('{\n  "today"')


@time_machine.travel("2026-11-30 23:30:00+00:00", tick=False)
def test_a_case_without_today_or_entries_is_evaluated_on_the_current_utc_date(
    tmp_path: Path,
) -> None:
    case = write_case(tmp_path, "profile_only.json", profile={"birth_year": 1960})
    evaluation = json.loads(check(case)[0])
    assert evaluation["today"] == "2026-11-30"
    assert [f["code"] for f in evaluation["findings"]] == ["AGE"]


def test_the_copy_of_the_examples_matches_the_shared_contract() -> None:
    from tests.triage.examples import COPIED_EXAMPLES, SHARED_EXAMPLES

    if SHARED_EXAMPLES.is_dir():
        shared = {p.name: p.read_text() for p in SHARED_EXAMPLES.glob("*.json")}
        copied = {p.name: p.read_text() for p in COPIED_EXAMPLES.glob("*.json")}
        assert all(shared.get(name, text) == text for name, text in copied.items())
    assert len(list(COPIED_EXAMPLES.glob("*.json"))) >= 5
