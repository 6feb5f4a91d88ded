"""Image property definitions and the catalog that answers questions about them.

A definition says what one property means and which values it takes; the catalog holds
many, from Glance's metadata definitions (metadefs) or from imagedeck's built-in list,
and answers: is this key known, is this value valid (with a message naming what is
allowed), which known key did a person mean, and which keys start with what was typed.
Property values are always text in Glance, so every check reads a string.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: JSON-schema types a metadefs property may declare.
TYPES = ("string", "boolean", "integer", "number", "array")

#: What a boolean property accepts (Nova reads them with oslo's bool_from_string).
BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0", "t", "f", "y", "n"})

#: Keys Glance itself writes or reserves: never "unknown", whatever the catalog holds.
RESERVED_KEYS = frozenset({"stores", "locations", "direct_url", "os_hidden", "description"})
RESERVED_PREFIXES = ("os_hash_", "owner_specified.", "os_glance_")
#: Families of keys anyone may extend (Nova's custom traits, for one); a key in them is known.
OPEN_PREFIXES = ("trait:",)

#: How alike an unknown key must be to a known one to be offered as "did you mean".
CLOSE_MATCH_CUTOFF = 0.85
#: How many enum values a message lists before it says "and N more".
LISTED_VALUES = 12


@dataclass(frozen=True, slots=True)
class PropertyDef:
    """One property: its name as set on an image, what it means and what it accepts.

    ``enum`` is enforced; ``suggestions`` are only offered (values in common use where
    the list is open, such as ``os_distro``).
    """

    name: str
    title: str = ""
    description: str = ""
    type: str = "string"
    enum: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    namespace: str = ""
    item_type: str = "string"

    @property
    def values(self) -> tuple[str, ...]:
        """Values worth offering: the allowed ones, else the suggested ones."""
        return self.enum or self.suggestions

    def validate(self, value: str) -> str | None:
        """Why ``value`` is not acceptable, in one line naming what is; None when it is."""
        if self.type == "array":
            items = [item.strip() for item in value.strip("[]").split(",") if item.strip()]
            for item in items:
                if problem := _check(replace(self, type=self.item_type), item):
                    return problem
            return None
        return _check(self, value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type}
        for key in ("title", "description", "pattern", "namespace"):
            if value := getattr(self, key):
                data[key] = value
        for key in ("enum", "suggestions"):
            if value := getattr(self, key):
                data[key] = list(value)
        for key in ("minimum", "maximum"):
            if (number := getattr(self, key)) is not None:
                data[key] = number
        if self.type == "array":
            data["item_type"] = self.item_type
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PropertyDef:
        """A definition from `to_json`'s shape; raises ValueError when it is not one."""
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("a property definition has no name")
        kind = data.get("type", "string")
        if kind not in TYPES:
            raise ValueError(f"property {name!r} has an unknown type {kind!r}")
        return cls(
            name=name,
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            type=kind,
            enum=_texts(data.get("enum")),
            suggestions=_texts(data.get("suggestions")),
            minimum=_number(data.get("minimum")),
            maximum=_number(data.get("maximum")),
            pattern=data.get("pattern") if isinstance(data.get("pattern"), str) else None,
            namespace=str(data.get("namespace") or ""),
            item_type=str(data.get("item_type") or "string"),
        )


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(item) for item in value if item is not None and str(item) != "")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def listed(values: Iterable[str]) -> str:
    """``a, b, c`` with at most `LISTED_VALUES` of them."""
    items = list(values)
    shown = ", ".join(items[:LISTED_VALUES])
    return shown + (f" and {len(items) - LISTED_VALUES} more" if len(items) > LISTED_VALUES else "")


def _check(prop: PropertyDef, value: str) -> str | None:
    """The one-line reason a scalar ``value`` does not fit ``prop``, or None."""
    text = value.strip()
    if prop.type == "boolean":
        return None if text.lower() in BOOLEAN_WORDS else f"{prop.name} must be true or false, not {value!r}"
    if prop.type in ("integer", "number"):
        return _check_number(prop, text, value)
    if prop.enum and value not in prop.enum:
        return f"{prop.name} must be one of {listed(prop.enum)}; not {value!r}"
    if prop.pattern and not _matches(prop.pattern, value):
        return f"{prop.name} must match the pattern {prop.pattern}; not {value!r}"
    return None


