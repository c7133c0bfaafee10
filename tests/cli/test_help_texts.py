"""Issue 17: help that says what is accepted. Every argument of every command (the extensions'
too) has help; every one that takes a value names what it accepts with one example ("e.g.")."""

from __future__ import annotations

import argparse

from kapsession.cli import build_parser


def every_parser(parser: argparse.ArgumentParser, path: str = "kapsession"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from every_parser(sub, f"{path} {name}")


def test_every_argument_names_what_it_accepts_with_an_example() -> None:
    missing = []
    for path, parser in every_parser(build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                continue
            name = action.option_strings[-1] if action.option_strings else action.dest
            text = action.help or ""
            if not text.strip():
                missing.append(f"{path} {name}: no help")
            elif action.nargs != 0 and "e.g." not in text:
                missing.append(f"{path} {name}: no example in {text!r}")
    assert not missing, "\n".join(missing)


def test_plain_presets_says_it_lists_them() -> None:
    presets = dict(every_parser(build_parser()))["kapsession presets"]
    assert "With no action, lists every preset" in presets.format_help()


def test_the_names_a_scale_and_a_phase_take_are_in_their_help() -> None:
    parsers = dict(every_parser(build_parser()))
    scale = parsers["kapsession add scale"].format_help()
    for name in ("moaas", "dissociation", "nausea", "aldrete"):
        assert name in scale
    phase = " ".join(parsers["kapsession add phase"].format_help().split())
    for name in ("next", "intake", "intention", "dose-onset", "peak", "recovery", "integration"):
        assert name in phase
    vitals = parsers["kapsession add vitals"].format_help()
    assert "BP HR SpO2" in vitals
