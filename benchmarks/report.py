"""The one table `make bench` prints, and the JSON it writes beside it."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import django
from django.db import connection

from benchmarks.fanout import FanOutResult
from benchmarks.load import LoadResult
from benchmarks.query_counts import Count

ENTRY_P95_TARGET_MS = 50
RATIO_TARGET = 0.5
WAVE_TARGET_S = 60
SUMMARIES_TARGET_S = 300
WEB_RSS_TARGET_MB = 150
TARGET_PEOPLE = 100_000


@dataclass(frozen=True)
class Row:
    figure: str
    setting: str
    result: str
    target: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "NOT MET")


def machine() -> dict[str, object]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database(),
    }


def database() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return f"SQLite {sqlite3.sqlite_version} (WAL)"


def rows(
    *,
    db: str,
    web_people: int,
    web: dict[int, dict[str, LoadResult]],
    counts: list[Count],
    wave: FanOutResult,
    wave_dummy: FanOutResult,
    weekly: FanOutResult,
    memory: dict[str, float],
    server: str,
) -> list[Row]:
    table = []
    setting = f"{web_people} people, 2-year diaries, {db}, {server}"
    for level, pair in web.items():
        entry, bare = pair["entry"], pair["bare"]
        p95_target = level == 8 and db.startswith("SQLite")
        table.append(
            Row(
                f"entry save, {level} client{'s' if level > 1 else ''}",
                setting,
                _load(entry),
                f"p95 < {ENTRY_P95_TARGET_MS} ms" if p95_target else "",
                entry.percentile(0.95) < ENTRY_P95_TARGET_MS if p95_target else None,
            )
        )
        table.append(Row(f"bare insert, {level} client{'s' if level > 1 else ''}", setting,
                         _load(bare)))  # fmt: skip
        ratio = entry.per_second / bare.per_second if bare.per_second else 0.0
        table.append(
            Row(f"entry/bare throughput, {level}", setting, f"{ratio:.2f}",
                f">= {RATIO_TARGET}", ratio >= RATIO_TARGET)
        )  # fmt: skip
    for count in counts:
        table.append(
            Row(
                f"queries: {count.page}",
                f"{count.setting}; 1-week vs 5-year diary",
                f"{count.one_week} vs {count.five_years}",
                "equal",
                count.equal,
            )
        )
    for result, backend in ((wave, "MIME built as by locmem"), (wave_dummy, "dummy: no MIME")):
        table.append(
            Row(
                f"reminder wave, email {backend}",
                f"{result.people:,} due in one minute, 4 time zones, in-app + email, worker -c 2",
                _fan_out(result) + f", {result.per_second:,.0f}/s",
                f"<= {WAVE_TARGET_S} s, 0 dup, 0 missing",
                _judged(
                    result,
                    result.finished
                    and result.seconds <= WAVE_TARGET_S
                    and result.duplicates == 0
                    and result.missing == 0,
                ),
            )
        )
    table.append(
        Row(
            "weekly summaries",
            f"{weekly.people:,} people, 4-week diaries, in-app + email, worker -c 2",
            _fan_out(weekly) + f", {weekly.ms_per_person:.2f} ms/person "
            f"({1000 * weekly.worker_cpu_seconds / max(weekly.people, 1):.2f} CPU ms)",
            f"<= {SUMMARIES_TARGET_S} s",
            _judged(
                weekly,
                weekly.finished and weekly.seconds <= SUMMARIES_TARGET_S and weekly.missing == 0,
            ),
        )
    )
    table.append(
        Row(
            "peak RSS, gunicorn worker",
            "VmHWM, largest web worker, after the web runs",
            f"{memory['web']:.0f} MB",
            f"< {WEB_RSS_TARGET_MB} MB",
            memory["web"] < WEB_RSS_TARGET_MB,
        )
    )
    table.append(
        Row(
            "peak RSS, Celery worker",
            "VmHWM, largest pool process (main process)",
            f"{memory['celery_pool']:.0f} MB ({memory['celery_main']:.0f} MB)",
        )
    )
    return table


def _judged(result: FanOutResult, met: bool) -> bool | None:
    """The fan-out targets are for 100,000 people: a smaller run gets no verdict."""
    return met if result.people >= TARGET_PEOPLE else None


def _load(result: LoadResult) -> str:
    errors = f", {result.errors} errors" if result.errors else ""
    return (
        f"{result.per_second:,.0f} req/s, p50 {result.percentile(0.5):.1f} / "
        f"p95 {result.percentile(0.95):.1f} / p99 {result.percentile(0.99):.1f} ms{errors}"
    )


def _fan_out(result: FanOutResult) -> str:
    state = "" if result.finished else f" (stopped: {result.delivered:,} delivered)"
    return f"{result.seconds:.1f} s{state}, dup {result.duplicates}, missing {result.missing}"


def render(table: list[Row]) -> str:
    headers = Row("figure", "setting", "result", "target", None)
    widths = [
        max(len(getattr(row, name)) for row in [headers, *table])
        for name in ("figure", "setting", "result", "target")
    ]
    lines = []
    for row in [headers, *table]:
        cells = [row.figure, row.setting, row.result, row.target]
        verdict = "met?" if row is headers else row.verdict
        line = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        lines.append(f"{line}  {verdict}".rstrip())
        if row is headers:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def write_json(path: Path, payload: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    temporary.replace(path)
