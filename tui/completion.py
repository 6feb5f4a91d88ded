"""Tab completion of the ``:`` line: command names, then each command's arguments.

Pure functions over the text typed so far and the names the app knows (clouds from
clouds.yaml, registered themes), so every rule is tested without a screen. A completion is
the whole new line, ready to put in the input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .actions import commands
from .commands import FILTER_KEYS, FILTER_VALUES, SORT_DIRECTIONS, bare
from .formats.names import OUTPUT_FORMATS
from .model import SORT_KEYS

#: What ``:cloud`` takes for the local store besides the clouds of clouds.yaml.
LOCAL_WORD = "local"


@dataclass(frozen=True, slots=True)
class Names:
    """What arguments complete to: cloud names (clouds.yaml) and theme names (as registered)."""

    clouds: Sequence[str] = ()
    themes: Sequence[str] = ()


#: ``(argument index, the words before, names) -> choices`` for one command's arguments.
Choices = Callable[[int, list[str], Names], Sequence[str]]


def _cloud(index: int, before: list[str], names: Names) -> Sequence[str]:
    return [*names.clouds, LOCAL_WORD] if index == 0 else ()


def _theme(index: int, before: list[str], names: Names) -> Sequence[str]:
    return names.themes if index == 0 else ()


def _sort(index: int, before: list[str], names: Names) -> Sequence[str]:
    return SORT_KEYS if index == 0 else SORT_DIRECTIONS if index == 1 else ()


def _convert(index: int, before: list[str], names: Names) -> Sequence[str]:
    return OUTPUT_FORMATS if index == 0 else ()


def _places(index: int, before: list[str], names: Names) -> Sequence[str]:
    """Every cloud as a place; a local store path is typed (its directory is anyone's guess)."""
    return [f"cloud:{cloud}" for cloud in names.clouds if f"cloud:{cloud}" not in before]


def _filter(index: int, before: list[str], names: Names) -> Sequence[str]:
    """``key=`` for the keys not used yet, or ``key=value`` once the key is typed."""
    used = {word.partition("=")[0] for word in before}
    keys = [f"{key}=" for key in FILTER_KEYS if key not in used]
    values = [
        f"{key}={value}" for key, field in FILTER_KEYS.items() for value in FILTER_VALUES.get(field, ())
    ]
    return [*keys, *values]


ARGUMENTS: dict[str, Choices] = {
    "cloud": _cloud,
    "theme": _theme,
    "sort": _sort,
    "convert": _convert,
    "filter": _filter,
    "fleet": _places,
    "families": _places,
}


def command_names() -> list[str]:
    """Each ``:`` command's name, in help order (aliases such as ``q`` still run, unoffered)."""
    return [entry.command.name for entry in commands() if entry.command]


def _takes_arguments(name: str) -> bool:
    entry = next((e for e in commands() if e.command and e.command.name == name), None)
    return name in ARGUMENTS or (
        entry is not None and entry.command is not None and entry.command.parse is not bare
    )


def _command_of(word: str) -> str:
    """The command a typed word runs (an alias gives its command's name)."""
    for entry in commands():
        if entry.command and word.lower() in entry.command.words:
            return entry.command.name
    return word.lower()


def _next_step(choice: str, current: str) -> bool:
    """``choice`` starts with ``current`` and goes no further than the next ``=`` (key, then value)."""
    rest = choice[len(current) :]
    if not choice.lower().startswith(current.lower()) or "=" in rest[:-1]:
        return False
    return bool(rest) or not choice.endswith("=")


def complete(text: str, names: Names) -> list[str]:
    """Every whole line the last word of ``text`` completes to, in the order offered.

    Matching ignores case; a word a completion ends (a command, a finished argument) gets a
    trailing space so the next Tab goes on to the next argument, while ``key=`` waits for
    its value.
    """
    colon = ":" if text.startswith(":") else ""
    body = text[len(colon) :].lstrip()
    words = body.split()
    current = "" if not words or body.endswith(" ") else words.pop()
    head = text[: len(text) - len(current)]
    if not words:
        found = [name for name in command_names() if name.startswith(current.lower())]
        return [f"{colon}{name}{' ' if _takes_arguments(name) else ''}" for name in found]
    choices = ARGUMENTS.get(_command_of(words[0]))
    if choices is None:
        return []
    offered = choices(len(words) - 1, words[1:], names)
    matches = [choice for choice in offered if _next_step(choice, current)]
    return [f"{head}{choice}{'' if choice.endswith('=') else ' '}" for choice in matches]
