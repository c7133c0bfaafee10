"""The course report and the progress page as Markdown (everything a person typed is escaped)."""

from __future__ import annotations

from kapsession.course.report import CourseReport, ProgressPage
from kapsession.summary.markdown import escape, sparkline

DASH = "\u2013"


def _cell(text: str) -> str:
    return escape(text).replace("\n", " ") or DASH


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def render_course_markdown(report: CourseReport) -> str:
    out: list[str] = []
    add = out.append
    add(f"# Course of treatment: {escape(report.client_name)}")
    add("")
    facts = [f"client {report.client_id}"]
    facts += [f"born {report.date_of_birth}"] if report.date_of_birth else []
    facts += [report.sex] if report.sex else []
    facts += [f"ref. {escape(report.reference)}"] if report.reference else []
    add(" \u00b7 ".join(facts) + "  ")
    who = " \u00b7 ".join(escape(part) for part in (report.therapist_name, report.practice_name) if part)
    add(
        (f"{who} \u00b7 " if who else "")
        + f"{report.generated} \u00b7 {report.position}"
        + (f" \u00b7 schedule: {escape(report.schedule)}" if report.schedule else "")
    )
    add("")
    add(
        "**Confidential: for the clinical record and the prescriber. "
        + ("Contains private notes." if report.include_private else "Private notes left out.")
        + "**"
    )
    add("")
    add("## Scores")
    add("")
    if report.changes:
        for change in report.changes:
            words = (" **" + " ".join(change.words) + "**") if change.words else ""
            add(f"- {change.instrument}: {change.text}{words}")
        add("")
        for title in sorted({line.instrument for line in report.scores}):
            totals = [line.total for line in report.scores if line.instrument == title]
            add(f"{title} over time: `{sparkline([float(t) for t in totals])}` ({', '.join(map(str, totals))})  ")
        add("")
        add("Response: a drop of at least 50% from the first score. Remission: under 5.")
        add("")
        out.extend(
            _table(
                ["Date", "Questionnaire", "Total", "Band", "Taken", "Answers", "Flag"],
                [
                    [line.date, line.instrument, str(line.total), line.band, line.where, line.answers, line.flag]
                    for line in report.scores
                ],
            )
        )
    else:
        add("No PHQ-9 or GAD-7 recorded.")
    if report.safety:
        add("")
        add("### Safety checks (PHQ-9 item 9)")
        add("")
        out.extend(f"- {escape(line)}" for line in report.safety)
    add("")
    add("## Sessions")
    add("")
    if report.sessions:
        out.extend(
            _table(
                [
                    "Session",
                    "Date",
                    "Route",
                    "Dose",
                    "mg/kg",
                    "Baseline BP",
                    "Peak BP",
                    "HR",
                    "Lowest SpO2",
                    "Discharged",
                    "Scores",
                ],
                [
                    [
                        s.label,
                        s.date,
                        s.route,
                        s.dose,
                        s.mg_per_kg,
                        s.baseline_bp,
                        s.peak_bp,
                        s.heart_rate,
                        s.lowest_spo2,
                        s.discharged + (f" (early: {s.early_close})" if s.early_close else ""),
                        s.scores,
                    ]
                    for s in report.sessions
                ],
            )
        )
        add("")
        add("### Adverse events")
        add("")
        any_events = False
        for session in report.sessions:
            for event in session.adverse:
                any_events = True
                add(f"- {escape(session.label)}, {session.date}: {escape(event)}")
        if not any_events:
            add("None recorded.")
    else:
        add("No sessions yet.")
    if report.notes:
        add("")
        add("## Notes" + ("" if report.include_private else " (shareable only)"))
        add("")
        for note in report.notes:
            mark = "PRIVATE" if note.private else "shareable"
            add(f"- {escape(note.session)}, {note.time} ({mark}, {note.kind}): {escape(note.text)}")
    add("")
    add("## Planned")
    add("")
    if report.planned:
        out.extend(f"- {line}" for line in report.planned)
    else:
        add("No further session planned.")
    if report.sources:
        add("")
        out.extend(f"_{escape(source)}_  " for source in report.sources)
    return "\n".join(out).rstrip() + "\n"


def render_progress_markdown(page: ProgressPage) -> str:
    out: list[str] = []
    add = out.append
    add(f"# Your progress, {escape(page.client_name)}")
    add("")
    names = " \u00b7 ".join(escape(part) for part in (page.therapist_name, page.practice_name) if part)
    add(page.date + (f" \u00b7 with {names}" if names else ""))
    add("")
    add(page.position)
    for scores in page.scores:
        add("")
        add(f"## {escape(scores.title)}")
        add("")
        add(" ".join(scores.sentences))
    if page.intentions:
        add("")
        add("## Your intentions")
        add("")
        out.extend(f"- {escape(item.label)} ({item.date}): {escape(item.text)}" for item in page.intentions)
    if page.reflections:
        add("")
        add("## What you chose to keep")
        add("")
        for item in page.reflections:
            text = f"\u201c{item.text}\u201d" if item.quote else item.text
            add(f"> {escape(text)}  ")
            add(f"> \u2014 {escape(item.label)}")
            add("")
    add("")
    add("## Next sessions")
    add("")
    if page.next_sessions:
        out.extend(f"- {line}" for line in page.next_sessions)
    else:
        add("We will plan the next one together.")
    if page.sources:
        add("")
        out.extend(f"_{escape(source)}_  " for source in page.sources)
    return "\n".join(out).rstrip() + "\n"
