"""The family view: each family's versions per place, the latest marked, lifecycle at a glance.

A line per version: ``*`` for the latest at its place, the place, name, build date, status,
lifecycle badges (deprecated, end of life with its day, past end of life warned, obsolete)
and how the image was put in its family. Promote, end of life and retire act on the version
or family under the cursor at its place, always as a plan shown first (`gallery.lifecycle`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ..actions import bindings
from ..config import Settings
from ..deck import DeckNode
from ..gallery import (
    DEFAULT_FAMILY_PROPERTY,
    OpenPlace,
    Place,
    Plan,
    Version,
    apply_plan,
    build_families,
    close_places,
    list_places,
    open_places,
    plan_end_of_life,
    plan_promote,
    plan_retire,
)
from ..gallery.families import PROVIDED_UNTIL, Family
from ..gallery.matrix import Listing, list_place
from ..gallery.places import parse_place
from ..model import ImageDeckError, describe_error, fit, pad
from ..stores import ImageStore
from ..widgets.plain import plain
from ..widgets.presence_matrix import short_place
from .family_dialogs import AskDialog, PlanDialog, check_day, check_keep

PLACE_WIDTH = 12
NAME_WIDTH = 24
#: What a line takes before its lifecycle and grouping: marker, place, name, built, status.
LEAD_WIDTH = 2 + PLACE_WIDTH + 1 + NAME_WIDTH + 1 + 10 + 1 + 11


def badges(version: Version) -> str:
    """Lifecycle in words: deprecated, obsolete, and the end-of-life day (warned once past)."""
    words = [state for state in version.lifecycle if state != "end-of-life"]
    until = version.image.properties.get(PROVIDED_UNTIL, "")
    if "end-of-life" in version.lifecycle:
        words.append(f"⚠ PAST end of life {until}")
    elif until:
        words.append(f"end of life {until}")
    return ", ".join(words) or "-"


def version_line(version: Version, width: int) -> str:
    """One version on ``width`` cells; the lifecycle and grouping get what the columns leave."""
    image = version.image
    lead = " ".join(
        (
            "*" if version.latest else " ",
            pad(fit(short_place(version.place), PLACE_WIDTH), PLACE_WIDTH),
            pad(fit(image.label, NAME_WIDTH), NAME_WIDTH),
            pad(version.build_date or "-", 10),
            pad(str(image.status), 11),
        )
    )
    return lead + " " + fit(f"{badges(version)} · {version.grouped_by}", max(8, width - LEAD_WIDTH - 1))


class FamiliesScreen(DeckNode, Screen[None]):
    """``FamiliesScreen(handles, listings)``; without listings, the places are listed here first.

    ``to_open`` places are opened here; they and ``owned`` handles are closed when the screen goes.
    """

    BINDINGS = bindings("families")

    DEFAULT_CSS = """
    FamiliesScreen #families-title {
        height: 1;
        background: $panel;
        text-style: bold;
        padding: 0 1;
    }
    FamiliesScreen #families {
        height: 1fr;
        border: round $primary;
    }
    FamiliesScreen #families-status {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        handles: Sequence[OpenPlace],
        listings: Sequence[Listing] | None = None,
        *,
        owned: bool = False,
        to_open: Sequence[Place] = (),
        family_property: str = DEFAULT_FAMILY_PROPERTY,
    ) -> None:
        super().__init__()
        self.to_open = list(to_open)
        self.handles = {handle.label: handle for handle in handles}
        self.listings = {listing.place: listing for listing in listings or ()}
        self.owned = owned
        self.family_property = family_property
        self.families: list[Family] = []
        #: The version (or the family, on its heading) behind each option id.
        self.entries: dict[str, tuple[Family, Version | None]] = {}

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Families — {len(self.handles)} places"), id="families-title")
        options = OptionList(id="families")
        options.border_title = "* latest · place · name · built · status · lifecycle · grouped by"
        yield options
        yield Static("", id="families-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        if self.listings:
            self._show()
        else:
            self.query_one("#families-status", Static).update("reading…")
            self.run_worker(self._read_all(), group="families", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed in a way nobody caught still says so, in one line."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            message = describe_error(error) if error is not None else "unknown error"
            self.notify(message, title="Families", severity="error", timeout=8)

    async def on_unmount(self) -> None:
        if self.owned or self.to_open:
            await close_places(list(self.handles.values()))

    async def _read_all(self) -> None:
        if self.to_open:
            opened = await open_places(self.to_open, self.deck.settings)
            self.handles.update((handle.label, handle) for handle in opened)
            self.query_one("#families-title", Static).update(plain(f"Families — {len(self.handles)} places"))
        found = await list_places(list(self.handles.values()))
        self.listings = {listing.place: listing for listing in found}
        self._show()

    @property
    def today(self) -> date:
        return self.deck.clock().date()

    def _show(self) -> None:
        entries = [(listing.place, image) for listing in self.listings.values() for image in listing.images]
        self.families = build_families(entries, self.family_property, self.today)
        options = self.query_one(OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        width = self.size.width - 8  # borders, padding and the scrollbar
        self.entries = {}
        for n, family in enumerate(self.families):
            count = len(family.versions)
            head = f"family {family.name} — {count} version{'s' if count != 1 else ''}"
            options.add_option(Option(plain(head, "bold"), id=f"f{n}"))
            self.entries[f"f{n}"] = (family, None)
            for m, version in enumerate(family.versions):
                options.add_option(Option(plain(version_line(version, width)), id=f"f{n}v{m}"))
                self.entries[f"f{n}v{m}"] = (family, version)
        if highlighted in self.entries:
            options.highlighted = options.get_option_index(highlighted)
        failed = [
            f"{listing.place} not read: {listing.error}"
            for listing in self.listings.values()
            if listing.error
        ]
        status = f"{len(self.families)} families, {len(entries)} images"
        self.query_one("#families-status", Static).update(plain("; ".join([status, *failed])))

    # -- what the cursor is on -------------------------------------------------------

    def current(self) -> tuple[Family, Version | None] | None:
        option = self.query_one(OptionList).highlighted_option
        return self.entries.get(option.id or "") if option is not None else None

    def _version(self) -> Version | None:
        found = self.current()
        if found is None or found[1] is None:
            self.notify("Move to a version of a family first", timeout=3)
            return None
        return found[1]

    def _store(self, place: str) -> OpenPlace | None:
        handle = self.handles.get(place)
        if handle is None or handle.store is None:
            self.notify(f"{place} is not available", severity="error")
            return None
        return handle

    # -- keys ----------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if delta > 0 else options.action_cursor_up()

    def action_open(self) -> None:
        version = self._version()
        if version is not None:
            from .place_image import ImageAtPlace

            self.app.push_screen(ImageAtPlace(version.place, version.image))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_promote(self) -> None:
        version = self._version()
        if version is None or not self.writable("families.promote"):
            return
        handle = self._store(version.place)
        if handle is not None:
            self._plan_then_apply("Promote", handle, version)

    def action_end_of_life(self) -> None:
        version = self._version()
        if version is None or not self.writable("families.end_of_life"):
            return
        handle = self._store(version.place)
        if handle is None:
            return

        def day_given(day: str | None) -> None:
            if day is not None:
                self._plan_then_apply("End of life", handle, version, day=day)

        question = f"Last day {version.image.label} is provided at {version.place} (YYYY-MM-DD):"
        current = version.image.properties.get(PROVIDED_UNTIL, "")
        self.app.push_screen(AskDialog("End of life", question, check_day, current), day_given)

    def action_retire(self) -> None:
        found = self.current()
        if found is None or not self.writable("families.retire"):
            return
        family, version = found
        place = version.place if version else next((v.place for v in family.versions), "")
        handle = self._store(place)
        if handle is None:
            return

        def keep_given(keep: str | None) -> None:
            if keep is not None:
                self._plan_then_apply("Retire", handle, None, family=family.name, keep=int(keep))

        question = f"Versions of {family.name} to keep shown at {place} (the newest; the rest are hidden):"
        self.app.push_screen(AskDialog("Retire old versions", question, check_keep, "2"), keep_given)

    # -- plans ---------------------------------------------------------------------

    def _plan_then_apply(
        self,
        what: str,
        handle: OpenPlace,
        version: Version | None,
        *,
        day: str = "",
        family: str = "",
        keep: int = 0,
    ) -> None:
        """Make the plan in a worker, show it, and apply it only once the person agrees."""

        async def make() -> None:
            store = handle.store
            assert store is not None
            try:
                plan = await self._plan(store, handle.label, version, day=day, family=family, keep=keep)
            except ImageDeckError as exc:
                self.notify(describe_error(exc), title=f"{what}: no plan", severity="error")
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self.run_worker(self._apply(handle, plan, what), group="apply", exit_on_error=False)

            self.app.push_screen(PlanDialog(f"{what} — plan", plan), answered)

        self.run_worker(make(), group="plan", exit_on_error=False)

    async def _plan(
        self, store: ImageStore, place: str, version: Version | None, *, day: str, family: str, keep: int
    ) -> Plan:
        if family:
            return await plan_retire(store, place, family, keep, self.family_property)
        assert version is not None
        if day:
            return await plan_end_of_life(store, place, version.image, day, self.family_property)
        return await plan_promote(store, place, version.image, self.family_property)

    async def _apply(self, handle: OpenPlace, plan: Plan, what: str) -> None:
        assert handle.store is not None
        failures = await apply_plan(handle.store, plan)
        for failure in failures:
            self.notify(failure, title=f"{what}: not changed", severity="error", timeout=8)
        done = len(plan.changes)
        self.notify(f"{what}: {done} image{'s' if done != 1 else ''} changed at {handle.label}", timeout=4)
        self.listings[handle.label] = await list_place(handle)
        self._show()


def current_place(settings: Settings) -> Place:
    """The store open now, as a place."""
    return (
        parse_place(f"cloud:{settings.cloud}") if settings.cloud else Place("local", str(settings.store_path))
    )


def families_screen(words: Sequence[str], settings: Settings, store: ImageStore) -> FamiliesScreen:
    """``:families``: the places named, else the config's fleet, else the store open now (kept open)."""
    if words or settings.fleet:
        return FamiliesScreen([], to_open=[parse_place(word) for word in words or settings.fleet])
    return FamiliesScreen([OpenPlace(current_place(settings), store)])


__all__ = ["FamiliesScreen", "badges", "current_place", "families_screen", "version_line"]
