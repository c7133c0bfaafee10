"""A launch builds only the part of the parser its command needs; the answers must not change."""

from __future__ import annotations

import pytest

from kapsession.cli import build_parser, command_word, join_option_values

COMMAND_LINES = [
    [],
    ["--data-dir", "/tmp/d"],
    ["--theme=calm-dark"],
    ["resume"],
    ["resume", "abc234"],
    ["--data-dir", "/tmp/d", "sessions", "--all"],
    ["add", "abc234", "vitals", "128/84", "76", "98", "--at", "-5m"],
    ["add", "abc234", "note", "calm", "--shareable"],
    ["new", "--client", "A. B.", "--preset", "intramuscular", "--no-open"],
    ["presets", "check", "x.toml"],
    ["export", "abc234", "-o", "out.json"],
    ["summary", "abc234", "--format", "pdf", "-o", "s.pdf"],
    ["record", "abc234", "--format", "md"],
    ["practice", "list"],
    ["locate"],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda argv: " ".join(argv) or "(bare)")
def test_the_partial_parser_reads_a_command_line_as_the_whole_one_does(argv: list[str]) -> None:
    words = join_option_values(argv)
    whole = vars(build_parser().parse_args(words))
    part = vars(build_parser(command_word(words)).parse_args(words))
    assert part == whole


def test_the_command_word_skips_the_global_options_and_gives_up_on_help() -> None:
    assert command_word([]) == ""
    assert command_word(["--data-dir", "d", "--theme", "t"]) == ""
    assert command_word(["--data-dir=d", "show", "x"]) == "show"
    assert command_word(["--help"]) is None
    assert command_word(["--version"]) is None


def test_an_unknown_command_is_refused_with_every_command_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser(command_word(["sumary"])).parse_args(["sumary"])
    message = capsys.readouterr().err
    for name in ("resume", "sessions", "summary", "practice"):
        assert f"'{name}'" in message