def _check_number(prop: PropertyDef, text: str, value: str) -> str | None:
    kind = "a whole number" if prop.type == "integer" else "a number"
    try:
        number = float(int(text)) if prop.type == "integer" else float(text)
    except ValueError:
        return f"{prop.name} must be {kind}, not {value!r}"
    if prop.enum and text not in prop.enum:
        return f"{prop.name} must be one of {listed(prop.enum)}; not {value!r}"
    low, high = prop.minimum, prop.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        return f"{prop.name} must be {kind} {_range(low, high)}, not {value!r}"
    return None


def _range(low: float | None, high: float | None) -> str:
    def show(number: float) -> str:
        return str(int(number)) if float(number).is_integer() else str(number)

    if low is not None and high is not None:
        return f"from {show(low)} to {show(high)}"
    return f"of at least {show(low)}" if low is not None else f"of at most {show(high or 0)}"


def _matches(pattern: str, value: str) -> bool:
    """JSON-schema pattern semantics (a search, not a full match); a broken pattern accepts."""
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True


def normalised(key: str) -> str:
    """The spelling people slip into: case and dashes for underscores."""
    return key.strip().lower().replace("-", "_")


def is_reserved(key: str) -> bool:
    """Whether Glance owns ``key`` (hashes, import bookkeeping, stores...)."""
    return key in RESERVED_KEYS or key.startswith(RESERVED_PREFIXES)


@dataclass(frozen=True)
class PropertyCatalog:
    """Property definitions by name, and where they came from.

    ``source`` is ``builtin``, ``metadefs`` (read from a cloud) or ``imported`` (a cloud's
    metadefs saved into a local store); ``note`` says it in words for a person, e.g. why a
    cloud's catalog fell back to the built-in one.
    """

    properties: Mapping[str, PropertyDef]
    source: str = "builtin"
    note: str = ""
    _normal: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_normal", {normalised(name): name for name in self.properties})

    @classmethod
    def of(
        cls, definitions: Iterable[PropertyDef], source: str = "builtin", note: str = ""
    ) -> PropertyCatalog:
        return cls({d.name: d for d in definitions}, source, note)

    def __len__(self) -> int:
        return len(self.properties)

    def get(self, key: str) -> PropertyDef | None:
        return self.properties.get(key)

    def known(self, key: str) -> bool:
        """Whether ``key`` is defined, reserved by Glance, or in a family anyone may extend."""
        return key in self.properties or is_reserved(key) or key.startswith(OPEN_PREFIXES)

    def validate(self, key: str, value: str) -> str | None:
        """Why ``value`` does not suit the known ``key``; None when it does or ``key`` is unknown."""
        prop = self.properties.get(key)
        return prop.validate(value) if prop else None

    def misspelling_of(self, key: str) -> str | None:
        """The known key ``key`` is spelt differently from only by case or dashes."""
        name = self._normal.get(normalised(key))
        return name if name is not None and name != key else None

    def did_you_mean(self, key: str) -> list[str]:
        """Known keys close to the unknown ``key``, nearest first."""
        if self.known(key):
            return []
        if exact := self.misspelling_of(key):
            return [exact]
        close = difflib.get_close_matches(normalised(key), list(self._normal), n=3, cutoff=CLOSE_MATCH_CUTOFF)
        return [self._normal[name] for name in close]

    def complete(self, prefix: str) -> list[str]:
        """Known names that start with ``prefix``, shortest first."""
        return sorted((n for n in self.properties if n.startswith(prefix)), key=lambda n: (len(n), n))

    def merged(self, other: PropertyCatalog, source: str, note: str) -> PropertyCatalog:
        """This catalog with ``other``'s definitions added, ``other`` winning where both define a key."""
        return PropertyCatalog({**self.properties, **other.properties}, source, note)

    def renamed(self, source: str, note: str) -> PropertyCatalog:
        """The same definitions, said to come from ``source``."""
        return PropertyCatalog(self.properties, source, note)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "note": self.note,
            "properties": [self.properties[name].to_json() for name in sorted(self.properties)],
        }

    @classmethod
    def from_json(cls, data: Any, source: str = "imported") -> PropertyCatalog:
        """A catalog from `to_json`'s shape; raises ValueError naming what is wrong."""
        if not isinstance(data, dict) or not isinstance(data.get("properties"), list):
            raise ValueError("not a property catalog (no list of properties)")
        definitions = [PropertyDef.from_json(item) for item in data["properties"] if isinstance(item, dict)]
        return cls.of(definitions, source, str(data.get("note") or ""))


__all__ = [
    "BOOLEAN_WORDS",
    "RESERVED_KEYS",
    "TYPES",
    "PropertyCatalog",
    "PropertyDef",
    "is_reserved",
    "listed",
    "normalised",
]
