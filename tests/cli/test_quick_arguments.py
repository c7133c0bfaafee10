"""A plain `summary` or `record` command line is read without argparse (`cli.quick_arguments`):
it must give exactly what argparse gives, and hand every other line to argparse, which still
answers help and refuses mistakes as before."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kapsession import cli
from kapsession.cli import build_parser, command_word, join_option_values, quick_arguments

PLAIN = [
    ["summary", "abc234"],
    ["summary", "abc234", "--format", "pdf", "-o", "s.pdf"],
    ["summary", "--format=md", "abc234"],
    ["summary", "abc234", "--output", "a folder/s.pdf", "--paper", "letter", "--include-clinical", "--print"],
    ["summary", "-o", "s.pdf", "ABC234 ", "--format", "html"],
    ["summary", "abc234", "-o=x.pdf"],
    ["summary", "abc234", "--output=a=b.pdf"],
    ["summary", "abc234", "--output="],
    ["summary", ""],
    ["--data-dir", "/tmp/d", "summary", "abc234"],
    ["--data-dir=/tmp/d", "--theme", "calm-dark", "summary", "abc234", "--paper=a4"],
    ["--theme=", "summary", "abc234"],
    ["record", "abc234"],
    ["record", "abc234", "--format", "md"],
    ["--data-dir", "d", "record", "--paper=letter", "abc234", "--print", "-o", "r.pdf"],
    [],
    ["--data-dir", "/tmp/d"],
    ["--theme=calm-dark", "--data-dir=d"],
    ["resume"],
    ["resume", "abc234"],
    ["--data-dir", "d", "--theme", "glow", "resume", "ABC234"],
]

# Lines argparse must read: help, abbreviations, repeats, values that look like options, mistakes,
# and every other command.
NOT_PLAIN = [
    ["summary", "--help"],
    ["summary", "-h"],
    ["--help"],
    ["--version"],
    ["summary"],
    ["summary", "a", "b"],
    ["summary", "abc234", "--form", "md"],
    ["summary", "abc234", "--format", "docx"],
    ["summary", "abc234", "--format", "md", "--format", "html"],
    ["summary", "abc234", "-o", "-"],
    ["summary", "abc234", "-o", "-5"],
    ["summary", "abc234", "-ox.pdf"],
    ["summary", "abc234", "-o"],
    ["summary", "abc234", "--print=yes"],
    ["summary", "--", "abc234"],
    ["summary", "-5"],
    ["record", "abc234", "--include-clinical"],
    ["record", "abc234", "--format", "html"],
    ["--theme", "a", "--theme", "b", "summary", "abc234"],
    ["--data-dir", "-d", "summary", "abc234"],
    ["--data-dir"],
    ["--data-di", "d", "summary", "abc234"],
    ["-x", "summary", "abc234"],
    ["sessions"],
    ["show", "abc234"],
    ["resume", "-h"],
    ["resume", "abc234", "--help"],
    ["resume", "a", "b"],
    ["resume", "--", "abc234"],
    ["resume", "-5"],
    ["--theme"],
    ["practice", "list"],
    ["summaries", "abc234"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_a_plain_line_gives_exactly_what_argparse_gives(argv: list[str]) -> None:
    words = join_option_values(argv)
    quick = quick_arguments(words)
    assert quick is not None
    assert vars(quick) == vars(build_parser().parse_args(words))
    assert vars(quick) == vars(build_parser(command_word(words)).parse_args(words))


@pytest.mark.parametrize("argv", NOT_PLAIN, ids=lambda argv: " ".join(argv) or "(bare)")
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert quick_arguments(join_option_values(argv)) is None


def test_lines_argparse_accepts_still_work_through_it() -> None:
    # An abbreviation and a repeated option (the last one wins) are argparse's to read.
    args = build_parser().parse_args(["summary", "x", "--form", "md", "--paper", "a4", "--paper", "letter"])
    assert (args.format, args.paper) == ("md", "letter")


def test_help_and_mistakes_still_come_from_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["summary", "--help"])
    assert done.value.code == 0
    assert "usage: kapsession summary" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        cli.main(["summary", "abc234", "--format", "docx"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'docx'" in err and err.rstrip().endswith("'pdf')")
    with pytest.raises(SystemExit) as done:
        cli.main(["record", "abc234", "--include-clinical"])
    assert done.value.code == 2
    assert "unrecognized arguments: --include-clinical" in capsys.readouterr().err


def test_a_plain_summary_line_does_not_import_argparse(tmp_path) -> None:  # noqa: ANN001
    code = ("import sys; from kapsession.cli import main; "
            f"main(['--data-dir', {str(tmp_path)!r}, 'summary', 'nosuch', '--format', 'md']); "
            "print('argparse' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stdout + result.stderr
    assert "there is no session 'nosuch'" in result.stderr
