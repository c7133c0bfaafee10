"""The `cli` fixture, shared by the command-line test modules."""

from tests.cli.test_cli import cli  # noqa: F401 - a fixture, found by pytest through this module
