"""Places: where images live across a fleet, each named by one word on a command line.

A place is a cloud of clouds.yaml (in one of its regions, acting as the cloud's project,
optionally one backend store of its Glance) or an embedded local store directory:

    cloud:NAME          NAME                 the cloud's default region
    cloud:NAME:REGION   NAME:REGION          another region behind the same Keystone
    ...@STORE                                one backend store of that Glance (multi-store)
    local:PATH          /PATH  ./PATH  ~/PATH   a local store

Opening many places is concurrent, and a place that fails keeps its error for the
person to read without ever holding up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model import ImageDeckError, Invalid, describe_error
from ..stores import ImageStore, StoreChoice, open_store

#: Seconds a place may take to open before it counts as down.
OPEN_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class Place:
    """One column of the fleet: a cloud region (maybe one backend store) or a local store."""

    kind: str  # "cloud" or "local"
    name: str  # the cloud's name, or the local store's path
    region: str | None = None
    backend: str | None = None

    @property
    def label(self) -> str:
        """The canonical word for this place (it parses back to the same place)."""
        if self.kind == "local":
            return f"local:{self.name}"
        word = f"cloud:{self.name}" + (f":{self.region}" if self.region else "")
        return word + (f"@{self.backend}" if self.backend else "")

    def same_service(self, other: Place) -> bool:
        """Whether both name the same image service (the backend store aside)."""
        return dataclasses.replace(self, backend=None) == dataclasses.replace(other, backend=None)


def parse_place(word: str) -> Place:
    """The place a word names; Invalid, with the accepted forms, for one that names none."""
    if not word or not word.strip():
        raise Invalid("a place cannot be empty: give cloud:NAME[:REGION][@STORE], NAME:REGION or local:PATH")
    kind, sep, rest = word.partition(":")
    if (sep and kind == "local") or word.startswith(("/", ".", "~")):
        path = rest if sep and kind == "local" else word
        if not path:
            raise Invalid(f"place {word!r} names no directory: give local:PATH")
        return Place("local", str(Path(path).expanduser()))
    if sep and kind == "cloud":
        word = rest
    word, at, backend = word.partition("@")
    name, sep, region = word.partition(":")
    if not name or (sep and not region) or (at and not backend) or ":" in region:
        raise Invalid(f"place {word!r} is not cloud:NAME[:REGION][@STORE], NAME:REGION or local:PATH")
    return Place("cloud", name, region or None, backend or None)


@dataclass(slots=True)
class OpenPlace:
    """A place and its opened store, or the one-line reason it could not be opened."""

    place: Place
    store: ImageStore | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        return self.place.label


def build_store(place: Place, settings: StoreChoice, environ: Mapping[str, str] | None = None) -> ImageStore:
    """The store a place names, not yet opened; a local store acts as the settings' project."""
    if place.kind == "local":
        return open_store(settings.replace(store_path=Path(place.name), cloud=None))
    from ..stores.clouds import get_cloud
    from ..stores.glance import GlanceStore

    cloud = get_cloud(place.name, environ)
    if place.region:
        cloud = dataclasses.replace(cloud, region_name=place.region)
    store = GlanceStore(cloud, token_cache=settings.token_cache)
    store.label = place.label
    store.backend = place.backend
    return store


async def open_place(
    place: Place,
    settings: StoreChoice,
    environ: Mapping[str, str] | None = None,
    open_within: float = OPEN_TIMEOUT_S,
) -> OpenPlace:
    """Open one place; a failure (or a place that does not answer in time) is kept, not raised."""
    store: ImageStore | None = None
    try:
        store = build_store(place, settings, environ)
        await asyncio.wait_for(store.open(), open_within)
    except (ImageDeckError, OSError, TimeoutError) as exc:
        if store is not None:
            with contextlib.suppress(ImageDeckError, OSError):
                await store.close()
        return OpenPlace(place, error=_reason(exc, open_within))
    return OpenPlace(place, store)


def _reason(exc: ImageDeckError | OSError, open_within: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"did not answer within {open_within:g} s"
    if isinstance(exc, ImageDeckError):
        return describe_error(exc)
    return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")


async def open_places(
    places: Sequence[Place], settings: StoreChoice, environ: Mapping[str, str] | None = None
) -> list[OpenPlace]:
    """Open every place at once, in the given order; duplicates are opened once."""
    unique = list(dict.fromkeys(places))
    return list(await asyncio.gather(*(open_place(p, settings, environ) for p in unique)))


async def close_places(opened: Sequence[OpenPlace]) -> None:
    """Close every store that opened; a failing close does not stop the others."""
    for handle in opened:
        if handle.store is not None:
            with contextlib.suppress(ImageDeckError, OSError):
                await handle.store.close()
