"""The client summary as plain Markdown: readable as text in an email, tidy in a client portal.

Everything a person typed (names, the intention, cards, notes) is escaped, so a note that happens
to contain `*`, `#`, `<b>` or `&copy;` reads as written instead of turning into formatting, and an
indented line keeps its indent instead of becoming a code block.
"""

from __future__ import annotations

import re

from kapsession.core.text_rule import visible
from kapsession.summary.model import ClientSummary

DASH = "\u2013"
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
NBSP = "\u00a0"


def _keep_indent(match: re.Match[str]) -> str:
    """A line's indent as no-break spaces (a tab as four): Markdown counts only spaces and tabs as
    indentation, so the line reads indented as typed and never turns into a code block."""
    return match.group(0).replace("\t", "    ").replace(" ", NBSP)


def escape(text: str) -> str:
    """Escape Markdown syntax in text a person wrote, so it shows literally (`&` too, so
    `&copy;` is not read as ©)."""
    text = _INLINE.sub(r"\\\1", visible(text))  # no raw control character reaches a file or terminal
    text = _LINE_START.sub(
        lambda m: (
            m.group(1) + "\\" + m.group(2)
            if not m.group(2)[0].isdigit()
            else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1]
        ),
        text,
    )
    return _INDENT.sub(_keep_indent, text)


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; single line breaks kept as hard breaks."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text.strip())]
    return ["  \n".join(escape(line.rstrip()) for line in block.splitlines()) for block in blocks if block.strip()]


def _quote(text: str) -> str:
    paragraphs = _paragraphs(text)
    if paragraphs:
        paragraphs[0] = "\u201c" + paragraphs[0]
        paragraphs[-1] = paragraphs[-1] + "\u201d"
    lines: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            lines.append(">")
        lines.extend("> " + line for line in paragraph.split("\n"))
    return "\n".join(lines)


def sparkline(values: list[float]) -> str:
    bars = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1
    return "".join(bars[min(7, int((value - low) / span * 7.999))] for value in values)


def render_markdown(summary: ClientSummary) -> str:
    out: list[str] = []
    add = out.append
    add(f"# {escape(summary.client_name)}")
    add("")
    meta = [f"{summary.session_label} \u00b7 {summary.date}"]
    if summary.practice:
        meta.append("Practice session (a rehearsal, not a real client)")
    if summary.with_line:
        meta.append(escape(summary.with_line))
    if summary.route_line:
        meta.append(summary.route_line)
    add("  \n".join(meta))

    if summary.intention or summary.cards:
        add("")
        add("## Your intention")
        add("")
        if summary.intention:
            add(_quote(summary.intention))
        if summary.cards:
            if summary.intention:
                add("")
            label = "Card drawn" if len(summary.cards) == 1 else "Cards drawn"
            add(f"{label}: " + " \u00b7 ".join(f"*{escape(card)}*" for card in summary.cards))

    if summary.timeline:
        add("")
        add("## The shape of the session")
        add("")
        for step in summary.timeline:
            add(f"- {step.time} \u2002{step.words}")

    if summary.notes:
        add("")
        add("## What you chose to keep")
        for note in summary.notes:
            add("")
            caption = ", ".join(part for part in (note.time, note.moment.lower()) if part)
            if note.quote:
                add(_quote(note.text))
                add(f">\n> \u2014 *{caption}*")
            else:
                add("\n\n".join(_paragraphs(note.text)))
                add(f"*{caption}*")

    if summary.prompts:
        add("")
        add("## To carry with you")
        add("")
        add("Some questions to sit with in the coming days. There are no right answers.")
        add("")
        for prompt in summary.prompts:
            add(f"- {escape(prompt)}")

    add("")
    add("## Looking after yourself")
    add("")
    for item in summary.aftercare:
        add(f"- {escape(item)}")
    if summary.when_to_call:
        add("")
        add(f"**When to call.** {escape(summary.when_to_call)}")
    if summary.call_numbers:
        add("")
        for line in summary.call_numbers:
            add(f"- {escape(line)}")

    if summary.next_session:
        add("")
        add("## Your next session")
        add("")
        add(summary.next_session)

    if summary.clinical is not None:
        figures = summary.clinical
        add("")
        add("## Figures from today")
        if figures.doses:
            add("")
            for dose in figures.doses:
                add(f"- {dose.time} \u2002{dose.amount}, as {dose.how}")
        if figures.vitals:
            add("")
            add("| Time | Blood pressure | Heart rate | Oxygen |")
            add("|---|---|---|---|")
            for row in figures.vitals:
                cells = [row.time, row.blood_pressure or DASH, row.heart_rate or DASH, row.spo2 or DASH]
                add("| " + " | ".join(cells) + " |")
            systolic = [float(r.systolic) for r in figures.vitals if r.systolic is not None]
            pulse = [float(r.pulse) for r in figures.vitals if r.pulse is not None]
            if len(systolic) > 1 or len(pulse) > 1:
                add("")
                if len(systolic) > 1:
                    add(f"Blood pressure (upper number) over the session: `{sparkline(systolic)}`  ")
                if len(pulse) > 1:
                    add(f"Heart rate over the session: `{sparkline(pulse)}`")
    add("")
    return "\n".join(out)
