"""`kapsession add ID ...` for the clinical record: the dose with its pre-dose gate, the infusion,
other medicines, adverse events, screening answers, pre-dose decisions, discharge reasons and the
esketamine form's confirmed answers.

`register(kinds)` adds the entry kinds to the `add` parser; `events_for(args, state, now)` turns
one parsed command line into the events to record, in order (a decision before its dose, a
cancel before its close), or None for a kind this module does not handle. Every event is built
before any is recorded, so a refused entry records nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kapsession.core.errors import InputError

if TYPE_CHECKING:
    from kapsession.core.events import EventBase
    from kapsession.core.state import SessionState

KINDS = ("dose", "infusion", "med", "adverse", "resolved", "screen", "decide", "waive", "form")


def register(kinds: Any, parser_class: type, at_help: str) -> None:
    """The entry kinds, on the `add` command's subparsers (`parser_class`: the command line's
    own, whose complaints are one sentence; `at_help`: what `--at` takes)."""
    dose = kinds.add_parser("dose", help="a dose in mg (an IV dose starts an infusion)")
    dose.add_argument("mg", help="the amount in mg, up to the preset's maximum, e.g. 200")
    dose.add_argument(
        "--route",
        help="sublingual, intramuscular, intravenous or intranasal (or sl, im, iv, in), "
        "e.g. --route im (default: the preset's route)",
    )
    dose.add_argument("--devices", help="esketamine nasal-spray devices, 1-6, e.g. --devices 2 (default: mg / 28)")
    dose.add_argument(
        "--booster",
        action="store_true",
        help="this dose is a booster after the first dose (routes with a booster window)",
    )
    dose.add_argument(
        "--repeat",
        action="store_true",
        help="this dose is given again on purpose after the first (a further dose is a booster or a repeat)",
    )
    dose.add_argument(
        "--confirm",
        action="store_true",
        help="give a dose far from the plan (under half the planned dose, or over it) anyway",
    )
    dose.add_argument("--site", help='the injection site, e.g. --site "left deltoid"')
    dose.add_argument("--lot", help="the lot number, up to 40 characters, e.g. --lot EK2291")
    dose.add_argument(
        "--over", metavar="MIN", help="an IV infusion's planned minutes, 1-600, e.g. --over 40 (default: the preset's)"
    )
    dose.add_argument(
        "--rate", metavar="MG_PER_HOUR", help="an IV infusion's rate in mg/h instead of --over, e.g. --rate 52.5"
    )
    dose.add_argument(
        "--override",
        metavar="REASON",
        help="before the first dose, with something short: the reason to go ahead, recorded, "
        'e.g. --override "prescriber agreed by phone"',
    )
    dose.add_argument("--at", metavar="TIME", help=at_help)

    infusion = kinds.add_parser("infusion", help="the running infusion: stop, rate, pause or resume")
    actions = infusion.add_subparsers(
        dest="infusion_action", metavar="ACTION", required=True, parser_class=parser_class
    )
    stop = actions.add_parser("stop", help="stop it (a reason when it stops before the planned amount ran in)")
    stop.add_argument(
        "--delivered",
        metavar="MG",
        help="what was delivered in mg, e.g. --delivered 17.5 (default: what the recorded rates ran in)",
    )
    stop.add_argument("--reason", help='why it stopped early, e.g. --reason "BP 190/115"')
    stop.add_argument("--at", metavar="TIME", help=at_help)
    rate = actions.add_parser("rate", help="a new rate in mg/h")
    rate.add_argument("mg_per_hour", help="the new rate in mg/h, 1-1000, e.g. 30")
    rate.add_argument("--at", metavar="TIME", help=at_help)
    pause = actions.add_parser("pause", help="pause it")
    pause.add_argument("--reason", help='why, e.g. --reason "client asked for a break"')
    pause.add_argument("--at", metavar="TIME", help=at_help)
    resume = actions.add_parser("resume", help="resume it")
    resume.add_argument("--at", metavar="TIME", help=at_help)

    med = kinds.add_parser("med", help="another medicine: NAME AMOUNT UNIT (never counted as ketamine)")
    med.add_argument("name", help="the medicine, a standing adjunct or any other, e.g. ondansetron")
    med.add_argument("amount", help="a number above 0, e.g. 4")
    med.add_argument("unit", help="mg, mcg, g, mL or tablet, e.g. mg")
    med.add_argument("--route", help="how it was given, e.g. --route ODT (default: the standing adjunct's)")
    med.add_argument("--reason", help="what it was for, e.g. --reason nausea (default: the standing adjunct's)")
    med.add_argument("--at", metavar="TIME", help=at_help)

    adverse = kinds.add_parser("adverse", help="an adverse event: KIND --severity mild|moderate|severe")
    adverse.add_argument(
        "kind",
        help="nausea, vomiting, hypertension, tachycardia, bradycardia, desaturation, "
        "respiratory-depression, excessive-sedation, distressing-dissociation, agitation, "
        "headache, dizziness or other, e.g. vomiting",
    )
    adverse.add_argument("--severity", required=True, help="mild, moderate or severe, e.g. --severity moderate")
    adverse.add_argument("--action", help='what was done, e.g. --action "ondansetron 4 mg ODT"')
    adverse.add_argument("--outcome", help="how it went, e.g. --outcome settled")
    adverse.add_argument("--detail", help='what it was (needed for other), e.g. --detail "blurred vision"')
    adverse.add_argument("--at", metavar="TIME", help=at_help)

    resolved = kinds.add_parser("resolved", help="an adverse event resolved, by its number")
    resolved.add_argument(
        "number", type=int, metavar="N", help="the adverse event's number as `kapsession show` prints it, e.g. 12"
    )
    resolved.add_argument("--outcome", help="how it ended, e.g. --outcome settled")
    resolved.add_argument("--at", metavar="TIME", help=at_help)

    screen = kinds.add_parser("screen", help="screening answers: QUESTION ANSWER [QUESTION ANSWER ...]")
    screen.add_argument(
        "answers",
        nargs="*",
        metavar="QUESTION ANSWER",
        help="each question (its key or number) and its answer, e.g. pregnancy no food-hours 4",
    )

    decide = kinds.add_parser("decide", help="before the first dose: proceed, defer or cancel, with a reason")
    decide.add_argument(
        "decision",
        choices=["proceed", "defer", "cancel"],
        help="proceed, defer or cancel (cancel closes the session), e.g. defer",
    )
    decide.add_argument("--reason", required=True, help='why, recorded, e.g. --reason "recheck BP in 10 min"')

    waive = kinds.add_parser("waive", help="a reason the client may leave without a criterion met")
    waive.add_argument("criterion", help="the criterion, e.g. sedation (a MOAA/S of 5 after the last dose)")
    waive.add_argument("--reason", required=True, help='why, recorded, e.g. --reason "4 is their usual"')

    form = kinds.add_parser("form", help="confirm an esketamine form answer")
    form.add_argument("field", help="sedation, dissociation, respiratory-depression or first-treatment, e.g. sedation")
    form.add_argument("answer", help="yes or no, e.g. no")


def events_for(args: Any, state: SessionState, now: datetime) -> list[EventBase] | None:
    from kapsession.core import commands

    what = args.what
    if what == "dose":
        return _dose(args, state, now)
    if what == "infusion":
        action = args.infusion_action
        if action == "stop":
            return [commands.stop_infusion(state, now, args.delivered, args.reason, args.at)]
        if action == "rate":
            return [commands.change_infusion_rate(state, args.mg_per_hour, now, args.at)]
        if action == "pause":
            return [commands.pause_infusion(state, now, args.reason, args.at)]
        return [commands.resume_infusion(state, now, args.at)]
    if what == "med":
        return [
            commands.give_medication(
                state, args.name, args.amount, args.unit, now, route=args.route, reason=args.reason, at_text=args.at
            )
        ]
    if what == "adverse":
        return [
            commands.record_adverse(
                state,
                args.kind,
                args.severity,
                now,
                action=args.action,
                outcome=args.outcome,
                detail=args.detail,
                at_text=args.at,
            )
        ]
    if what == "resolved":
        from kapsession.core.entries import entry_seq

        return [commands.resolve_adverse(state, entry_seq(state, args.number), now, args.outcome, args.at)]
    if what == "screen":
        return _screening(args.answers, state, now)
    if what == "decide":
        decision = commands.decide_predose(state, args.decision, args.reason, now)
        if decision.decision == "cancel":
            return [decision, commands.close_session(state, now, f"cancelled before dosing: {decision.reason}")]
        return [decision]
    if what == "waive":
        return [commands.waive_criterion(state, args.criterion, args.reason, now)]
    if what == "form":
        return [commands.confirm_form_answer(state, args.field, args.answer, now)]
    return None


def _dose(args: Any, state: SessionState, now: datetime) -> list[EventBase]:
    """The dose, checked in full first; then the pre-dose gate: with something short, exit 2
    naming it, unless `--override` gives the reason to go ahead (recorded before the dose)."""
    from kapsession.core import commands
    from kapsession.core.predose import gate_open

    try:
        dose = commands.give_dose(
            state,
            args.mg,
            now,
            route=args.route,
            devices=args.devices,
            booster=args.booster,
            repeat=args.repeat,
            confirmed=args.confirm,
            site=args.site,
            at_text=args.at,
            lot=args.lot,
            over_minutes=args.over,
            rate_mg_per_hour=args.rate,
        )
    except commands.FarFromPlan as far:
        raise InputError(f"{far}: accepted --confirm to give it anyway, or the amount as planned") from None
    if gate_open(state):
        return [dose]
    if not args.override:
        try:
            commands.check_predose_gate(state)
        except commands.PreDoseShort as short:
            raise InputError(
                f'{short}; to go ahead, give the reason with --override "..." (recorded), or '
                "record `decide defer` or `decide cancel` with --reason"
            ) from None
    return [commands.decide_predose(state, "proceed", args.override, now), dose]


def _screening(words: list[str], state: SessionState, now: datetime) -> list[EventBase]:
    from kapsession.core import commands

    questions = state.preset.screening_questions
    if not words or len(words) % 2:
        listed = "; ".join(f"{n} {q.key}" for n, q in enumerate(questions, 1))
        raise InputError(
            f"give each question (number or key) with its answer, e.g. `screen pregnancy no "
            f"food-hours 4`; the questions: {listed}"
        )
    return [commands.answer_screening(state, words[i], words[i + 1], now) for i in range(0, len(words), 2)]


def close_with_reasons(state: SessionState, now: datetime, typed: list[str]) -> EventBase:
    """`add ID close [--reason "CRITERION: why"] [--reason "why"]`: each reason goes to the
    criterion its prefix names (core/closing.py), or, without one, to every criterion not given
    its own. Refused (exit 2) while an alarm is not acknowledged, or a criterion has no reason."""
    from kapsession.core import commands
    from kapsession.core.closing import alarms_sentence, criterion_for, unacknowledged_alarms, unmet_criteria

    criteria = unmet_criteria(state)
    own: dict[str, str] = {}
    general: list[str] = []
    for text in typed:
        prefix, colon, rest = text.partition(":")
        criterion = criterion_for(criteria, prefix, state.preset.discharge_checklist) if colon else None
        if criterion is not None and rest.strip():
            own[criterion.key] = rest.strip()
        elif text.strip():
            general.append(text.strip())
    alarms = unacknowledged_alarms(state)
    if alarms:
        raise InputError(f"{alarms_sentence(alarms)} (`kapsession add ID ack` acknowledges the top one; once for each)")
    try:
        return commands.close_session(state, now, "; ".join(general) or None, own)
    except InputError as error:
        if "a reason for each" not in str(error):
            raise
        keys = ", ".join(c.key for c in criteria if c.key not in own)
        raise InputError(
            f'{error}; accepted: --reason "CRITERION: why" for one ({keys}), or --reason "why" for every one'
        ) from error
