"""The image list's rows without any drawing: loaded images, the `/` filter, the sort, an index by id.

Kept free of Textual so the hottest code of the list (a filter keystroke over 50,000
images, a page of rows streaming in) is tested and timed on its own. Filtering runs over
a lowercase haystack precomputed per image; sorting is a stable re-sort.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping

from ..model import Image, parse_timestamp


def haystack(image: Image, owner_names: Mapping[str, str] | None = None) -> str:
    """What `/` searches: name, id, formats, status, owner (id and name) and tags, lowercased once."""
    parts = [
        image.name or "",
        image.id,
        image.disk_format or "",
        image.container_format or "",
        image.status,
        image.owner or "",
        (owner_names or {}).get(image.owner or "", ""),
        *image.tags,
    ]
    return "\x00".join(parts).lower()


def sort_value(image: Image, key: str) -> str | int | float | bool:
    """A comparable value for a set sort key (times as timestamps, text without case)."""
    value = getattr(image, key)
    if key in ("created_at", "updated_at"):
        stamp = parse_timestamp(value)
        return stamp.timestamp() if stamp else 0.0
    if isinstance(value, str):
        return value.lower()
    return value


class ImageRows:
    """Every loaded image in display order, and the positions of those the filter lets through.

    A *row* is an index into the filtered rows (what the cursor counts); a *position* is
    an index into `images`. Shown positions stay in ascending order, so finding an image's
    row is a bisect.
    """

    def __init__(self) -> None:
        self.images: list[Image] = []
        self.filter_text = ""
        self.sort_key = "created_at"
        self.sort_direction = "desc"
        #: Project names by id, where the store tells them: the filter finds owners by name too.
        self.owner_names: dict[str, str] = {}
        self._hay: list[str] = []
        self._index: dict[str, int] = {}
        self._shown: list[int] = []

    def __len__(self) -> int:
        """How many rows pass the filter."""
        return len(self._shown)

    def at(self, row: int) -> Image | None:
        """The image on filtered row ``row``, None outside them."""
        if 0 <= row < len(self._shown):
            return self.images[self._shown[row]]
        return None

    def shown(self, start: int = 0, stop: int | None = None) -> list[Image]:
        """The images on filtered rows ``start`` to ``stop``, in display order."""
        return [self.images[i] for i in self._shown[start:stop]]

    def row_of(self, image_id: str) -> int | None:
        """The filtered row of an image, None when it is not loaded or filtered out."""
        where = self._index.get(image_id)
        if where is None:
            return None
        row = bisect_left(self._shown, where)
        return row if row < len(self._shown) and self._shown[row] == where else None

    def ids(self, start: int = 0, stop: int | None = None) -> list[str]:
        """The ids on filtered rows ``start`` to ``stop``."""
        return [self.images[i].id for i in self._shown[start:stop]]

    def loaded(self, image_ids: Iterable[str]) -> list[Image]:
        """The loaded images among ``image_ids``, in display order (marked ones, for instance)."""
        positions = sorted(where for i in image_ids if (where := self._index.get(i)) is not None)
        return [self.images[where] for where in positions]

    def count_loaded(self, image_ids: Iterable[str]) -> int:
        """How many of ``image_ids`` are loaded, without building the list."""
        index = self._index
        return sum(1 for i in image_ids if i in index)

    # -- changes -------------------------------------------------------------------

    def replace(self, images: Iterable[Image]) -> None:
        """A new listing: every row replaced."""
        self.images = list(images)
        self._rebuild()

    def append(self, images: Iterable[Image]) -> None:
        """A page that streamed in; the filter applies to it and earlier rows keep their place."""
        start = len(self.images)
        new = list(images)
        self.images.extend(new)
        for offset, image in enumerate(new):
            self._hay.append(haystack(image, self.owner_names))
            self._index[image.id] = start + offset
        self._shown.extend(self._matching(range(start, len(self.images))))

    def update(self, images: Iterable[Image]) -> bool:
        """Replace rows by id (refresh, poll); unknown ids are ignored. True when a row changed."""
        changed = False
        for image in images:
            where = self._index.get(image.id)
            if where is not None and self.images[where] != image:
                self.images[where] = image
                self._hay[where] = haystack(image, self.owner_names)
                changed = True
        return changed

    def remove(self, image_id: str) -> None:
        self.images = [i for i in self.images if i.id != image_id]
        self._rebuild()

    def set_owner_names(self, names: Mapping[str, str]) -> None:
        """Project names learnt after the rows loaded: the filter matches them from now on."""
        self.owner_names = dict(names)
        self._rebuild()

    def set_filter(self, text: str) -> None:
        """Let through only rows whose haystack contains ``text`` (case-insensitive)."""
        self.filter_text = text
        self._shown = self._matching(range(len(self._hay)))

    def sort(self, key: str, direction: str) -> None:
        """Stable re-sort of the loaded rows; images without a value for ``key`` go last either way."""
        self.sort_key, self.sort_direction = key, direction
        known = [i for i in self.images if getattr(i, key, None) is not None]
        unknown = [i for i in self.images if getattr(i, key, None) is None]
        known.sort(key=lambda image: sort_value(image, key), reverse=direction == "desc")
        self.images = known + unknown
        self._rebuild()

    def _rebuild(self) -> None:
        self._hay = [haystack(image, self.owner_names) for image in self.images]
        self._index = {image.id: n for n, image in enumerate(self.images)}
        self._shown = self._matching(range(len(self._hay)))

    def _matching(self, positions: range) -> list[int]:
        """The positions among ``positions`` that pass the filter, in order."""
        needle = self.filter_text.lower()
        if not needle:
            return list(positions)
        hay = self._hay
        return [i for i in positions if needle in hay[i]]
