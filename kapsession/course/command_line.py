"""`kapsession clients`, `client ...`, `course`, `calendar`, and the `add ID phq9|gad7|safety-check`
entries: registered by kapsession.cli through `register` and `register_add_kinds`.

    kapsession clients [--json] [--all]
    kapsession client add NAME [--dob YYYY-MM-DD] [--sex female|male|other] [--ref TEXT] [--same-name]
    kapsession client rename CLIENT NAME
    kapsession client merge A B            # A and B are one person: A joins B (undo: client unmerge A)
    kapsession client plan CLIENT --sessions N [--schedule "twice a week"]
    kapsession client score CLIENT phq9 1 2 0 1 2 1 0 1 0 [--date YYYY-MM-DD]
    kapsession client safety-check CLIENT "note" [--shareable]
    kapsession course CLIENT [--format md|pdf] [-o FILE] [--for prescriber|client] [--include-private]
    kapsession calendar SESSION_OR_CLIENT [-o FILE]     # the next session as .ics

CLIENT is a client's id (`c-7k3ab`) or a name matching one client (case and spaces ignored).
Anything refused is one sentence on stderr, exit 2, nothing recorded.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from kapsession.core import text_rule
from kapsession.core.errors import InputError
from kapsession.core.text_rule import TextField

DEFAULT_FORMAT = "pdf"


def _book(ctx: Any):
    from kapsession.store.clients import ClientBook

    return ClientBook(ctx.store())


def _now() -> datetime:
    from kapsession.core.clock import SystemClock

    return SystemClock().now()


def _text(words: list[str] | str, field: TextField) -> str:
    """Typed text under the one text rule (kapsession.core.text_rule) for its field."""
    text = text_rule.cleaned(" ".join(words) if isinstance(words, list) else words, field)
    if not text:
        raise InputError(f"{field.what} is empty")
    return text


def _birth_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        born = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"'{text.strip()}' is not a date of birth: accepted YYYY-MM-DD, e.g. 1984-07-21") from None
    if born > date.today() or born.year < 1900:
        raise InputError(f"{born.isoformat()} is not a plausible date of birth: accepted a past date after 1900")
    return born


def _sex(text: str | None) -> str | None:
    if not text:
        return None
    words = {"f": "female", "female": "female", "m": "male", "male": "male", "other": "other", "x": "other"}
    found = words.get(text.strip().lower())
    if found is None:
        raise InputError(f"'{text.strip()}' is not accepted for sex: accepted female, male, other")
    return found


def score_moment(text: str | None, now: datetime) -> datetime:
    """When a score collected between sessions was taken: now, or a date (that day at noon, local
    time; today: now), never in the future."""
    if not text:
        return now
    from kapsession.core.timeparse import local_zone, to_local

    cleaned = text.strip().lower()
    local_now = to_local(now)
    if cleaned == "today":
        return now
    if cleaned == "yesterday":
        day = local_now.date() - timedelta(days=1)
    else:
        try:
            day = date.fromisoformat(cleaned)
        except ValueError:
            raise InputError(f"'{text.strip()}' is not a date: accepted YYYY-MM-DD, today or yesterday") from None
    if day > local_now.date():
        raise InputError(f"{day.isoformat()} is in the future: a score is recorded on or after the day it was taken")
    if day == local_now.date():
        return now
    return datetime.combine(day, time(12, 0), tzinfo=local_zone())


# -- new sessions -----------------------------------------------------------------------------------


class NewSessionClient(NamedTuple):
    client_id: str | None  # None: a client of this name is created with the session
    name: str
    series_number: int
    previous_dose_mg: float | None
    planned_sessions: int | None


def client_for_new_session(store: Any, text: str, *, new_client: bool = False) -> NewSessionClient:
    """What `new --client TEXT` means: a client's id; else a name that matches one client (that
    client), none (a new client), or several (refused, listing them). `new_client` makes a
    second client of the same name on purpose."""
    from kapsession.store.clients import CLIENT_PREFIX, ClientBook, ambiguity, same_name

    book = ClientBook(store)
    wanted = (text or "").strip()
    if not wanted:
        raise InputError(
            'the client\'s name is empty: accepted a name or initials, e.g. "A.B.", or a client id, e.g. c-7k3ab'
        )
    client_id: str | None = None
    if wanted.lower().startswith(CLIENT_PREFIX) and not new_client:
        client_id = book.find(wanted)  # an id that does not exist: one sentence, the closest suggested
    elif not new_client:
        matches = same_name(store.connection, wanted)
        if len(matches) > 1:
            raise ambiguity(matches, wanted)
        if matches:
            client_id = matches[0].id
    if client_id is None:
        return NewSessionClient(None, wanted, 1, None, None)
    record = book.record(client_id)
    history = book.sessions(client_id)
    last_dose = next((row.dose_mg for row in reversed(history) if row.dose_mg), None)
    return NewSessionClient(client_id, record.name, len(history) + 1, last_dose, record.planned_sessions)


# -- the commands ---------------------------------------------------------------------------------


def cmd_clients(ctx: Any) -> int:
    import json

    rows = _book(ctx).rows(include_merged=ctx.args.all)
    if ctx.args.json:
        ctx.out(
            json.dumps(
                [
                    {
                        "id": row.id,
                        "name": row.name,
                        "sessions": count,
                        "merged_into": row.merged_into,
                        "last_session": newest.isoformat() if newest else None,
                        "created_at": row.created_at.isoformat(),
                    }
                    for row, count, newest in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not rows:
        ctx.out("No clients yet. Add one with: kapsession client add NAME")
        return 0
    for row, count, newest in rows:
        if count and newest:
            sessions = f"{count:>3} session{'s' if count != 1 else ' '}  last {newest.astimezone():%Y-%m-%d}"
        else:
            sessions = "    no sessions yet"
        merged = f"  merged into {row.merged_into}" if row.merged_into else ""
        ctx.out(f"{row.id}  {row.name[:30]:<30}  {sessions}{merged}")
    return 0


def cmd_client(ctx: Any) -> int:
    args = ctx.args
    book = _book(ctx)
    now = _now()
    action = args.client_action
    if action == "add":
        client_id = book.add(
            _text(args.name, text_rule.CLIENT_NAME),
            now,
            date_of_birth=_birth_date(args.dob),
            sex=_sex(args.sex),
            reference=_text(args.ref, text_rule.CHART_REFERENCE) if args.ref else None,
            allow_same_name=args.same_name,
        )
        ctx.out(client_id)
    elif action == "rename":
        client_id = book.find(args.client)
        book.rename(client_id, _text(args.name, text_rule.CLIENT_NAME), now)
        ctx.out(f"{client_id} is now called {book.record(client_id).name}")
    elif action == "merge":
        duplicate, keep = book.find(args.duplicate), book.find(args.into)
        book.merge(duplicate, keep, now)
        ctx.out(f"merged {duplicate} into {keep}; undo with: kapsession client unmerge {duplicate}")
    elif action == "unmerge":
        client_id = book.find(args.client)
        book.unmerge(client_id, now)
        ctx.out(f"{client_id} is its own client again")
    elif action == "plan":
        client_id = book.find(args.client)
        schedule = _text(args.schedule, text_rule.SCHEDULE) if args.schedule else None
        book.plan(client_id, args.sessions, schedule, now)
        ctx.out(f"{client_id}: {args.sessions} sessions planned" + (f", {schedule}" if schedule else ""))
    elif action == "score":
        from kapsession.core.events import QuestionnaireAnswered
        from kapsession.core.questionnaires import instrument, parse_answers

        client_id = book.find(args.client)
        name = instrument(args.instrument).name
        answers = parse_answers(name, args.answers)
        stored = book.append(
            client_id,
            QuestionnaireAnswered(
                at=score_moment(args.date, now), instrument=name, answers=answers, by_client=args.by_client
            ),
        )
        form = instrument(name)
        ctx.out(f"recorded {form.title} {sum(answers)} ({form.band(sum(answers)).words}) for {client_id}")
        if form.safety_flagged(answers):
            print(
                f"kapsession: ALERT: {form.title} item {form.safety_item} answered {answers[form.safety_item - 1]}: "  # type: ignore[operator]
                "a safety check is needed today; record it with: "
                f'kapsession client safety-check {client_id} "what was asked and the plan"',
                file=sys.stderr,
            )
        del stored
    elif action == "safety-check":
        from kapsession.core.events import SafetyCheckRecorded

        client_id = book.find(args.client)
        keys = book.record(client_id).open_safety_keys
        if not keys:
            raise InputError(f"{client_id} has no PHQ-9 between sessions waiting for a safety check")
        text = _text(args.text, text_rule.SAFETY_NOTE)
        book.append(
            client_id,
            SafetyCheckRecorded(
                at=now, key=keys[0], text=text, visibility="shareable" if args.shareable else "private"
            ),
        )
        ctx.out(f"safety check recorded for {client_id}" + (" (private)" if not args.shareable else ""))
    return 0


def load_course(ctx: Any, client_text: str):
    from kapsession.settings import load_settings

    book = _book(ctx)
    client_id = book.find(client_text)
    return book.course(client_id, _now(), library=ctx.library(), default_planned=load_settings().series_length)


def cmd_course(ctx: Any) -> int:
    from kapsession.course.export import course_bytes
    from kapsession.course.report import build_course_report, build_progress_page
    from kapsession.settings import load_settings
    from kapsession.summary.command_line import _deliver

    args = ctx.args
    if args.audience == "client" and args.include_private:
        raise InputError(
            "--include-private is for the prescriber's report; the client's page never shows a private note"
        )
    course = load_course(ctx, args.client)
    settings = load_settings()
    names: dict[str, Any] = {
        "therapist_name": settings.therapist_name,
        "practice_name": settings.practice_name,
        "paper": args.paper or settings.paper,
    }
    if args.audience == "client":
        document: Any = build_progress_page(course, **names)
    else:
        document = build_course_report(course, include_private=args.include_private, **names)
    kind = "progress" if args.audience == "client" else "course"
    day = course.now.astimezone().strftime("%Y-%m-%d")
    return _deliver(
        ctx, args, kind=kind, session_id=course.client.id, day=day, render=lambda fmt: course_bytes(document, fmt)
    )


def cmd_calendar(ctx: Any) -> int:
    """The next session, as .ics: of a session (the date set in it) or of a client's course."""
    from kapsession.course.calendar import DEFAULT_LENGTH, appointment_ics
    from kapsession.settings import load_settings
    from kapsession.store.clients import CLIENT_PREFIX

    args = ctx.args
    now = _now()
    when = None
    length: timedelta | None = None
    if args.target.strip().lower().startswith(CLIENT_PREFIX):
        course = load_course(ctx, args.target)
        when = course.planned_next[0] if course.planned_next else None
    else:
        log = ctx.open_log(args.target)
        state = log.state()
        when = state.next_session_at
        length = timedelta(minutes=state.preset.planned_total_minutes)
    if when is None or when <= now:
        raise InputError(
            "no next session is planned ahead; set one with "
            '`kapsession add ID next-session "in 3 days at 10:00"` or plan the course'
        )
    data = appointment_ics(when, practice_name=load_settings().practice_name, length=length or DEFAULT_LENGTH)
    if args.output:
        from kapsession.summary.files import write_export

        ctx.out(str(write_export(Path(args.output), data)))
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def cmd_add_questionnaire(ctx: Any) -> int:
    from kapsession.core import commands
    from kapsession.core.questionnaires import parse_answers

    args = ctx.args
    log = ctx.open_log(args.id)
    answers = parse_answers(args.what, args.answers)
    stored = log.record(
        commands.answer_questionnaire(
            log.state(), args.what, answers, log.now(), by_client=args.by_client, at_text=args.at
        )
    )
    return _recorded(ctx, log, stored)


