"""Lifecycle badges of matrix rows: latest per family and place, deprecated, end of life, obsolete."""

from __future__ import annotations

from datetime import date

from imagedeck.gallery import build_families
from imagedeck.gallery.matrix import Listing
from imagedeck.gallery.matrix_index import MatrixIndex, build_matrix
from imagedeck.gallery.row_lifecycle import RowLifecycles, lifecycle_badge, row_badges
from imagedeck.model import Image

TODAY = date(2026, 6, 1)


def img(id: str, built: str, status: str = "active", hidden: bool = False, **props: str) -> Image:
    return Image(
        id=id,
        name=f"web-{built}",
        status=status,
        os_hidden=hidden,
        checksum=f"{id:0>32}",
        properties={"image_family": "web", "image_build_date": built, **props},
    )


def test_each_state_has_its_badge_and_past_end_of_life_warns_first() -> None:
    assert lifecycle_badge([img("a", "2026-03-01")], latest=True, today=TODAY) == "latest"
    assert lifecycle_badge([img("a", "2026-03-01", hidden=True)], latest=False) == "deprecated"
    assert lifecycle_badge([img("a", "2026-03-01", status="deactivated")], latest=False) == "obsolete"
    dated = img("a", "2026-03-01", provided_until="2027-06-30")
    assert lifecycle_badge([dated], latest=False, today=TODAY) == "EOL 2027-06-30"
    assert lifecycle_badge([dated], latest=False, today=date(2027, 7, 1)) == "⚠ past EOL"
    assert lifecycle_badge([dated], latest=True, today=date(2027, 7, 1)) == "⚠ past EOL"
    assert lifecycle_badge([img("a", "2026-01-01")], latest=False, today=TODAY) == ""
    # hidden in one place but usable in another is not deprecated
    assert lifecycle_badge([img("a", "1", hidden=True), img("b", "1")], latest=False) == ""
    assert lifecycle_badge([], latest=True) == ""


def test_latest_copies_agree_with_the_families_view() -> None:
    entries = [
        ("east", img("e1", "2026-01-01")),
        ("east", img("e2", "2026-02-01")),
        ("east", img("e3", "2026-03-01", hidden=True)),
        ("west", img("w1", "2026-01-01")),
        ("west", img("w2", "2026-04-01", status="deactivated")),
    ]
    marked = {
        (v.place, v.image.id) for f in build_families(entries, today=TODAY) for v in f.versions if v.latest
    }
    lifecycles = RowLifecycles()
    lifecycles.badges([], [Listing(p, [i for q, i in entries if q == p]) for p in ("east", "west")])
    assert lifecycles.latest_copies() == marked == {("east", "e2"), ("west", "w1")}


def test_row_badges_follow_each_rows_copies_across_places() -> None:
    old = img("old", "2026-01-01", provided_until="2026-02-01")
    listings = [
        Listing("east", [old, img("mid", "2026-02-01"), img("new", "2026-03-01", hidden=True)]),
        Listing("west", [img("old", "2026-01-01", provided_until="2026-02-01")]),
    ]
    matrix = build_matrix(listings)
    badges = {
        row.name: text
        for row in matrix.rows
        if (text := row_badges(matrix.rows, listings, today=TODAY).get(row.key))
    }
    assert badges == {
        "web-2026-01-01": "⚠ past EOL",
        "web-2026-02-01": "latest",
        "web-2026-03-01": "deprecated",
    }


def test_badges_kept_across_pages_equal_badges_worked_out_from_scratch() -> None:
    east = Listing("east", [img("a", "2026-01-01")])
    index, lifecycles = MatrixIndex(), RowLifecycles()
    first = index.update([east])
    assert lifecycles.badges(first.rows, [east], TODAY) == {first.rows[0].key: "latest"}
    east.images += [img("b", "2026-02-01"), img("c", "2026-03-01", hidden=True)]  # a page more
    grown = index.update([east])
    assert lifecycles.badges(grown.rows, [east], TODAY) == row_badges(grown.rows, [east], today=TODAY)
    assert sorted(lifecycles.badges(grown.rows, [east], TODAY).values()) == ["deprecated", "latest"]
    again = Listing("east", [img("a", "2026-01-01")])  # read anew: only the first is left
    rows = index.update([again]).rows
    assert lifecycles.badges(rows, [again], TODAY) == {rows[0].key: "latest"}
