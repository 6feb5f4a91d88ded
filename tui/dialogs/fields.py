"""Parsing and checking what people type into dialog fields.

Pure functions that raise `FieldError` with a message naming the field, so every
dialog reports bad input the same way and tests can reach the rules directly.
"""

from __future__ import annotations

from ..model import CORE_FIELDS, Visibility, parse_byte_size, visible

#: Glance keeps property names with this prefix for itself.
RESERVED_PROPERTY_PREFIX = "os_glance"
MAX_INT = 2**31 - 1

#: What a new image's visibility starts as in the upload and import forms: ``shared``, as Glance
#: (and the local store) make an image whose create request names none, which is what
#: ``imagedeck upload`` sends unless given ``--visibility``. A shared image with no member is
#: seen by its own project alone, as a private one is, and can be shared with a project later
#: without first changing its visibility, so the TUI and the command line make the same image.
NEW_IMAGE_VISIBILITY = Visibility.SHARED


class FieldError(ValueError):
    """A value a person typed that cannot be used; the message says how to fix it."""


def parse_count(text: str, label: str) -> int:
    """A whole number from 0 up (min disk in GB, min RAM in MB)."""
    text = text.strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) > MAX_INT:
        raise FieldError(f"{label} must be a whole number from 0 to {MAX_INT}, not {text!r}")
    return int(text)


def parse_size(text: str, label: str) -> int | None:
    """Bytes from ``1073741824``, ``512M``, ``1.5G`` or ``2GiB`` (binary units); blank is None."""
    if not text.strip():
        return None
    size = parse_byte_size(text)
    if size is None:
        raise FieldError(f"{label} must be a size such as 512M or 2G, not {text.strip()!r}")
    return size


def parse_list(text: str) -> list[str]:
    """Comma-separated words, blanks dropped, order kept, duplicates removed."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def parse_choices(text: str, allowed: tuple[str, ...], label: str) -> tuple[str, ...]:
    """Comma-separated values each of which must be one of ``allowed``."""
    values = parse_list(text)
    wrong = [value for value in values if value not in allowed]
    if wrong:
        raise FieldError(f"{label}: {', '.join(wrong)} not known; use {', '.join(allowed)}")
    return tuple(values)


def parse_project(text: str) -> str:
    """A project id or name to share with: one printable word, as Glance and Keystone keep them."""
    project = text.strip()
    if not project:
        raise FieldError("type a project id or name to add")
    if not project.isprintable():
        raise FieldError(
            f"'{visible(project)}' holds control or invisible characters; type the project's id or name"
        )
    if len(project) > 255:
        raise FieldError("a project id or name has at most 255 characters")
    return project


def parse_tags(text: str) -> list[str]:
    tags = parse_list(text)
    for tag in tags:
        if len(tag) > 255:
            raise FieldError(f"tag {tag[:20]!r}... is longer than 255 characters")
    return tags


def parse_properties(text: str) -> dict[str, str]:
    """``key=value`` lines into a mapping; core fields and reserved names are refused."""
    properties: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            raise FieldError(f"properties line {number}: write key=value, not {line.strip()!r}")
        if key in CORE_FIELDS:
            raise FieldError(
                f"properties line {number}: {key!r} is an image field, not a property"
                " (use its own field, or the image service sets it)"
            )
        if key.startswith(RESERVED_PROPERTY_PREFIX):
            raise FieldError(
                f"properties line {number}: names starting {RESERVED_PROPERTY_PREFIX!r}"
                " are reserved for the image service"
            )
        if len(key) > 255:
            raise FieldError(f"properties line {number}: the name is longer than 255 characters")
        if key in properties:
            raise FieldError(f"properties line {number}: {key!r} is given twice")
        properties[key] = value.strip()
    return properties


def format_properties(properties: dict[str, str]) -> str:
    """The text `parse_properties` reads back, one ``key=value`` per line, sorted."""
    return "\n".join(f"{key}={properties[key]}" for key in sorted(properties))