def cmd_add_safety_check(ctx: Any) -> int:
    from kapsession.core import commands

    log = ctx.open_log(ctx.args.id)
    stored = log.record(
        commands.record_safety_check(
            log.state(), " ".join(ctx.args.text), log.now(), shareable=ctx.args.shareable, at_text=ctx.args.at
        )
    )
    return _recorded(ctx, log, stored)


def _recorded(ctx: Any, log: Any, stored: Any) -> int:
    from kapsession.core.timeline import describe
    from kapsession.core.timeparse import format_local

    state = log.state()
    label, text = describe(stored, state)
    ctx.out(f"recorded #{stored.seq} at {format_local(stored.at)}: {label} {text}")
    for alert in state.open_safety_alerts:
        if alert.key == f"safety:{stored.seq}":
            print(
                f"kapsession: ALERT: {alert.message}; record it with: kapsession add {log.session_id} "
                'safety-check "what was asked and the plan"',
                file=sys.stderr,
            )
    return 0


# -- the parser -----------------------------------------------------------------------------------


def _sessions_count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 50:
        import argparse

        raise argparse.ArgumentTypeError(f"'{text}' is not a number of sessions: accepted 1-50")
    return int(text)


def register_add_kinds(kinds: Any) -> None:
    """`add ID phq9 ...`, `add ID gad7 ...`, `add ID safety-check ...` (kapsession.cli's `add`)."""
    for name, title, count, example in (
        ("phq9", "PHQ-9", 9, "1 2 0 1 2 1 0 1 0"),
        ("gad7", "GAD-7", 7, "1 1 0 1 0 1 0"),
    ):
        parser = kinds.add_parser(name, help=f"a {title} at intake: {count} answers, each 0-3")
        parser.add_argument(
            "answers",
            nargs="+",
            help=f"{count} answers 0-3 in the form's order, e.g. {example} "
            f"(or together, e.g. {example.replace(' ', '')})",
        )
        parser.add_argument("--by-client", action="store_true", help="answered by the client themselves")
        parser.add_argument("--at", metavar="TIME", help=AT_HELP)
        parser.set_defaults(func=cmd_add_questionnaire)
    check = kinds.add_parser("safety-check", help="the note that acknowledges a PHQ-9 item 9 alert (private)")
    check.add_argument(
        "text",
        nargs="+",
        help='what was asked, the answer and the plan, e.g. "asked directly; no plan; crisis line given"',
    )
    check.add_argument("--shareable", action="store_true", help="may appear in the client's documents")
    check.add_argument("--at", metavar="TIME", help=AT_HELP)
    check.set_defaults(func=cmd_add_safety_check)


