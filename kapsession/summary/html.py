"""The client summary as one self-contained HTML file: calm on screen, tidy on paper.

No scripts, no web fonts, no external files: the styles and the chart (inline SVG drawn from
numbers only) are inside the file. Print styles set the page size (A4 or Letter, from the
settings) and keep headings with what follows them; long notes flow across pages.
Every piece of text a person wrote is HTML-escaped.
"""

from __future__ import annotations

from html import escape as _escape

from kapsession.core.text_rule import visible
from kapsession.summary.model import ClientSummary, VitalsFigure

PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def esc(text: str) -> str:
    return _escape(visible(text), quote=True)  # no raw control character in the page


def _paragraphs(text: str, css_class: str = "") -> str:
    blocks = [block.strip() for block in text.strip().replace("\r\n", "\n").split("\n\n") if block.strip()]
    attr = f' class="{css_class}"' if css_class else ""
    return "".join(f"<p{attr}>" + "<br>".join(esc(line) for line in block.splitlines()) + "</p>" for block in blocks)


STYLE = """
:root { --ink: #2c2f2e; --soft: #6b7370; --line: #d9dedb; --accent: #5d7f73; --wash: #f3f6f4; }
* { box-sizing: border-box; }
html { background: #fbfbf9; }
body {
  margin: 0 auto; padding: 3.2em 2em 4em; max-width: 42em; color: var(--ink);
  font: 17px/1.6 "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia,
        "Noto Serif", "DejaVu Serif", serif;
  -webkit-font-smoothing: antialiased; overflow-wrap: anywhere;
}
header { border-bottom: 1px solid var(--line); padding-bottom: 1.4em; margin-bottom: 2em; }
.kicker { font: 600 0.78em/1.4 system-ui, "Segoe UI", "Noto Sans", sans-serif; letter-spacing: 0.14em;
          text-transform: uppercase; color: var(--accent); margin: 0 0 0.5em; }
h1 { font-weight: normal; font-size: 2.3em; line-height: 1.15; margin: 0 0 0.6em; }
.meta { color: var(--soft); margin: 0; font-size: 0.95em; }
.practice { display: inline-block; margin-top: 0.6em; padding: 0.1em 0.6em; border: 1px solid var(--soft);
            border-radius: 1em; font-size: 0.8em; color: var(--soft); }
h2 { font: 600 0.8em/1.4 system-ui, "Segoe UI", "Noto Sans", sans-serif; letter-spacing: 0.14em;
     text-transform: uppercase; color: var(--accent); margin: 2.4em 0 0.9em; break-after: avoid; }
.intention { font-size: 1.35em; font-style: italic; line-height: 1.45; margin: 0 0 0.8em; }
.cards { color: var(--soft); margin: 0; }
.cards span { font-style: italic; color: var(--ink); }
.arc { display: flex; gap: 2px; height: 6px; margin: 0.2em 0 1em; }
.arc span { display: block; height: 100%; border-radius: 3px; }
ol.steps { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 2.5em; }
ol.steps li { break-inside: avoid; margin: 0 0 0.35em; display: grid; grid-template-columns: 3.4em 1fr; }
ol.steps time { color: var(--soft); font-variant-numeric: tabular-nums; }
.note { margin: 0 0 1.4em; }
.note p { margin: 0 0 0.5em; }
blockquote { margin: 0 0 0.4em; padding: 0 0 0 1.1em; border-left: 2px solid var(--accent);
             font-style: italic; font-size: 1.08em; }
blockquote p { margin: 0 0 0.5em; }
.caption { color: var(--soft); font-size: 0.85em; margin: 0; }
ul { padding-left: 1.2em; margin: 0; }
li { margin: 0 0 0.4em; }
.lead { color: var(--soft); margin: 0 0 0.8em; }
.call { background: var(--wash); border-radius: 6px; padding: 0.9em 1.1em; margin-top: 1.1em; }
.call strong { font-weight: 600; }
.next { font-size: 1.2em; margin: 0; }
table { border-collapse: collapse; font-size: 0.9em; margin-top: 0.8em; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.2em 1.4em 0.2em 0; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--soft); }
svg { display: block; margin: 0.8em 0 0.2em; max-width: 100%; }
.legend { color: var(--soft); font-size: 0.8em; margin: 0; }
footer { margin-top: 3em; padding-top: 1em; border-top: 1px solid var(--line); color: var(--soft);
         font-size: 0.8em; }
@media print {
  html { background: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; line-height: 1.45; }
  h1 { font-size: 22pt; }
  h2 { margin-top: 1.3em; }
  header { margin-bottom: 1.2em; }
  .note, li { break-inside: auto; }
  footer { margin-top: 1.5em; break-before: avoid; }
  section.figures { break-inside: avoid; }
  ul.aftercare { columns: 2; column-gap: 2em; }
  ul.aftercare li { break-inside: avoid; }
}
"""

