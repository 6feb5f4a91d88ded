"""Metadata changes computed from a form, and said in words before they are applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Change, ChangeOp, Image


def field_changes(image: Image, wanted: Mapping[str, Any]) -> list[Change]:
    """``replace`` ops for the core fields whose wanted value differs from the image's."""
    return [Change.replace(key, value) for key, value in wanted.items() if getattr(image, key) != value]


def property_changes(current: Mapping[str, str], wanted: Mapping[str, str]) -> list[Change]:
    """add / replace / remove ops that turn ``current`` properties into ``wanted``."""
    changes = [
        Change.add(key, value) if key not in current else Change.replace(key, value)
        for key, value in wanted.items()
        if current.get(key) != value
    ]
    changes += [Change.remove(key) for key in current if key not in wanted]
    return changes


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    if value is None or value == "":
        return "(empty)"
    return str(value)


def describe(change: Change, image: Image) -> str:
    """One change as a person reads it, e.g. ``min_disk: 0 → 10``."""
    if change.op is ChangeOp.REMOVE:
        return f"remove property {change.path} (was {_shown(image.properties.get(change.path))})"
    if change.op is ChangeOp.ADD:
        return f"add property {change.path} = {_shown(change.value)}"
    return f"{change.path}: {_shown(image.get(change.path))} → {_shown(change.value)}"
