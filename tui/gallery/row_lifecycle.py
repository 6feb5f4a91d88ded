"""Where a matrix row's content stands in its family's life: latest, deprecated, past its end, obsolete.

The fleet view answers in one screen where content is, where it drifted and which of it to
build from; this is the last part, one short badge per row by the rules of `families`.
Past end of life comes first because it asks for action; then latest (the newest active,
non-hidden version of its family in some place); then obsolete (deactivated everywhere),
deprecated (hidden wherever it is usable otherwise), and last a coming end-of-life date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ..model import Image, ImageStatus, parse_timestamp
from .families import DEFAULT_FAMILY_PROPERTY, PROVIDED_UNTIL, end_of_life, family_of, usable, version_order
from .matrix import Listing, Row

PAST_EOL = "⚠ past EOL"
LATEST = "latest"
DEPRECATED = "deprecated"
OBSOLETE = "obsolete"

#: A copy by its place and id.
Copy = tuple[str, str]
#: A version's rank in its family: build date, creation time, id.
Order = tuple[datetime, datetime, str]


def lifecycle_badge(images: Sequence[Image], latest: bool, today: date | None = None) -> str:
    """The badge of one content from its copies; ``latest`` when one copy is its family's latest."""
    if not images:
        return ""
    if any(end_of_life(image, today) for image in images):
        return PAST_EOL
    if latest:
        return LATEST
    if all(image.status == ImageStatus.DEACTIVATED for image in images):
        return OBSOLETE
    if not any(usable(image) for image in images) and any(image.os_hidden for image in images):
        return DEPRECATED
    ends = [
        until.date() for image in images if (until := parse_timestamp(image.properties.get(PROVIDED_UNTIL)))
    ]
    return f"EOL {min(ends).isoformat()}" if ends else ""


class RowLifecycles:
    """Badges of matrix rows across updates: a row is worked out again only when it or its latest changed.

    Like `MatrixIndex`, it takes in only what the listings gained since the last update
    (a listing read anew starts it over), and rows are the same objects across updates of
    a `MatrixIndex` while they do not change.
    """

    def __init__(self, family_property: str = DEFAULT_FAMILY_PROPERTY) -> None:
        self.family_property = family_property
        self._badges: dict[str, tuple[Row, list[Copy], bool, str]] = {}
        self._reset()

    def _reset(self) -> None:
        self._taken: dict[str, tuple[Listing, int]] = {}
        self._images: dict[Copy, Image] = {}
        #: The newest usable version by place and family.
        self._best: dict[tuple[str, str], tuple[Order, str]] = {}

    def badges(
        self, rows: Sequence[Row], listings: Sequence[Listing], today: date | None = None
    ) -> dict[str, str]:
        """Each row's badge by its key (rows without one left out), from the listings of the rows."""
        self._take(listings)
        latest = self.latest_copies()
        kept, badges = {}, {}
        for row in rows:
            known = self._badges.get(row.key)
            if known is not None and known[0] is row:
                copies = known[1]
            else:
                copies = [
                    (place, image_id) for place, cell in row.cells.items() for image_id in cell.image_ids
                ]
            is_latest = any(copy in latest for copy in copies)
            if known is not None and known[0] is row and known[2] == is_latest:
                badge = known[3]
            else:
                found = [self._images[copy] for copy in copies if copy in self._images]
                badge = lifecycle_badge(found, is_latest, today)
            kept[row.key] = (row, copies, is_latest, badge)
            if badge:
                badges[row.key] = badge
        self._badges = kept
        return badges

    def latest_copies(self) -> set[Copy]:
        """The newest usable version of each family in each place, as `build_families` marks it."""
        return {(place, image_id) for (place, _), (_, image_id) in self._best.items()}

    def _take(self, listings: Sequence[Listing]) -> None:
        if any(self._stale(listing) for listing in listings):
            self._reset()
        for listing in listings:
            place, taken = listing.place, self._taken.get(listing.place, (listing, 0))[1]
            for image in listing.images[taken:]:
                self._images[place, image.id] = image
                if usable(image):
                    slot = (place, family_of(image, self.family_property)[0])
                    order = version_order(image)
                    if slot not in self._best or order > self._best[slot][0]:
                        self._best[slot] = (order, image.id)
            self._taken[place] = (listing, len(listing.images))

    def _stale(self, listing: Listing) -> bool:
        known = self._taken.get(listing.place)
        return known is not None and (known[0] is not listing or len(listing.images) < known[1])


def row_badges(
    rows: Sequence[Row],
    listings: Sequence[Listing],
    family_property: str = DEFAULT_FAMILY_PROPERTY,
    today: date | None = None,
) -> dict[str, str]:
    """Each row's badge by its key, worked out from scratch."""
    return RowLifecycles(family_property).badges(rows, listings, today)