ARC_COLOURS = ("#c9d6cf", "#b4c8bd", "#9db7a9", "#7f9f90", "#a9c0b4", "#cdd9d2")


def vitals_svg(rows: tuple[VitalsFigure, ...], width: int = 520, height: int = 150) -> str:
    """A small line chart of blood pressure (upper and lower) and heart rate; numbers only."""
    points = [row for row in rows if row.systolic is not None or row.pulse is not None]
    if len(points) < 2:
        return ""
    values = [v for row in points for v in (row.systolic, row.diastolic, row.pulse) if v is not None]
    low = max(0, min(values) - 10)
    high = max(values) + 10
    last = max(row.minute for row in points) or 1
    left, right, top, bottom = 34, 10, 8, 22
    inner_w, inner_h = width - left - right, height - top - bottom

    def x(minute: float) -> float:
        return left + minute / last * inner_w

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * inner_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Vitals over the session">'
    ]
    step = 20 if high - low > 60 else 10
    tick = (int(low) // step + 1) * step
    while tick < high:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e4e8e6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 3:.1f}" font-size="9" fill="#8a918e" '
            f'text-anchor="end" font-family="sans-serif">{tick}</text>'
        )
        tick += step
    for row in (points[0], points[-1]):
        anchor = "start" if row is points[0] else "end"
        parts.append(
            f'<text x="{x(row.minute):.1f}" y="{height - 6}" font-size="9" fill="#8a918e" '
            f'text-anchor="{anchor}" font-family="sans-serif">{esc(row.time)}</text>'
        )
    series = (("systolic", "#5d7f73", ""), ("diastolic", "#9db7a9", ""), ("pulse", "#b08968", "4 3"))
    for name, colour, dash in series:
        coords = [(x(row.minute), y(getattr(row, name))) for row in points if getattr(row, name) is not None]
        if not coords:
            continue
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash_attr}/>')
        parts.extend(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.2" fill="{colour}"/>' for cx, cy in coords)
    parts.append("</svg>")
    return "".join(parts)


def render_html(summary: ClientSummary) -> str:
    page = PAGE_SIZES.get(summary.paper, "A4")
    body: list[str] = []
    add = body.append
    add("<header>")
    kicker = " \u00b7 ".join(esc(part) for part in (summary.session_label, summary.date))
    add(f'<p class="kicker">{kicker}</p>')
    add(f"<h1>{esc(summary.client_name)}</h1>")
    meta = [esc(part) for part in (summary.with_line, summary.route_line) if part]
    if meta:
        add(f'<p class="meta">{"<br>".join(meta)}</p>')
    if summary.practice:
        add('<span class="practice">Practice session \u2014 a rehearsal, not a real client</span>')
    add("</header>")

    if summary.intention or summary.cards:
        add("<section><h2>Your intention</h2>")
        if summary.intention:
            add(f'<p class="intention">\u201c{esc(summary.intention.strip())}\u201d</p>')
        if summary.cards:
            label = "Card drawn" if len(summary.cards) == 1 else "Cards drawn"
            cards = " \u00b7 ".join(f"<span>{esc(card)}</span>" for card in summary.cards)
            add(f'<p class="cards">{label}: {cards}</p>')
        add("</section>")

    if summary.timeline:
        add("<section><h2>The shape of the session</h2>")
        total = sum(step.minutes for step in summary.timeline) or 1
        arc = "".join(
            f'<span style="flex:{max(step.minutes / total, 0.02):.4f};background:{ARC_COLOURS[i % len(ARC_COLOURS)]}"></span>'
            for i, step in enumerate(summary.timeline)
            if step.minutes > 0
        )
        if arc:
            add(f'<div class="arc" aria-hidden="true">{arc}</div>')
        add('<ol class="steps">')
        for step in summary.timeline:
            add(f"<li><time>{esc(step.time)}</time>{esc(step.words)}</li>")
        add("</ol></section>")

    if summary.notes:
        add("<section><h2>What you chose to keep</h2>")
        for note in summary.notes:
            caption = ", ".join(part for part in (note.time, note.moment.lower()) if part)
            add('<div class="note">')
            if note.quote:
                text = note.text.strip()
                add(f"<blockquote>{_paragraphs(chr(0x201C) + text + chr(0x201D))}</blockquote>")
            else:
                add(_paragraphs(note.text))
            add(f'<p class="caption">{esc(caption)}</p></div>')
        add("</section>")

    if summary.prompts:
        add("<section><h2>To carry with you</h2>")
        add('<p class="lead">Some questions to sit with in the coming days. There are no right answers.</p><ul>')
        add("".join(f"<li>{esc(prompt)}</li>" for prompt in summary.prompts))
        add("</ul></section>")

    add('<section><h2>Looking after yourself</h2><ul class="aftercare">')
    add("".join(f"<li>{esc(item)}</li>" for item in summary.aftercare))
    add("</ul>")
    if summary.when_to_call:
        add(f'<p class="call"><strong>When to call.</strong> {esc(summary.when_to_call)}</p>')
    if summary.call_numbers:
        add('<ul class="numbers">' + "".join(f"<li>{esc(line)}</li>" for line in summary.call_numbers) + "</ul>")
    add("</section>")

    if summary.next_session:
        add(f'<section><h2>Your next session</h2><p class="next">{esc(summary.next_session)}</p></section>')

    if summary.clinical is not None:
        figures = summary.clinical
        add('<section class="figures"><h2>Figures from today</h2>')
        if figures.doses:
            add(
                "<ul>"
                + "".join(f"<li>{esc(d.time)} \u2002{esc(d.amount)}, as {esc(d.how)}</li>" for d in figures.doses)
                + "</ul>"
            )
        chart = vitals_svg(figures.vitals)
        if chart:
            add(chart)
            add('<p class="legend">Solid lines: blood pressure (upper and lower numbers). Dashed: heart rate.</p>')
        if figures.vitals:
            add(
                "<table><thead><tr><th>Time</th><th>Blood pressure</th><th>Heart rate</th><th>Oxygen</th></tr></thead><tbody>"
            )
            for row in figures.vitals:
                cells = (row.time, row.blood_pressure, row.heart_rate, row.spo2)
                add("<tr>" + "".join(f"<td>{esc(cell) or '&ndash;'}</td>" for cell in cells) + "</tr>")
            add("</tbody></table>")
        add("</section>")

    footer = summary.practice_name or summary.therapist_name
    add("<footer>" + " \u00b7 ".join(esc(part) for part in (summary.date, footer) if part) + "</footer>")
    title = f"{summary.client_name} \u2014 {summary.session_label}, {summary.date}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}\n@page {{ size: {page}; margin: 18mm 20mm; }}\n</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
