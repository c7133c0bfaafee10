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


def register(kinds: Any, parser_class: type) -> None:
    """The entry kinds, on the `add` command's subparsers (`parser_class`: the command line's
    own, whose complaints are one sentence)."""
    dose = kinds.add_parser("dose", help="a dose in mg (an IV dose starts an infusion)")
    dose.add_argument("mg")
    dose.add_argument("--route", help="default: the preset's route")
    dose.add_argument("--devices", help="esketamine devices (default: mg / 28)")
    dose.add_argument("--booster", action="store_true", help="a booster (routes with a booster window)")
    dose.add_argument("--site", help="injection site")
    dose.add_argument("--lot", help="the lot number")
    dose.add_argument("--over", metavar="MIN", help="an IV infusion's planned minutes (default: the preset's)")
    dose.add_argument("--rate", metavar="MG_PER_HOUR", help="an IV infusion's rate instead of --over")
    dose.add_argument("--override", metavar="REASON",
                      help="before the first dose, with something short: record the decision to go ahead")
    dose.add_argument("--at", metavar="TIME")

    infusion = kinds.add_parser("infusion", help="the running infusion: stop, rate, pause, resume")
    actions = infusion.add_subparsers(dest="infusion_action", metavar="ACTION", required=True,
                                      parser_class=parser_class)
    stop = actions.add_parser("stop", help="stop it (--delivered MG; a reason when it stops early)")
    stop.add_argument("--delivered", metavar="MG", help="default: what the recorded rates ran in")
    stop.add_argument("--reason")
    stop.add_argument("--at", metavar="TIME")
    rate = actions.add_parser("rate", help="a new rate in mg/h")
    rate.add_argument("mg_per_hour")
    rate.add_argument("--at", metavar="TIME")
    pause = actions.add_parser("pause", help="pause it")
    pause.add_argument("--reason")
    pause.add_argument("--at", metavar="TIME")
    resume = actions.add_parser("resume", help="resume it")
    resume.add_argument("--at", metavar="TIME")

    med = kinds.add_parser("med", help="another medicine: NAME AMOUNT UNIT (never counted as ketamine)")
    med.add_argument("name")
    med.add_argument("amount")
    med.add_argument("unit", help="mg, mcg, g, mL or tablet")
    med.add_argument("--route", help="e.g. oral, ODT, IM, IV (default: the standing adjunct's)")
    med.add_argument("--reason")
    med.add_argument("--at", metavar="TIME")

    adverse = kinds.add_parser("adverse", help="an adverse event: KIND --severity mild|moderate|severe")
    adverse.add_argument("kind", help="nausea, vomiting, hypertension, tachycardia, bradycardia, desaturation, "
                         "respiratory-depression, excessive-sedation, distressing-dissociation, agitation, "
                         "headache, dizziness, other")
    adverse.add_argument("--severity", required=True)
    adverse.add_argument("--action", help="what was done")
    adverse.add_argument("--outcome")
    adverse.add_argument("--detail", help="what it was (needed for 'other')")
    adverse.add_argument("--at", metavar="TIME")

    resolved = kinds.add_parser("resolved", help="an adverse event resolved: its number (#)")
    resolved.add_argument("seq", type=int)
    resolved.add_argument("--outcome")
    resolved.add_argument("--at", metavar="TIME")

    screen = kinds.add_parser("screen", help="screening answers: QUESTION ANSWER [QUESTION ANSWER ...]")
    screen.add_argument("answers", nargs="*", metavar="QUESTION ANSWER")

    decide = kinds.add_parser("decide", help="before the first dose: proceed, defer or cancel, with a reason")
    decide.add_argument("decision", choices=["proceed", "defer", "cancel"])
    decide.add_argument("--reason", required=True)

    waive = kinds.add_parser("waive", help="a reason the client may leave without a criterion met (sedation)")
    waive.add_argument("criterion")
    waive.add_argument("--reason", required=True)

    form = kinds.add_parser("form", help="confirm an esketamine form answer: sedation, dissociation, "
                            "respiratory-depression or first-treatment, yes or no")
    form.add_argument("field")
    form.add_argument("answer")


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
        return [commands.give_medication(state, args.name, args.amount, args.unit, now, route=args.route,
                                         reason=args.reason, at_text=args.at)]
    if what == "adverse":
        return [commands.record_adverse(state, args.kind, args.severity, now, action=args.action,
                                        outcome=args.outcome, detail=args.detail, at_text=args.at)]
    if what == "resolved":
        return [commands.resolve_adverse(state, args.seq, now, args.outcome, args.at)]
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

    dose = commands.give_dose(state, args.mg, now, route=args.route, devices=args.devices, booster=args.booster,
                              site=args.site, at_text=args.at, lot=args.lot, over_minutes=args.over,
                              rate_mg_per_hour=args.rate)
    if gate_open(state):
        return [dose]
    if not args.override:
        try:
            commands.check_predose_gate(state)
        except commands.PreDoseShort as short:
            raise InputError(f"{short}; to go ahead, give the reason with --override \"...\" (recorded), or "
                             "record `decide defer` or `decide cancel` with --reason") from None
    return [commands.decide_predose(state, "proceed", args.override, now), dose]


def _screening(words: list[str], state: SessionState, now: datetime) -> list[EventBase]:
    from kapsession.core import commands

    questions = state.preset.screening_questions
    if not words or len(words) % 2:
        listed = "; ".join(f"{n} {q.key}" for n, q in enumerate(questions, 1))
        raise InputError(f"give each question (number or key) with its answer, e.g. `screen pregnancy no "
                         f"food-hours 4`; the questions: {listed}")
    return [commands.answer_screening(state, words[i], words[i + 1], now) for i in range(0, len(words), 2)]
