"""Check the triage rules against written cases (`backpain-diary/1` documents).

    triage_check CASE.json    prints the evaluation as JSON
    triage_check CASES_DIR/   checks every *.json case's "expect"; exit 1 if any is not met

Invalid input (unreadable file, bad JSON, a document that breaks the format) is reported on
stderr, naming the file, field and entry date, and exits 2 before anything is evaluated.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from triage.diary import DiaryDocument, DiaryFormatError, parse_document
from triage.engine import Evaluation, evaluate, evaluation_as_json

CASES_FAILED = 1
INVALID_INPUT = 2


class Command(BaseCommand):
    help = "Evaluate a diary case, or check every case in a folder against its expectation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="a case file, or a folder of *.json cases")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if path.is_dir():
            files = sorted(
                (file for file in path.glob("*.json") if file.is_file()), key=lambda file: file.name
            )
            if not files:
                self._invalid([f"{path}: no *.json cases in this folder"])
            self._check_all(self._read_all(files))
        else:
            [(_, document)] = self._read_all([path])
            evaluation = _evaluate(document)
            self.stdout.write(json.dumps(evaluation_as_json(evaluation), indent=2))

    def _read_all(self, files: list[Path]) -> list[tuple[str, DiaryDocument]]:
        """Every case parsed, or exit 2 listing every problem in every file."""
        today_utc = datetime.now(UTC).date()
        cases: list[tuple[str, DiaryDocument]] = []
        problems: list[str] = []
        for file in files:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                cases.append((file.name, parse_document(data, default_today=today_utc)))
            except OSError as error:
                problems.append(f"{file}: cannot be read ({error.strerror})")
            except UnicodeDecodeError:
                problems.append(f"{file}: is not UTF-8 text")
            except json.JSONDecodeError as error:
                problems.append(
                    f"{file}: not valid JSON at line {error.lineno} column {error.colno}: "
                    f"{error.msg}"
                )
            except DiaryFormatError as error:
                problems.extend(f"{file}: {problem}" for problem in error.errors)
        if problems:
            self._invalid(problems)
        return cases

    def _check_all(self, cases: list[tuple[str, DiaryDocument]]) -> None:
        failed = 0
        for name, document in cases:
            unmet = _unmet(document.expect, _evaluate(document))
            if unmet:
                failed += 1
                self.stdout.write(f"FAIL {name}: {unmet}")
            else:
                self.stdout.write(f"PASS {name}")
        self.stdout.write(f"{len(cases) - failed} passed, {failed} failed")
        if failed:
            raise SystemExit(CASES_FAILED)

    def _invalid(self, problems: list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(problem)
        raise SystemExit(INVALID_INPUT)


def _evaluate(document: DiaryDocument) -> Evaluation:
    # parse_document was given a default, so `today` is always known here.
    today: date = document.today or datetime.now(UTC).date()
    return evaluate(document.profile, document.entries, today)


def _unmet(expect: dict[str, Any] | None, evaluation: Evaluation) -> str | None:
    """What differs from the case's expectation, or None when it is met (or there is none)."""
    expect = expect or {}
    codes_met = "codes" not in expect or set(expect["codes"]) == evaluation.codes
    level_met = "advice_level" not in expect or expect["advice_level"] == evaluation.advice_level
    if codes_met and level_met:
        return None
    expected = []
    if "codes" in expect:
        expected.append(f"codes {_listed(expect['codes'])}")
    if "advice_level" in expect:
        expected.append(f"level {expect['advice_level']}")
    got = f"codes {_listed(evaluation.codes)} level {evaluation.advice_level}"
    return f"expected {' '.join(expected)}, got {got}"


def _listed(codes: Any) -> str:
    return f"[{', '.join(sorted(codes))}]"
