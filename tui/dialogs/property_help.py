"""Help with image properties in the edit and new-image forms, from the store's catalog.

A line under the properties box completes names and enum values as you type
(``hw_d`` → ``hw_disk_bus``, ``hw_disk_bus=v`` → ``hw_disk_bus=virtio``; → accepts) and
adds the pair on enter; beside it, the meaning and allowed values of the key being
written or under the cursor. `PropertyCheck` decides what saving may do: a value a known
key does not take is refused, a key the catalog does not know is saved only when asked
twice. The catalog is read once, in a worker, from the store (which keeps it).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static, TextArea

from ..catalog import PropertyCatalog, builtin_catalog, key_findings
from ..catalog.properties import listed
from ..model import ImageDeckError
from ..widgets.plain import PlainInput, plain
from .fields import FieldError

#: Characters of a description the help line shows.
HELP_CHARS = 150


class CatalogSuggester(Suggester):
    """Completes a property name, or after ``=`` one of the key's values."""

    def __init__(self, catalog: PropertyCatalog) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.catalog = catalog

    async def get_suggestion(self, value: str) -> str | None:
        key, sep, typed = value.partition("=")
        if not sep:
            names = [n for n in self.catalog.complete(key.strip()) if n != key.strip()] if key.strip() else []
            return names[0] + "=" if names else None
        prop = self.catalog.get(key.strip())
        values = [v for v in prop.values if v.startswith(typed) and v != typed] if prop else []
        return f"{key}={values[0]}" if values else None


def describe(catalog: PropertyCatalog, key: str) -> str:
    """One or two lines about ``key``: its meaning and what it takes, or that it is unknown."""
    key = key.strip()
    if not key:
        return ""
    prop = catalog.get(key)
    if prop is None:
        if catalog.known(key):
            return f"{key}: set by the image service"
        close = catalog.did_you_mean(key)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return f"{key}: not in the catalog{hint}"
    about = (prop.description or prop.title or "")[:HELP_CHARS]
    values = prop.values
    takes = f" Values: {listed(values)}." if values else f" ({prop.type})" if prop.type != "string" else ""
    return f"{key}: {about}{takes}"


def put_property(area: TextArea, key: str, value: str) -> None:
    """``key=value`` in a properties box, in place of the key's line if it has one."""
    lines = [line for line in area.text.splitlines() if line.partition("=")[0].strip() != key]
    area.text = "\n".join([*lines, f"{key}={value}"])


class PropertyCheck:
    """What saving properties may do: refuse a bad value, ask twice for an unknown key."""

    def __init__(self) -> None:
        self.catalog = builtin_catalog()
        self._confirmed: frozenset[str] = frozenset()

    def check(self, changed: Mapping[str, str]) -> None:
        """Raise FieldError for a bad value, or for unknown keys not yet confirmed by a second try."""
        unknown: list[str] = []
        for key, value in changed.items():
            for finding in key_findings(key, value, self.catalog):
                if self.catalog.known(key):
                    raise FieldError(finding.message)
                unknown.append(finding.message)
        keys = frozenset(k for k in changed if not self.catalog.known(k))
        if keys and keys != self._confirmed:
            self._confirmed = keys
            raise FieldError(f"{' '.join(unknown)} Apply again to save anyway.")


class PropertyHelp(Vertical):
    """The completing entry line and the help line; posts `Add` for a finished ``key=value``."""

    DEFAULT_CSS = """
    PropertyHelp {
        height: auto;
    }
    PropertyHelp #property-help {
        color: $text-muted;
        height: auto;
        max-height: 3;
    }
    """

    class Add(Message):
        def __init__(self, key: str, value: str) -> None:
            super().__init__()
            self.key, self.value = key, value

    def __init__(self, check: PropertyCheck, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.check = check
        self._suggester = CatalogSuggester(check.catalog)

    def compose(self) -> ComposeResult:
        yield PlainInput(
            id="property-entry",
            placeholder="add key=value (→ completes, enter adds)",
            suggester=self._suggester,
            compact=True,
        )
        yield Static("", id="property-help")

    def on_mount(self) -> None:
        self._load()

    @work(exclusive=True, group="catalog", exit_on_error=False)
    async def _load(self) -> None:
        store = getattr(self.app, "store", None)
        if store is None:
            return
        try:
            catalog = await store.property_catalog()
        except ImageDeckError as exc:  # the forms work on with the built-in catalog; say why once
            self.query_one("#property-help", Static).update(plain(f"property catalog unavailable: {exc}"))
            return
        self.check.catalog = self._suggester.catalog = catalog

    def explain(self, key: str) -> None:
        """Show what ``key`` is (the key being typed, or the one under the cursor)."""
        self.query_one("#property-help", Static).update(plain(describe(self.check.catalog, key)))

    @on(Input.Changed, "#property-entry")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        key = event.value.partition("=")[0].strip()
        names = self.check.catalog.complete(key) if key and self.check.catalog.get(key) is None else []
        self.explain(names[0] if names else key)  # a name being typed: what it completes to

    @on(Input.Submitted, "#property-entry")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key, sep, value = event.value.partition("=")
        if sep and key.strip():
            self.post_message(self.Add(key.strip(), value.strip()))
            event.input.value = ""


__all__ = ["CatalogSuggester", "PropertyCheck", "PropertyHelp", "describe", "put_property"]
