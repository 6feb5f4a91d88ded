"""Families: grouping rules, version order, latest, lifecycle, generalization and firmware."""

from __future__ import annotations

from datetime import date

import pytest

from imagedeck.gallery import build_families, family_of
from imagedeck.gallery.families import strip_version
from imagedeck.model import Image


def img(
    id: str,
    name: str | None = None,
    status: str = "active",
    hidden: bool = False,
    created: str = "2026-01-01T00:00:00Z",
    **props: str,
) -> Image:
    return Image(id=id, name=name, status=status, os_hidden=hidden, created_at=created, properties=props)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("ubuntu-24.04-20260101", "ubuntu-24.04"),
        ("debian-12-genericcloud-amd64-20260201-1644", "debian-12-genericcloud-amd64"),
        ("app_2026-03-04", "app"),
        ("myapp-1.2.3", "myapp"),
        ("cirros-0.6.2-x86_64-disk", "cirros-0.6.2-x86_64-disk"),
        ("2026", "2026"),
    ],
)
def test_a_trailing_build_date_or_version_is_stripped_once(name: str, family: str) -> None:
    assert strip_version(name) == family


def test_grouping_rules_in_order_and_recorded() -> None:
    assert family_of(img("1", "x-1", image_family="web", os_distro="d", os_version="1")) == (
        "web",
        "property image_family",
    )
    assert family_of(img("2", "x-1", os_distro="ubuntu", os_version="24.04")) == (
        "ubuntu 24.04",
        "os_distro + os_version",
    )
    assert family_of(img("3", "x-1.2")) == ("x", "name without its version")
    assert family_of(img("4", "plain")) == ("plain", "name")
    assert family_of(img("5")) == ("5", "id (no name)")
    assert family_of(img("6", "x-2", fam="other"), "fam") == ("other", "property fam")


def test_versions_by_build_date_then_created_and_latest_is_newest_usable() -> None:
    images = [
        img("old", "web-1", image_build_date="2026-01-01", created="2026-05-01T00:00:00Z"),
        img("new", "web-3", image_build_date="2026-03-01", created="2026-02-01T00:00:00Z"),
        img("newest-hidden", "web-4", hidden=True, image_build_date="2026-04-01"),
        img("mid", "web-2", image_build_date="2026-02-01"),
        img("off", "web-5", status="deactivated", image_build_date="2026-06-01"),
    ]
    [family] = build_families([("p", i) for i in images])
    assert [v.image.id for v in family.versions] == ["off", "newest-hidden", "new", "mid", "old"]
    assert family.latest("p") is not None and family.latest("p").image.id == "new"  # type: ignore[union-attr]
    states = {v.image.id: v.lifecycle for v in family.versions}
    assert states["newest-hidden"] == ["deprecated"] and states["off"] == ["obsolete"]


def test_latest_is_per_place() -> None:
    a = img("a", "web-1", created="2026-01-01T00:00:00Z")
    b = img("b", "web-2", created="2026-02-01T00:00:00Z")
    [family] = build_families([("east", a), ("east", b), ("west", a)])
    assert family.latest("east").image.id == "b"  # type: ignore[union-attr]
    assert family.latest("west").image.id == "a"  # type: ignore[union-attr]


def test_end_of_life_from_provided_until() -> None:
    today = date(2026, 6, 1)
    [family] = build_families(
        [
            ("p", img("a", "x", provided_until="2026-05-31")),
            ("p", img("b", "x", provided_until="2026-06-01")),
            ("p", img("c", "x", provided_until="none")),
        ],
        today=today,
    )
    assert {v.image.id: v.lifecycle for v in family.versions} == {"a": ["end-of-life"], "b": [], "c": []}


def test_generalization_and_firmware() -> None:
    [family] = build_families(
        [
            ("p", img("snap", "x", image_type="snapshot")),
            ("p", img("inst", "x", instance_uuid="u")),
            ("p", img("uefi", "x", hw_firmware_type="uefi", hw_machine_type="q35")),
            ("p", img("plain", "x")),
        ]
    )
    by = {v.image.id: v for v in family.versions}
    assert by["snap"].generalization == by["inst"].generalization == "specialized"
    assert by["plain"].generalization == "generalized"
    assert by["uefi"].firmware == "gen2 (UEFI), q35"
    assert by["plain"].firmware == "gen1 (BIOS)"
