"""The command palette's entries (ctrl+p), taken from the action registry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .actions import Action, palette_entries
from .deck import deck_of


def _target(entry: Action) -> str:
    """The action as the app runs it: global ones on the app, the others on the screen."""
    return f"{'app' if entry.scope == 'app' else 'screen'}.{entry.action}"


class ImageDeckCommands(Provider):
    """imagedeck's actions in the command palette; writes are not offered in read-only mode."""

    def _entries(self) -> list[tuple[str, str, str]]:
        read_only = deck_of(self.app).settings.read_only
        return [(e.palette[0], e.palette[1], _target(e)) for e in palette_entries(read_only) if e.palette]

    async def discover(self) -> Hits:
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)

    def _runner(self, action: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await self.app.run_action(action)

        return run
