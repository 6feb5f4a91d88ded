"""One line at the top: which store or cloud, which project, which user, and the mode.

Shares waiting for an answer show as a badge at the right end, kept whole at any width
(the rest of the line gives way), since the sharing pane may be out of sight. Before it,
where the cloud sets quota limits, a gauge of the project's images and their total size
(warning-coloured past 80 % of a limit), and how many hidden images the list leaves out.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..model import Identity, fit, visible
from ..stores.operator import QuotaUse, quota


def gauge(uses: tuple[QuotaUse, ...], warn_style: str = "bold yellow") -> Text:
    """``images 7/10 · 3.1/5 GiB``: the count and size quotas; empty without limits."""
    parts: list[tuple[str, str]] = []
    count = quota(uses, "image_count_total")
    if count is not None:
        parts.append((f"images {count.used:,}/{count.limit:,}", warn_style if count.warn else ""))
    size = quota(uses, "image_size_total")
    if size is not None:
        parts.append((_mib_pair(size.used, size.limit), warn_style if size.warn else ""))
    text = Text()
    for n, (words, style) in enumerate(parts):
        if n:
            text.append(" · ")
        text.append(words, style)
    return text


def _mib_pair(used: int, limit: int) -> str:
    if limit >= 1024:
        return f"{_number(used / 1024)}/{_number(limit / 1024)} GiB"
    return f"{used}/{limit} MiB"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"


class StatusHeader(Static):
    """Shows where imagedeck is connected and as whom; filled once ``whoami`` answers."""

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, store_label: str, *, read_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store_label = store_label
        self.identity: Identity | None = None
        self.read_only = read_only
        self.note = "connecting…"
        self.pending = 0
        self.usage: tuple[QuotaUse, ...] = ()
        self.hidden = 0

    def on_mount(self) -> None:
        self._redraw()

    def set_identity(self, identity: Identity | None, note: str = "") -> None:
        self.identity = identity
        self.note = note
        self._redraw()

    def set_pending(self, pending: int) -> None:
        self.pending = pending
        self._redraw()

    def set_usage(self, usage: tuple[QuotaUse, ...], hidden: int = 0) -> None:
        self.usage = usage
        self.hidden = hidden
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def badge(self) -> str:
        if not self.pending:
            return ""
        return f" {self.pending:,} share{'s' if self.pending != 1 else ''} waiting "

    def set_store(self, store_label: str) -> None:
        self.store_label = store_label
        self.identity = None
        self.note = "connecting…"
        self._redraw()

    def _redraw(self) -> None:
        # store paths, cloud, project and user names come from files and services: escaped
        who = Text()
        identity = self.identity
        if identity is not None:
            who.append("  project ")
            who.append(visible(identity.project_name or identity.project_id), "bold")
            if identity.user_name:
                who.append("  user ")
                who.append(visible(identity.user_name), "bold")
            if identity.is_admin:
                who.append("  [admin]")
        if self.note:
            who.append(f"  {visible(self.note)}", "italic")
        # the mode and the waiting shares stay whole at the right; a long store path gives way
        # first, then project and user
        right = Text()
        if self.usage:
            right.append(" ")
            warning = self.app.get_css_variables().get("warning", "yellow")
            right.append_text(gauge(self.usage, f"bold {warning}"))
        if self.hidden:
            right.append(f" · {self.hidden:,} hidden")
        if self.read_only:
            right.append(" [read-only]", "bold")
        if badge := self.badge():
            right.append(" ")
            right.append(badge, "bold reverse")
        label = visible(self.store_label)
        width = self.content_size.width
        if width:
            label = fit(label, max(12, width - 10 - who.cell_len - right.cell_len))
        text = Text.assemble(("imagedeck ", "bold"), label, who)
        if right and width:
            text.truncate(max(0, width - right.cell_len), overflow="ellipsis", pad=True)
        self.update(text + right)
