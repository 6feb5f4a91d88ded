"""The presence matrix over real local stores: rows by content, cells by place, drift flagged."""

from __future__ import annotations

from pathlib import Path

from gallery_support import add_image, settings_for
from imagedeck.gallery import Presence, build_matrix, close_places, fleet_matrix, open_places, parse_place
from imagedeck.gallery.matrix import Listing
from imagedeck.model import Change, Image
from imagedeck.stores.local import LocalStore


async def _matrix(tmp_path: Path, *words: str):  # type: ignore[no-untyped-def]
    opened = await open_places([parse_place(w) for w in words], settings_for(tmp_path))
    try:
        return await fleet_matrix(opened)
    finally:
        await close_places(opened)


def _row(matrix, name):  # type: ignore[no-untyped-def]
    return next(row for row in matrix.rows if row.name == name)


async def test_same_content_is_one_row_with_a_cell_per_place(
    tmp_path: Path, east: LocalStore, west: LocalStore
) -> None:
    a = await add_image(east, "ubuntu", 1, os_distro="ubuntu")
    b = await add_image(west, "ubuntu", 1, os_distro="ubuntu")
    await add_image(east, "only-east", 2)
    e, w = f"local:{tmp_path / 'east'}", f"local:{tmp_path / 'west'}"
    matrix = await _matrix(tmp_path, e, w)
    row = _row(matrix, "ubuntu")
    assert row.basis == "sha512" and not row.guessed
    assert row.cells[e].presence == Presence.ACTIVE and row.cells[e].image_ids == [a.id]
    assert row.cells[w].presence == Presence.ACTIVE and row.cells[w].image_ids == [b.id]
    assert row.metadata_drift == [] and row.name_drift == []
    assert _row(matrix, "only-east").cells[w].presence == Presence.MISSING


async def test_hidden_and_deactivated_copies_show_as_such(
    tmp_path: Path, east: LocalStore, west: LocalStore
) -> None:
    a = await add_image(east, "img", 1)
    b = await add_image(west, "img", 1)
    await east.update_image(a.id, [Change.replace("os_hidden", True)])
    await west.deactivate(b.id)
    e, w = f"local:{tmp_path / 'east'}", f"local:{tmp_path / 'west'}"
    row = _row(await _matrix(tmp_path, e, w), "img")
    assert row.cells[e].presence == Presence.HIDDEN
    assert row.cells[w].presence == Presence.DEACTIVATED


async def test_drift_same_name_other_content_and_same_content_other_metadata(
    tmp_path: Path, east: LocalStore, west: LocalStore
) -> None:
    await add_image(east, "base", 1, os_distro="debian", tags=["x"])
    await add_image(west, "base", 1, os_distro="ubuntu")
    await add_image(west, "base", 3)
    matrix = await _matrix(tmp_path, f"local:{tmp_path / 'east'}", f"local:{tmp_path / 'west'}")
    rows = [row for row in matrix.rows if row.name == "base"]
    assert len(rows) == 2
    shared = next(row for row in rows if len([c for c in row.cells.values() if c.image_ids]) == 2)
    assert shared.metadata_drift == ["os_distro", "tags"]
    assert all(row.name_drift for row in rows)


async def test_a_down_place_is_a_column_of_unknowns_and_never_hides_the_others(
    tmp_path: Path, east: LocalStore
) -> None:
    await add_image(east, "img", 1)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where a store should be")
    e, bad = f"local:{tmp_path / 'east'}", f"local:{blocked}"
    matrix = await _matrix(tmp_path, e, bad)
    assert matrix.columns[1].error
    row = _row(matrix, "img")
    assert row.cells[e].presence == Presence.ACTIVE
    assert row.cells[bad].presence == Presence.UNKNOWN


def test_without_hashes_rows_are_a_marked_guess_by_name_and_size() -> None:
    one = Image(id="1", name="n", size=10, status="active")
    two = Image(id="2", name="n", size=10, status="active")
    other = Image(id="3", name="n", size=11, status="active")
    matrix = build_matrix([Listing("p", [one, other]), Listing("q", [two])])
    assert sorted(len(r.cells["p"].image_ids) + len(r.cells["q"].image_ids) for r in matrix.rows) == [1, 2]
    assert all(row.guessed for row in matrix.rows)


def test_md5_joins_a_copy_that_has_no_secure_hash() -> None:
    full = Image(id="1", name="a", checksum="m", os_hash_algo="sha512", os_hash_value="s", status="active")
    md5_only = Image(id="2", name="b", checksum="m", status="queued")
    matrix = build_matrix([Listing("p", [full]), Listing("q", [md5_only])])
    assert len(matrix.rows) == 1
    assert matrix.rows[0].basis == "sha512"
    assert matrix.rows[0].cells["q"].presence == Presence.IMPORTING
