"""A one-page PDF for a consultation: who, which period, open flags, a pain chart, the home
exercise plans with adherence week by week (when there are plans), the entries (weekly or
monthly means for long periods), and when it was made.

Drawn with fpdf2's core Helvetica font, which covers Latin-1 only: other characters are
reduced to their unaccented letter (or "?"), never dropped silently from a name.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sharing.exports.plan_record import PlanRecord
from sharing.exports.record import PatientRecord
from tracker.charts import PainChart, Point, pain_chart
from tracker.models import Entry

PAGE_WIDTH = 210
PAGE_HEIGHT = 297
MARGIN = 15
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CHART_HEIGHT = 40
CHART_LEFT = MARGIN + 8  # room for the 0-10 labels
ROW_HEIGHT = 4.0
FOOTER_TOP = PAGE_HEIGHT - MARGIN - 10
MAX_FLAG_LINES = 12
# The exercise section stays small so the entries keep most of the page.
MAX_PLAN_LINES = 8
MAX_WEEK_ROWS = 6
# Up to a month, one row per day; up to a quarter, one per week; longer, one per month.
DAILY_ROWS_UP_TO = 31
WEEKLY_ROWS_UP_TO = 92
# Punctuation, and letters that have no accent to strip (so NFKD leaves them whole).
REPLACEMENTS = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
                "\u201d": '"', "\u2026": "...", "\u2265": ">=", "\u2264": "<=", "\u0141": "L",
                "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE", "\u0153": "oe",
                "\u0131": "i"}  # fmt: skip


@dataclass(frozen=True)
class Column:
    title: str
    width: float


def consultation_pdf(
    record: PatientRecord, plans: PlanRecord, *, generated_at: dt.datetime, for_name: str
) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(plain(f"Pain diary of {record.patient.name}"))
    pdf.set_author("Upright")
    pdf.set_creation_date(generated_at)
    pdf.add_page()
    _header(pdf, record)
    _flags(pdf, record)
    _chart(pdf, pain_chart(record.entries, start=record.start, end=record.end))
    if plans.has_plans:
        _exercises(pdf, plans)
    _table(pdf, record, bottom=FOOTER_TOP - 2)
    _footer(pdf, generated_at, for_name)
    return bytes(pdf.output())


def plain(text: str) -> str:
    """Text the core fonts can draw: Latin-1 kept, other letters without their accents."""
    out = []
    for char in text:
        char = REPLACEMENTS.get(char, char)
        if all(ord(c) < 256 for c in char):
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)


def _header(pdf: FPDF, record: PatientRecord) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, plain(f"Pain diary: {record.patient.name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    logged = len(record.entries)
    period = (
        f"{record.start:%d %b %Y} to {record.end:%d %b %Y} ({record.days} days, {logged} logged)"
    )
    pdf.cell(0, 5, f"Period: {period}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if record.entries:
        mean = fmean(entry.pain for entry in record.entries)
        pdf.cell(
            0,
            5,
            f"Day pain (0-10): mean {mean:.1f}, lowest {min(e.pain for e in record.entries)}, "
            f"highest {max(e.pain for e in record.entries)}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(2)


def _chart(pdf: FPDF, chart: PainChart) -> None:
    """Day pain as a solid line with round markers, night pain dashed with square ones, so
    the two read apart in black and white. Over more than a month, markers shrink so they
    do not hide the lines (a lone day still shows)."""
    width = PAGE_WIDTH - MARGIN - CHART_LEFT
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, "Pain chart (0 = no pain, 10 = worst)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y() + 1

    def x_of(svg_x: float) -> float:
        return CHART_LEFT + (svg_x - chart.plot_left) / (chart.plot_right - chart.plot_left) * width

    def y_of(svg_y: float) -> float:
        return top + (svg_y - chart.plot_top) / (chart.plot_bottom - chart.plot_top) * CHART_HEIGHT

    pdf.set_font("Helvetica", "", 7)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.1)
    for gridline in chart.gridlines:
        y = y_of(gridline.y)
        pdf.line(CHART_LEFT, y, CHART_LEFT + width, y)
        pdf.text(MARGIN + 2, y + 1, str(gridline.value))
    free_from = 0.0
    for tick in reversed(chart.date_ticks):  # the newest date always keeps its label
        label = f"{tick.day:%d %b}"
        label_width = pdf.get_string_width(label)
        x = min(x_of(tick.x) - label_width / 2, PAGE_WIDTH - MARGIN - label_width)
        if free_from and x + label_width > free_from - 2:
            continue
        pdf.text(x, top + CHART_HEIGHT + 4, label)
        free_from = x
    size = 0.8 if chart.days <= DAILY_ROWS_UP_TO else 0.4
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(size * 0.6)
    _series(pdf, chart.day_pain.points, x_of, y_of, size=size, square=False)
    pdf.set_line_width(size * 0.4)
    pdf.set_dash_pattern(dash=1.2, gap=0.8)
    _series(pdf, chart.night_pain.points, x_of, y_of, size=size, square=True)
    pdf.set_dash_pattern()
    pdf.set_y(top + CHART_HEIGHT + 6)
    pdf.set_font("Helvetica", "", 8)
    legend = (
        "Solid line, round dots: worst day pain.  Dashed line, squares: night pain.  "
        "Gaps: days not logged."
    )
    if not chart.day_pain.points:
        legend = "No entries in this period."
    pdf.cell(0, 4, legend, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _series(
    pdf: FPDF,
    points: Sequence[Point],
    x_of: Callable[[float], float],
    y_of: Callable[[float], float],
    *,
    size: float,
    square: bool,
) -> None:
    for before, after in itertools.pairwise(points):
        if after.day - before.day == dt.timedelta(days=1):
            pdf.line(x_of(before.x), y_of(before.y), x_of(after.x), y_of(after.y))
    for point in points:
        x, y = x_of(point.x), y_of(point.y)
        if square:
            pdf.rect(x - size * 0.9, y - size * 0.9, size * 1.8, size * 1.8, style="F")
        else:
            pdf.circle(x, y, size, style="F")


def _plan_lines(plans: PlanRecord) -> list[str]:
    lines = []
    for shown in plans.plans:
        version = shown.version
        who = (
            "Chosen by the patient"
            if shown.is_self_chosen
            else f"Prescribed by {shown.prescribed_by_name or 'a physiotherapist'}"
        )
        about = [f"from {shown.first_day:%d %b %Y}"]
        if shown.last_day is not None:
            about.append(f"ended, last day {shown.last_day:%d %b %Y}")
        if version.review_on is not None:
            about.append(f"review {version.review_on:%d %b %Y}")
        lines.append(f"{who}, {', '.join(about)}.")
        for item in shown.items:
            times = "once a day" if item.times_a_day == 1 else f"{item.times_a_day} times a day"
            lines.append(f"  - {item.name}: {item.dose()}; {times}; {item.days_in_words()}")
        if version.note:  # after the exercises, so a long note never hides them
            lines.append(f"  Note: {version.note}")
    return [plain(line.replace("\n", " ")) for line in lines]


def _exercises(pdf: FPDF, plans: PlanRecord) -> None:
    """The plans (their version in force at the end of the period) and adherence: sessions
    done of those prescribed, week by week beside the mean day pain."""
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, "Home exercises", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 8)
    lines: list[str] = []
    for text in _plan_lines(plans):
        lines += cast(
            list[str], pdf.multi_cell(CONTENT_WIDTH, 4, text, dry_run=True, output="LINES")
        )
    if len(lines) > MAX_PLAN_LINES:
        lines = [*lines[: MAX_PLAN_LINES - 1], "More exercises: see Upright."]
    for line in lines:
        pdf.cell(0, 4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    answers = plans.answers()
    pdf.cell(
        0,
        4,
        f"Sessions done over the period: {plans.adherence}. Pain after exercising (days): "
        f"better {answers['better']}, the same {answers['same']}, worse {answers['worse']}.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    columns = [Column("Week", 34), Column("Sessions done", 50), Column("Mean day pain", 26),
               Column("After exercising: better / same / worse", 60)]  # fmt: skip
    pdf.set_font("Helvetica", "B", 7.5)
    for column in columns:
        pdf.cell(column.width, ROW_HEIGHT, column.title, border="B")
    pdf.ln(ROW_HEIGHT)
    pdf.set_font("Helvetica", "", 7.5)
    for week in plans.weeks[:MAX_WEEK_ROWS]:
        row = [
            f"{week.start:%d %b} - {week.end:%d %b}",
            "-" if week.adherence.percent is None else str(week.adherence),
            "-" if week.mean_pain is None else f"{week.mean_pain:.1f}",
            f"{week.better} / {week.same} / {week.worse}",
        ]
        for column, value in zip(columns, row, strict=True):
            pdf.cell(column.width, ROW_HEIGHT, value)
        pdf.ln(ROW_HEIGHT)
    earlier = len(plans.weeks) - MAX_WEEK_ROWS
    if earlier > 0:
        pdf.set_font("Helvetica", "I", 7.5)
        pdf.cell(
            0,
            ROW_HEIGHT,
            f"{earlier} earlier weeks: see the exercise log (CSV) or the FHIR record.",
        )
        pdf.ln(ROW_HEIGHT)
    pdf.ln(2)


def _table(pdf: FPDF, record: PatientRecord, *, bottom: float) -> None:
    if record.days <= DAILY_ROWS_UP_TO:
        columns, rows, title = _daily_rows(record)
    else:
        by_month = record.days > WEEKLY_ROWS_UP_TO
        columns, rows, title = _grouped_rows(record.entries, by_month=by_month)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "B", 7.5)
    for column in columns:
        pdf.cell(column.width, ROW_HEIGHT, column.title, border="B")
    pdf.ln(ROW_HEIGHT)
    pdf.set_font("Helvetica", "", 7.5)
    room = int((bottom - pdf.get_y()) // ROW_HEIGHT)
    shown = rows if len(rows) <= room else rows[: max(room - 1, 0)]
    for row in shown:
        for column, value in zip(columns, row, strict=True):
            pdf.cell(column.width, ROW_HEIGHT, _fit(pdf, plain(value), column.width))
        pdf.ln(ROW_HEIGHT)
    if len(shown) < len(rows):
        pdf.set_font("Helvetica", "I", 7.5)
        pdf.cell(0, ROW_HEIGHT, f"{len(rows) - len(shown)} more rows: see the CSV export.")
    if not rows:
        pdf.cell(0, ROW_HEIGHT, "No entries in this period.")


def _daily_rows(record: PatientRecord) -> tuple[list[Column], list[list[str]], str]:
    columns = [Column("Date", 20), Column("Pain", 10), Column("Night", 10),
               Column("Woke", 10), Column("Rested (eased?)", 24), Column("Active min", 16),
               Column("Daily tasks", 18), Column("Sleep", 16), Column("Symptoms", 0)]  # fmt: skip
    if record.include_notes:
        columns[-1] = Column("Symptoms", 25)
        columns.append(Column("Notes", 0))
    used = sum(column.width for column in columns)
    columns = [c if c.width else Column(c.title, CONTENT_WIDTH - used) for c in columns]
    rows = []
    for entry in reversed(record.entries):
        row = [
            f"{entry.date:%a %d %b}",
            str(entry.pain),
            "-" if entry.night_pain is None else str(entry.night_pain),
            "yes" if entry.woke_at_night else "no",
            _rest(entry),
            str(entry.active_minutes),
            entry.daily_tasks or "-",
            entry.sleep or "-",
            ", ".join(entry.symptoms).replace("_", " ") or "none",
        ]
        if record.include_notes:
            row.append(entry.notes.replace("\n", " "))
        rows.append(row)
    return columns, rows, "Entries, newest first"


def _rest(entry: Entry) -> str:
    if not entry.rested:
        return "no"
    return f"yes ({entry.rest_relief})" if entry.rest_relief else "yes"


def _grouped_rows(
    entries: Sequence[Entry], *, by_month: bool
) -> tuple[list[Column], list[list[str]], str]:
    """Means per week (Monday to Sunday) or per calendar month, newest first."""
    unit = "Month" if by_month else "Week from"
    columns = [Column(unit, 30), Column("Days logged", 22), Column("Mean pain", 22),
               Column("Mean night pain", 28), Column("Nights woken", 24),
               Column("Active min (total)", CONTENT_WIDTH - 126)]  # fmt: skip
    groups: dict[dt.date, list[Entry]] = {}
    for entry in entries:
        if by_month:
            start = entry.date.replace(day=1)
        else:
            start = entry.date - dt.timedelta(days=entry.date.weekday())
        groups.setdefault(start, []).append(entry)
    rows = []
    for start in sorted(groups, reverse=True):
        group = groups[start]
        nights = [e.night_pain for e in group if e.night_pain is not None]
        rows.append(
            [
                f"{start:%B %Y}" if by_month else f"{start:%d %b %Y}",
                str(len(group)),
                f"{fmean(e.pain for e in group):.1f}",
                f"{fmean(nights):.1f}" if nights else "-",
                str(sum(1 for e in group if e.woke_at_night)),
                str(sum(e.active_minutes for e in group)),
            ]
        )
    title = "Monthly" if by_month else "Weekly"
    return columns, rows, f"{title} means of the entries, newest first"


def _flag_lines(record: PatientRecord) -> list[str]:
    lines = []
    for shown in record.open_findings:
        level = "URGENT" if shown.finding.level == "urgent" else "SOON"
        lines.append(plain(f"{level}: {shown.title}. {shown.finding.evidence}"))
    return lines or ["No open flags."]


def _flags(pdf: FPDF, record: PatientRecord) -> None:
    """Open flags first: what a consultation should not miss. At most MAX_FLAG_LINES lines,
    so the chart and the table always keep their room."""
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, "Open flags", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 8)
    lines: list[str] = []
    for text in _flag_lines(record):
        # output="LINES" makes multi_cell return the lines, whatever its declared union says.
        lines += cast(
            list[str], pdf.multi_cell(CONTENT_WIDTH, 4, text, dry_run=True, output="LINES")
        )
    if len(lines) > MAX_FLAG_LINES:
        lines = [*lines[: MAX_FLAG_LINES - 1], "More open flags: see Upright."]
    for line in lines:
        pdf.cell(0, 4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _footer(pdf: FPDF, generated_at: dt.datetime, for_name: str) -> None:
    pdf.set_xy(MARGIN, FOOTER_TOP + 2)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(
        CONTENT_WIDTH,
        3.6,
        plain(
            f"Generated {generated_at:%d %b %Y %H:%M} UTC by Upright for {for_name}. "
            "From the patient's own diary, shared with their consent. Upright gives information, "
            "not a diagnosis. Confidential."
        ),
    )


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width - 1:
        return text
    while text and pdf.get_string_width(text + "...") > width - 1:
        text = text[:-1]
    return text + "..."
