"""What the help screen lists and how it falls into columns, without Textual.

Every keyed action of the registry appears, grouped by the pane or dialog that owns it.
Pairs that only differ in direction (down and up, top and bottom, older and newer) share
a row, and the dialogs' keys share one group, so the whole registry fits a 120x36 terminal
in four columns; narrower terminals get fewer columns and scroll.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..actions import ACTIONS, HELP_GROUPS, HELP_NOTES, Action, commands
from ..model import cell_width

#: Titles of the scopes `HELP_GROUPS` does not name; any other scope is titled from its name.
OTHER_TITLES = {
    "command_line": ": command line",
    "filter_line": "Filter line",
    "help": "This help",
    "unreachable": "Store unreachable",
}

#: Scopes of the dialogs, listed together: most share esc and ctrl+s.
DIALOG_SCOPES = (
    "dialog",
    "confirm",
    "members",
    "members_list",
    "filters",
    "import",
    "upload",
    "edit",
    "copy",
    "convert",
)
DIALOGS_TITLE = "Dialogs"

#: Methods that are one another's opposite, shown on one row when declared one after the other.
OPPOSITES = {
    ("top", "bottom"),
    ("scroll_down", "scroll_up"),
    ("older", "newer"),
    ("next_pane", "previous_pane"),
    ("cycle_sort", "reverse_sort"),
    ("focus_detail", "focus_sharing"),
}

#: Narrowest column; a terminal gets as many as fit, up to `MAX_COLUMNS`.
COLUMN_WIDTH = 29
MAX_COLUMNS = 4
#: Widest keys column; longer keys are cut, the whole of them is searched.
MAX_KEYS = 9


@dataclass(frozen=True, slots=True)
class Row:
    """One line of help: the keys (or a command's syntax) and what they do, under ``group``."""

    keys: str
    text: str
    group: str

    @property
    def shown_keys(self) -> str:
        """The keys column: a command's name alone, its arguments going to the text."""
        return self.keys.split(" ", 1)[0] if self.keys.startswith(":") else self.keys

    @property
    def shown_text(self) -> str:
        if self.keys.startswith(":") and " " in self.keys:
            return f"{self.keys.split(' ', 1)[1]}: {self.text}"
        return self.text

    def matches(self, words: str) -> bool:
        """Every word of ``words`` is in the keys, the text or the group's title (any case)."""
        hay = f"{self.keys} {self.text} {self.group}".lower()
        return all(word in hay for word in words.lower().split())


KeyShower = Callable[[Action], list[str]]


def _opposites(first: Action, second: Action) -> bool:
    """Two actions shown as one row: the same method with other arguments, or a declared pair."""
    if first.scope != second.scope or (first.show and second.show):
        return False
    return first.name == second.name or (first.name, second.name) in OPPOSITES


def _pair_keys(first: list[str], second: list[str]) -> str:
    if len(first) == len(second):
        return " ".join(f"{a}/{b}" for a, b in zip(first, second, strict=True))
    return f"{' '.join(first)} / {' '.join(second)}"


def scope_rows(entries: Sequence[Action], keys: KeyShower, group: str) -> list[Row]:
    """The rows of one scope: opposites paired, the same method under several ids joined."""
    rows: list[Row] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        after = entries[index + 1] if index + 1 < len(entries) else None
        if after is not None and after.action == entry.action:
            rows.append(Row(" ".join([*keys(entry), *keys(after)]), entry.long, group))
            index += 2
        elif after is not None and _opposites(entry, after):
            rows.append(Row(_pair_keys(keys(entry), keys(after)), f"{entry.long} / {after.long}", group))
            index += 2
        else:
            rows.append(Row(" ".join(keys(entry)), entry.long, group))
            index += 1
    return rows


def _dialog_rows(keys: KeyShower) -> list[Row]:
    """Each dialog key once with everything it does in some dialog, then keys doing the same joined."""
    by_keys: dict[str, list[str]] = {}
    for entry in ACTIONS:
        if entry.scope in DIALOG_SCOPES and entry.keys:
            texts = by_keys.setdefault(" ".join(keys(entry)), [])
            if entry.long not in texts:
                texts.append(entry.long)
    by_text: dict[str, list[str]] = {}
    for shown, texts in by_keys.items():
        by_text.setdefault(" / ".join(texts), []).append(shown)
    return [Row(" ".join(shown), text, DIALOGS_TITLE) for text, shown in by_text.items()]


def _with_notes(groups: list[tuple[str, list[Row]]]) -> None:
    """Keys an input handles itself, in the group of the same title when there is one."""
    for title, notes in HELP_NOTES.items():
        group = next((rows for name, rows in groups if name == title), None)
        if group is None:
            group = []
            groups.append((title, group))
        bound = {key for row in group for key in row.keys.split()}
        group.extend(Row(key, text, title) for key, text in notes if key not in bound)


def _pane_scopes() -> list[str]:
    """The scopes shown group by group: the named panes first, then the others as declared."""
    scopes = [scope for _, scope in HELP_GROUPS]
    scopes += [e.scope for e in ACTIONS if e.keys and e.scope not in DIALOG_SCOPES]
    return list(dict.fromkeys(scopes))


def _commands() -> list[Row]:
    return [Row(":" + e.command.usage, e.command.help, "Commands") for e in commands() if e.command]


def help_groups(keys: KeyShower) -> list[tuple[str, list[Row]]]:
    """Every group in display order: the named panes, the other scopes, dialogs, notes, commands."""
    titles = {scope: title for title, scope in HELP_GROUPS} | OTHER_TITLES
    groups: list[tuple[str, list[Row]]] = []
    for scope in _pane_scopes():
        title = titles.get(scope, scope.replace("_", " ").capitalize())
        entries = [e for e in ACTIONS if e.scope == scope and e.keys]
        if entries:
            groups.append((title, scope_rows(entries, keys, title)))
    groups.append((DIALOGS_TITLE, _dialog_rows(keys)))
    _with_notes(groups)
    groups.append(("Commands (:)", _commands()))
    return groups


def action_rows(keys: KeyShower) -> list[tuple[str, str]]:
    """(keys, description) of every keyed action one by one, in the groups' order, then the
    commands: what the help lists, before rows are paired to save room."""
    scopes = [*_pane_scopes(), *DIALOG_SCOPES]
    found = [(" ".join(keys(e)), e.long) for scope in scopes for e in ACTIONS if e.scope == scope and e.keys]
    return found + [(row.keys, row.text) for row in _commands()]


def filtered(groups: Iterable[tuple[str, list[Row]]], words: str) -> list[tuple[str, list[Row]]]:
    """The groups with only the rows ``words`` matches; groups left empty are dropped."""
    kept = [(title, [row for row in rows if row.matches(words)]) for title, rows in groups]
    return [(title, rows) for title, rows in kept if rows]


def column_count(width: int) -> int:
    return max(1, min(MAX_COLUMNS, width // COLUMN_WIDTH))


def key_width(rows: Iterable[Row], column: int) -> int:
    """The keys' share of a column: the widest keys, up to `MAX_KEYS` cells."""
    return min(MAX_KEYS, column // 2, max((cell_width(row.shown_keys) for row in rows), default=1))


#: A column: (group title, its rows there, whether they go on from the column before, untitled).
Column = list[tuple[str, list[Row], bool]]


def _fill(groups: Sequence[tuple[str, list[Row]]], height: int) -> list[Column]:
    """Newspaper order, a line per row: a column takes rows up to ``height`` lines. A title
    never ends a column (it moves on with its first row), and rows going on at the top of the
    next column go on without it, as a newspaper's text does."""
    columns: list[Column] = [[]]
    used = 0
    for title, rows in groups:
        continued, pending = False, list[Row]()
        for row in rows:
            cost = 1 if pending or continued else 2  # a title comes with the group's first row
            if used and used + cost > height:
                if pending:
                    columns[-1].append((title, pending, continued))
                    continued = True
                columns.append([])
                used, pending, cost = 0, [], 1 if continued else 2
            pending.append(row)
            used += cost
        if pending:
            columns[-1].append((title, pending, continued))
    return columns


def layout(groups: Sequence[tuple[str, list[Row]]], width: int, height: int) -> list[Column]:
    """The groups in as few columns as fit ``height`` lines (as wide as can be), at most as many
    as ``width`` allows; when even those are too short, the columns grow and the screen scrolls."""
    count = column_count(width)
    for used in range(1, count + 1):
        columns = _fill(groups, height)
        if len(columns) <= used:
            return columns
    lines = sum(len(rows) + 1 for _, rows in groups)
    for tall in range(max(height, math.ceil(lines / count)), lines + 2):
        columns = _fill(groups, tall)
        if len(columns) <= count:
            return columns
    return _fill(groups, lines + 1)
