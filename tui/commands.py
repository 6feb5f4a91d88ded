"""The ``:`` command language: a parsed `Command` and the parsers of each command's arguments.

Which words exist, their syntax and what runs them is declared once in `imagedeck.actions`; this
module only turns argument words into checked values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from .formats.names import OUTPUT_FORMATS
from .model import (
    SORT_KEYS,
    ContainerFormat,
    DiskFormat,
    ImageQuery,
    ImageStatus,
    Invalid,
    MemberStatus,
    SortKey,
    Visibility,
)


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command: ``name`` and its checked arguments."""

    name: str
    args: tuple[str, ...] = ()
    query: ImageQuery | None = None


#: ``(command name, argument words, the current query) -> Command``; raises `Invalid` with a hint.
ArgumentParser = Callable[[str, list[str], ImageQuery], Command]

FILTER_KEYS = {
    "status": "status",
    "visibility": "visibility",
    "format": "disk_format",
    "disk_format": "disk_format",
    "container": "container_format",
    "container_format": "container_format",
    "member": "member_status",
    "member_status": "member_status",
    "owner": "owner",
    "tag": "tags",
    "name": "name",
    "protected": "protected",
    "hidden": "os_hidden",
}

#: The values a filter field takes, for completing ``:filter key=``; other fields are free text.
FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "status": tuple(ImageStatus),
    "visibility": tuple(Visibility),
    "disk_format": tuple(DiskFormat),
    "container_format": tuple(ContainerFormat),
    "member_status": tuple(MemberStatus),
    "protected": ("true", "false"),
    "os_hidden": ("true", "false"),
}

#: Directions ``:sort KEY`` takes after its key.
SORT_DIRECTIONS = ("asc", "desc")


def parse_filter(words: list[str], base: ImageQuery) -> ImageQuery:
    """``key=value`` words on top of ``base``'s sort; comma lists mean "any of"."""
    changes: dict[str, object] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not value:
            raise Invalid(f"filter {word!r} must look like key=value, e.g. status=active")
        field = FILTER_KEYS.get(key.lower())
        if field is None:
            raise Invalid(f"unknown filter {key!r}; use one of: {', '.join(FILTER_KEYS)}")
        if field in ("status", "disk_format", "container_format", "tags"):
            changes[field] = tuple(v for v in value.split(",") if v)
        elif field in ("protected", "os_hidden"):
            if value.lower() not in ("true", "false", "yes", "no"):
                raise Invalid(f"{key} must be true or false, not {value!r}")
            changes[field] = value.lower() in ("true", "yes")
        else:
            changes[field] = value
    return dataclasses.replace(ImageQuery(sort=base.sort), **changes)  # type: ignore[arg-type]


def parse_convert(args: list[str]) -> tuple[str, ...]:
    """``FORMAT [PATH]`` with FORMAT one qemu-img can produce for Glance."""
    formats = ", ".join(OUTPUT_FORMATS)
    if not args or len(args) > 2:
        raise Invalid(f"usage: :convert FORMAT [PATH] with FORMAT one of {formats}")
    out_format = args[0].lower()
    if out_format not in OUTPUT_FORMATS:
        raise Invalid(f"cannot convert to {args[0]!r}: choose one of {formats}")
    return (out_format, *args[1:])


def bare(name: str, args: list[str], query: ImageQuery) -> Command:
    """A command without arguments (extra words are ignored, as ``:q now`` still quits)."""
    return Command(name)


def one_word(usage: str) -> ArgumentParser:
    """A command taking exactly one word; ``usage`` is shown when it gets another count."""

    def parse(name: str, args: list[str], query: ImageQuery) -> Command:
        if len(args) != 1:
            raise Invalid(f"usage: :{usage}")
        return Command(name, (args[0],))

    return parse


#: The words the screen shows for sort keys, taken by ``:sort`` as well as Glance's names.
SORT_WORDS = {"created": "created_at", "updated": "updated_at", "format": "disk_format"}


def sort_arguments(name: str, args: list[str], query: ImageQuery) -> Command:
    if not args or len(args) > 2:
        raise Invalid(f"usage: :sort KEY [asc|desc] with KEY one of {', '.join(SORT_KEYS)}")
    word = args[0].lower()
    key = SortKey(SORT_WORDS.get(word, word), (args[1] if len(args) == 2 else "asc").lower())
    return Command(name, (key.key, key.direction))


def filter_arguments(name: str, args: list[str], query: ImageQuery) -> Command:
    return Command(name, tuple(args), parse_filter(args, query))


def convert_arguments(name: str, args: list[str], query: ImageQuery) -> Command:
    return Command(name, parse_convert(args))
