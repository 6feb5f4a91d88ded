"""The presence matrix kept up to date as pages arrive, instead of rebuilt from every image.

Each image joins its row once: a union of content keys kept across pages. Only rows that
gained an image (and rows sharing a name with them, for name drift) are drawn again; the
defining metadata of a copy is worked out once, and only for rows holding more than one
copy. The result equals a build from scratch over the same listings, whatever the order in
which their pages arrived: every image is placed by its place's column and its position in
that place's listing, as a from-scratch build reads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..model import Image
from .matrix import (
    Column,
    Listing,
    Matrix,
    Row,
    alike,
    best_key,
    cell_of,
    content_keys,
    defining_metadata,
    drift_between,
    guess_key,
    list_places,
)
from .places import OpenPlace

#: Where an image stands in a from-scratch read: its place's column, then its position there.
Ordinal = tuple[int, int]


class MatrixIndex:
    """``update(listings)`` takes in what the listings gained since the last call and returns the matrix.

    A place whose listing was replaced (read again) starts the index over; the metadata of
    unchanged copies (same place, id and update time) is kept across that.
    """

    def __init__(self) -> None:
        #: Defining metadata by place, id and update time; by entry when the time is unknown.
        self._metadata: dict[tuple[str, str, str] | int, dict[str, str]] = {}
        self._reset()

    def _reset(self) -> None:
        self._places: list[str] = []
        self._columns: list[Column] = []
        self._sources: dict[str, Listing] = {}
        self._taken: dict[str, int] = {}
        self._images: list[Image] = []
        self._ordinals: list[Ordinal] = []
        self._parent: list[int] = []
        self._first: dict[str, int] = {}
        self._members: dict[int, list[int]] = {}
        self._by_name: dict[str, set[int]] = {}
        self._rows: dict[int, tuple[tuple[str, str, Ordinal], Row]] = {}
        self._dirty: set[int] = set()

    # -- taking listings in -----------------------------------------------------------

    def pending(self, listings: Sequence[Listing]) -> int:
        """The work the next update has: images to take in (all when it starts over) and rows to draw."""
        if self.stale(listings):
            return sum(len(listing.images) for listing in listings)
        taken = sum(len(each.images) - self._taken.get(each.place, 0) for each in listings)
        return taken + len(self._dirty)

    def update(self, listings: Sequence[Listing]) -> Matrix:
        """Take in what arrived, draw the rows that changed, and return the whole matrix."""
        self.take(listings)
        self._redraw()
        rows = sorted(self._rows.values(), key=lambda pair: pair[0])
        return Matrix(list(self._columns), [row for _, row in rows])

    def take(self, listings: Sequence[Listing]) -> None:
        """Group the images the listings gained since the last call; rows are drawn by `update`."""
        if self.stale(listings):
            self._metadata = {key: data for key, data in self._metadata.items() if isinstance(key, tuple)}
            self._reset()
            self._places = [listing.place for listing in listings]
        columns = [Column(listing.place, listing.error) for listing in listings]
        if columns != self._columns:
            self._columns = columns
            self._dirty.update(self._members)  # a place's cells change in every row
        for column, listing in enumerate(listings):
            taken = self._taken.get(listing.place, 0)
            fresh = listing.images[taken:]
            for position, image in enumerate(fresh, taken):
                self._add(image, (column, position))
            self._taken[listing.place] = taken + len(fresh)
            self._sources[listing.place] = listing

    def stale(self, listings: Sequence[Listing]) -> bool:
        """Whether some place was read anew (or the places changed): the index starts over."""
        if [listing.place for listing in listings] != self._places:
            return True
        for listing in listings:
            taken = self._taken.get(listing.place, 0)
            if len(listing.images) < taken:
                return True
            if taken and self._sources.get(listing.place) is not listing:
                return True
        return False

    # -- grouping ---------------------------------------------------------------------

    def _add(self, image: Image, ordinal: Ordinal) -> None:
        entry = len(self._images)
        self._images.append(image)
        self._ordinals.append(ordinal)
        self._parent.append(entry)
        self._members[entry] = [entry]
        if image.name:
            self._by_name.setdefault(image.name, set()).add(entry)
        self._dirty.add(entry)
        for key in content_keys(image) or [guess_key(image)]:
            known = self._first.setdefault(key, entry)
            if known != entry:
                self._union(self._find(known), self._find(entry))

    def _find(self, entry: int) -> int:
        parent = self._parent
        while parent[entry] != entry:
            parent[entry] = parent[parent[entry]]
            entry = parent[entry]
        return entry

    def _union(self, one: int, other: int) -> None:
        """Join two rows, the smaller into the larger; the absorbed row's names move over."""
        if one == other:
            return
        if len(self._members[one]) < len(self._members[other]):
            one, other = other, one
        self._parent[other] = one
        absorbed = self._members.pop(other)
        self._members[one].extend(absorbed)
        for name in {self._images[entry].name for entry in absorbed}:
            if name:
                groups = self._by_name[name]
                groups.discard(other)
                groups.add(one)
        self._rows.pop(other, None)
        self._dirty.discard(other)
        self._dirty.add(one)

    # -- rows -------------------------------------------------------------------------

    def _redraw(self) -> None:
        """Draw again the rows that changed and those whose name drift may name them."""
        touched = set(self._dirty)
        for root in self._dirty:
            for name in self._names(root):
                groups = self._by_name[name]
                if len(groups) > 1:
                    touched |= groups
        for root in touched:
            self._rows[root] = self._row(root)
        self._dirty.clear()

    def _names(self, root: int) -> set[str]:
        return {name for entry in self._members[root] if (name := self._images[entry].name)}

    def _row(self, root: int) -> tuple[tuple[str, str, Ordinal], Row]:
        entries = sorted(self._members[root], key=self._ordinals.__getitem__)
        images = [self._images[entry] for entry in entries]
        key, basis = best_key(images)
        named = [image.name for image in images if image.name]
        names = sorted(set(named))
        name = _most_common(named, names) if named else images[0].id
        size = next((image.size for image in images if image.size is not None), None)
        row = Row(key=key, basis=basis, name=name, size=size)
        at: list[list[Image]] = [[] for _ in self._columns]
        for entry in entries:
            at[self._ordinals[entry][0]].append(self._images[entry])
        for column, here in zip(self._columns, at, strict=True):
            row.cells[column.place] = cell_of(here, column)
        if len(entries) > 1 and not alike(images):
            row.metadata_drift = drift_between([self._metadata_of(entry) for entry in entries])
        row.name_drift = self._name_drift(root, names)
        return (name.casefold(), key, self._ordinals[entries[0]]), row

    def _name_drift(self, root: int, names: list[str]) -> list[str]:
        drift = []
        for name in names:
            others = sorted(self._key_of(other) for other in self._by_name[name] if other != root)
            if others:
                drift.append(f"{name!r} also names other content ({', '.join(others)})")
        return drift

    def _key_of(self, root: int) -> str:
        drawn = self._rows.get(root)
        if drawn is not None and root not in self._dirty:
            return drawn[1].key
        entries = sorted(self._members[root], key=self._ordinals.__getitem__)
        return best_key([self._images[entry] for entry in entries])[0]

    def _metadata_of(self, entry: int) -> dict[str, str]:
        image = self._images[entry]
        place = self._places[self._ordinals[entry][0]]
        cache_key = (place, image.id, image.updated_at) if image.updated_at else entry
        data = self._metadata.get(cache_key)
        if data is None:
            data = self._metadata[cache_key] = defining_metadata(image)
        return data


def _most_common(named: list[str], names: list[str]) -> str:
    """The name most copies carry; on a tie, the first in sorted order."""
    return names[0] if len(names) == 1 else max(names, key=Counter(named).__getitem__)


def build_matrix(listings: Sequence[Listing]) -> Matrix:
    """The matrix of whole listings, built at once."""
    return MatrixIndex().update(listings)


async def fleet_matrix(opened: Sequence[OpenPlace]) -> Matrix:
    return build_matrix(await list_places(opened))