AT_HELP = (
    "when it happened, if not now (up to four hours before the session was written), e.g. 10:42; "
    "also 10.42pm, -5m, '5 min ago' or an ISO time"
)
CLIENT_HELP = 'a client\'s id, e.g. c-7k3ab, or a name that matches one client, e.g. "Ana B."'


def register(subparsers: Any) -> None:
    clients = subparsers.add_parser("clients", help="list clients, the most recently seen first")
    clients.add_argument("--json", action="store_true", help="as JSON")
    clients.add_argument("--all", action="store_true", help="also records merged into another")
    clients.set_defaults(func=cmd_clients)

    client = subparsers.add_parser(
        "client", help="add, rename, merge a client; plan the course; scores between sessions"
    )
    # (argparse gives the nested parsers the class of `client`: kapsession.cli's, one sentence per refusal)
    actions = client.add_subparsers(dest="client_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="a new client (prints its id)")
    add.add_argument("name", nargs="+", help='display name or initials, e.g. "Ana B."')
    add.add_argument("--dob", metavar="YYYY-MM-DD", help="date of birth, e.g. 1984-07-21")
    add.add_argument("--sex", help="female, male or other, e.g. female")
    add.add_argument(
        "--ref", metavar="TEXT", help="the practice's reference (chart number), up to 60 characters, e.g. CH-12"
    )
    add.add_argument("--same-name", action="store_true", help="another client with a name already recorded")
    rename = actions.add_parser("rename", help="change a client's display name")
    rename.add_argument("client", help=CLIENT_HELP)
    rename.add_argument("name", nargs="+", help='the new display name, e.g. "Ana Beth"')
    merge = actions.add_parser("merge", help="two records of one person: A joins B (reversible)")
    merge.add_argument("duplicate", metavar="A", help="the record that joins the other, e.g. c-2m4pq")
    merge.add_argument("into", metavar="B", help="the record kept, e.g. c-7k3ab")
    unmerge = actions.add_parser("unmerge", help="undo a merge: the client is its own again")
    unmerge.add_argument("client", help="the merged record, e.g. c-2m4pq")
    plan = actions.add_parser("plan", help="sessions planned in the series, and a schedule")
    plan.add_argument("client", help=CLIENT_HELP)
    plan.add_argument(
        "--sessions",
        type=_sessions_count,
        required=True,
        metavar="N",
        help="sessions in the series, 1-50, e.g. 6 (later ones are boosters)",
    )
    plan.add_argument(
        "--schedule",
        help="weekly, twice a week, three times a week, every other week, every 3 days, "
        'or every named weekday, optionally at a time, e.g. "every Monday and Thursday at 10:00"',
    )
    score = actions.add_parser("score", help="a PHQ-9 or GAD-7 collected between sessions")
    score.add_argument("client", help=CLIENT_HELP)
    score.add_argument("instrument", choices=["phq9", "gad7"], help="phq9 or gad7, e.g. phq9")
    score.add_argument("answers", nargs="+", help="one answer 0-3 per item, e.g. 1 2 0 1 2 1 0 1 0")
    score.add_argument(
        "--date",
        help="when it was taken: YYYY-MM-DD, today or yesterday, never in the future, e.g. 2026-03-05 (default: now)",
    )
    score.add_argument("--by-client", action="store_true", help="answered by the client themselves")
    safety = actions.add_parser("safety-check", help="the note after a PHQ-9 item 9 above 0 between sessions")
    safety.add_argument("client", help=CLIENT_HELP)
    safety.add_argument(
        "text",
        nargs="+",
        help='what was asked, the answer and the plan, e.g. "asked directly; no plan; crisis line given"',
    )
    safety.add_argument("--shareable", action="store_true", help="may appear in the client's documents")
    client.set_defaults(func=cmd_client)

    course = subparsers.add_parser(
        "course",
        help="the course report for the prescriber, or (--for client) the client's progress page",
        description="Every session in order, PHQ-9 and GAD-7 over time with response and remission. "
        "The prescriber's report leaves private notes out unless --include-private; the "
        "client's page never has one.",
    )
    course.add_argument("client", help=CLIENT_HELP)
    course.add_argument("--format", choices=["md", "pdf"], default=DEFAULT_FORMAT, help="md or pdf (default), e.g. md")
    course.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file to write (default: stdout for md, the exports folder for pdf), e.g. course.pdf",
    )
    course.add_argument(
        "--for",
        dest="audience",
        choices=["prescriber", "client"],
        default="prescriber",
        help="prescriber (default) or client, e.g. --for client",
    )
    course.add_argument("--include-private", action="store_true", help="the prescriber's report with private notes")
    course.add_argument("--paper", choices=["a4", "letter"], help="a4 or letter (default: from settings), e.g. letter")
    course.add_argument("--print", dest="send_to_printer", action="store_true", help="send the PDF to lp")
    course.set_defaults(func=cmd_course)

    calendar = subparsers.add_parser("calendar", help="the next session as an .ics file (practice name and time only)")
    calendar.add_argument(
        "target", metavar="SESSION_OR_CLIENT", help="a session id, e.g. jzmcdg, or a client id, e.g. c-7k3ab"
    )
    calendar.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout), e.g. next.ics")
    calendar.set_defaults(func=cmd_calendar)
