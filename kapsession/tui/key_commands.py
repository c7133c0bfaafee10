"""A command-palette provider over a screen's keys: every key is also a command (ctrl+p)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


class KeyCommands(Provider):
    """Subclasses yield (title, help, callback) for their screen's keys from `_commands()`."""

    def _commands(self) -> Iterable[tuple[str, str, Any]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, detail, callback in self._commands():
            yield DiscoveryHit(title, callback, help=detail)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, detail, callback in self._commands():
            score = max(matcher.match(title), matcher.match(detail) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=detail)
