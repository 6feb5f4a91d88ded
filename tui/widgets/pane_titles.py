"""The words in the panes' frames: what each pane holds, how it is filtered and sorted, what waits.

Titles are `Content` built from plain text, never markup: a filter is the user's typing and
may hold brackets. Only counts and fixed words get styles.
"""

from __future__ import annotations

from textual.content import Content

from ..model import ImageQuery, visible
from .columns import short_size

#: Words shown for Glance's field names: what ``:sort`` and ``:filter`` also take.
FIELD_LABELS = {
    "created_at": "created",
    "updated_at": "updated",
    "disk_format": "format",
    "container_format": "container",
    "member_status": "member",
    "os_hidden": "hidden",
}


def field_label(key: str) -> str:
    """A field as people read it (``created_at`` -> ``created``); other names are already words."""
    return FIELD_LABELS.get(key, key)


def _param_word(key: str, value: str) -> str:
    value = value.removeprefix("in:")
    if key in ("size_min", "size_max"):
        return (
            f"size{'≥' if key == 'size_min' else '≤'}{short_size(int(value)) if value.isdigit() else value}"
        )
    return f"{field_label(key)}={value}"


def query_words(query: ImageQuery) -> str:
    """A server-side filter as ``key=value`` words in people's names, the sort left out; empty
    when nothing filters."""
    return " ".join(_param_word(key, value) for key, value in query.to_glance_params() if key != "sort")


def sort_words(key: str, direction: str) -> str:
    """``created ↓`` for a sort by ``created_at`` descending."""
    return f"{field_label(key)}{'↓' if direction == 'desc' else '↑'}"


def list_title(
    shown: int,
    total: int,
    *,
    filter_text: str = "",
    query_note: str = "",
    sort: tuple[str, str] = ("created_at", "desc"),
    loading: bool = False,
) -> str:
    """``Images 1,003 · /deb · filter status=active · sort name↑ · loading…``."""
    parts = [f"Images {shown:,}" if shown == total else f"Images {shown:,} of {total:,}"]
    if filter_text:
        parts.append(f"/{visible(filter_text)}")
    if query_note:
        parts.append(f"filter {visible(query_note)}")
    parts.append(f"sort {sort_words(*sort)}")
    if loading:
        parts.append("loading…")
    return " · ".join(parts)


def shares_label(pending: int) -> str:
    return f"Shares · {pending:,} pending" if pending else "Shares"


def side_titles(*, tabs: bool, showing: str, pending: int) -> tuple[Content, Content]:
    """The detail's and the sharing pane's titles.

    Side by side each names itself; sharing one slot (``tabs``), both show the same tab row
    ``1 Detail  2 Shares (3)`` with the one showing ("detail" or "sharing") highlighted.
    """
    if not tabs:
        return Content("Detail"), Content(shares_label(pending))
    shares = f"2 Shares ({pending:,})" if pending else "2 Shares"
    detail_style, sharing_style = ("reverse", "") if showing == "detail" else ("", "reverse")
    row = Content.assemble((" 1 Detail ", detail_style), " ", (f" {shares} ", sharing_style))
    return row, row
