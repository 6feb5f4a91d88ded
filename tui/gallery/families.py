"""Image families: the versions of one image a fleet keeps, newest first, and which is latest.

An image belongs to the family its ``image_family`` property names (the property is
configurable, e.g. ``--family-property``); failing that, to its ``os_distro`` and
``os_version``; failing that, to its name with a trailing version or build date stripped
(``ubuntu-24.04-20260101`` → ``ubuntu-24.04``). Each version records which rule grouped it.

Versions are ordered by ``image_build_date``, then ``created_at``. The latest version in a
place is its newest active, non-hidden one. Lifecycle follows the SCS image metadata
standard's properties: hidden (``os_hidden``) is deprecated, a ``provided_until`` date in the
past is end-of-life, deactivated is obsolete.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..model import Image, ImageStatus, parse_timestamp

#: The property that names an image's family unless the user chooses another.
DEFAULT_FAMILY_PROPERTY = "image_family"

#: SCS image metadata: until when the provider keeps the image (a date, "none" or "notice").
PROVIDED_UNTIL = "provided_until"
BUILD_DATE = "image_build_date"

#: A build date or timestamp at the end of a name: -20260101, _2026-01-01, -20260101-1644.
_TRAILING_DATE = re.compile(r"[\s._-]*\d{4}-?\d{2}-?\d{2}(?:[\s._T-]?\d{4,6}Z?)?$")
#: A version at the end of a name: -1.2.3, _v2, " 12".
_TRAILING_VERSION = re.compile(r"[\s._-]+v?\d+(?:\.\d+)*$", re.IGNORECASE)

_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(slots=True)
class Version:
    """One image of a family, in one place."""

    place: str
    image: Image
    #: The rule that put the image in its family.
    grouped_by: str
    lifecycle: list[str] = field(default_factory=list)
    latest: bool = False

    @property
    def generalization(self) -> str:
        """specialized for an instance snapshot (it keeps that machine's identity), else generalized."""
        props = self.image.properties
        return (
            "specialized"
            if props.get("image_type") == "snapshot" or props.get("instance_uuid")
            else "generalized"
        )

    @property
    def firmware(self) -> str:
        """gen2 (UEFI) or gen1 (BIOS, the default), with the machine type when one is set."""
        props = self.image.properties
        generation = "gen2 (UEFI)" if props.get("hw_firmware_type", "").lower() == "uefi" else "gen1 (BIOS)"
        machine = props.get("hw_machine_type")
        return f"{generation}, {machine}" if machine else generation

    @property
    def build_date(self) -> str | None:
        return self.image.properties.get(BUILD_DATE)


@dataclass(slots=True)
class Family:
    name: str
    #: Versions newest first, across every place.
    versions: list[Version] = field(default_factory=list)

    def latest(self, place: str) -> Version | None:
        return next((v for v in self.versions if v.place == place and v.latest), None)

    def in_place(self, place: str) -> list[Version]:
        return [version for version in self.versions if version.place == place]


def strip_version(name: str) -> str:
    """``name`` without one trailing build date, or else one trailing version number."""
    stripped = _TRAILING_DATE.sub("", name)
    if stripped == name:
        stripped = _TRAILING_VERSION.sub("", name)
    return stripped or name


def family_of(image: Image, family_property: str = DEFAULT_FAMILY_PROPERTY) -> tuple[str, str]:
    """The family name of an image and the rule that gave it."""
    named = image.properties.get(family_property, "").strip()
    if named:
        return named, f"property {family_property}"
    distro, release = image.properties.get("os_distro", ""), image.properties.get("os_version", "")
    if distro.strip() and release.strip():
        return f"{distro.strip()} {release.strip()}", "os_distro + os_version"
    if image.name:
        stripped = strip_version(image.name)
        return stripped, "name" if stripped == image.name else "name without its version"
    return image.id, "id (no name)"


def version_order(image: Image) -> tuple[datetime, datetime, str]:
    """Sort key, oldest first: build date, then creation time, then id (stable)."""
    built = parse_timestamp(image.properties.get(BUILD_DATE)) or _EPOCH
    return built, parse_timestamp(image.created_at) or _EPOCH, image.id


def end_of_life(image: Image, today: date | None = None) -> bool:
    """Whether ``provided_until`` names a day already past."""
    until = parse_timestamp(image.properties.get(PROVIDED_UNTIL))
    return until is not None and until.date() < (today or datetime.now(UTC).date())


def lifecycle_of(image: Image, today: date | None = None) -> list[str]:
    states = []
    if image.os_hidden:
        states.append("deprecated")
    if end_of_life(image, today):
        states.append("end-of-life")
    if image.status == ImageStatus.DEACTIVATED:
        states.append("obsolete")
    return states


def usable(image: Image) -> bool:
    """Active and not hidden: what a new server should be built from."""
    return image.status == ImageStatus.ACTIVE and not image.os_hidden


def build_families(
    entries: Iterable[tuple[str, Image]],
    family_property: str = DEFAULT_FAMILY_PROPERTY,
    today: date | None = None,
) -> list[Family]:
    """Families of ``(place, image)`` entries, sorted by name; the latest marked per place."""
    grouped: dict[str, list[Version]] = defaultdict(list)
    for place, image in entries:
        name, how = family_of(image, family_property)
        grouped[name].append(Version(place, image, how, lifecycle_of(image, today)))
    families = []
    for name, versions in sorted(grouped.items(), key=lambda item: item[0].casefold()):
        versions.sort(key=lambda v: version_order(v.image), reverse=True)
        _mark_latest(versions)
        families.append(Family(name, versions))
    return families


def _mark_latest(versions: Sequence[Version]) -> None:
    marked: set[str] = set()
    for version in versions:  # newest first
        if version.place not in marked and usable(version.image):
            version.latest = True
            marked.add(version.place)


def find_family(families: Sequence[Family], name: str) -> Family | None:
    return next((family for family in families if family.name == name), None)
