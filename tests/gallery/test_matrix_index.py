"""The matrix taken in page by page equals one built at once, and both equal a plain reference build."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from imagedeck.gallery import MatrixIndex, build_matrix
from imagedeck.gallery.matrix import (
    Column,
    Listing,
    Matrix,
    Row,
    best_key,
    cell_of,
    content_keys,
    defining_metadata,
    guess_key,
)
from imagedeck.model import Image


def reference(listings: list[Listing]) -> Matrix:
    """The matrix the plain way: every image at once, rows grouped by shared keys (union-find)."""
    columns = [Column(listing.place, listing.error) for listing in listings]
    entries = [(listing.place, image) for listing in listings for image in listing.images]
    parent = list(range(len(entries)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for index, (_, image) in enumerate(entries):
        for key in content_keys(image) or [guess_key(image)]:
            if key in first:
                parent[find(index)] = find(first[key])
            else:
                first[key] = index
    grouped: dict[int, list[tuple[str, Image]]] = defaultdict(list)
    for index, entry in enumerate(entries):
        grouped[find(index)].append(entry)
    groups = list(grouped.values())
    rows = []
    for members in groups:
        images = [image for _, image in members]
        key, basis = best_key(images)
        named = [image.name for image in images if image.name]
        name = max(sorted(set(named)), key=named.count) if named else images[0].id
        size = next((image.size for image in images if image.size is not None), None)
        row = Row(key=key, basis=basis, name=name, size=size, metadata_drift=_drift(images))
        for column in columns:
            row.cells[column.place] = cell_of([i for p, i in members if p == column.place], column)
        rows.append(row)
    for index, members in enumerate(groups):
        for name in sorted({image.name for _, image in members if image.name}):
            others = sorted(
                rows[i].key
                for i, group in enumerate(groups)
                if i != index and any(m.name == name for _, m in group)
            )
            if others:
                rows[index].name_drift.append(f"{name!r} also names other content ({', '.join(others)})")
    rows.sort(key=lambda row: (row.name.casefold(), row.key))
    return Matrix(columns, rows)


def _drift(images: list[Image]) -> list[str]:
    seen = [defining_metadata(image) for image in images]
    keys = {key for data in seen for key in data}
    return sorted(key for key in keys if len({data.get(key) for data in seen}) > 1)


_images = st.builds(
    Image,
    id=st.uuids().map(str),
    name=st.sampled_from([None, "a", "b", "B", "c"]),
    status=st.sampled_from(["active", "queued", "saving", "deactivated", "killed"]),
    size=st.sampled_from([None, 1, 2]),
    checksum=st.sampled_from([None, "m1", "m2", "m3"]),
    os_hash_algo=st.sampled_from([None, "sha512"]),
    os_hash_value=st.sampled_from([None, "s1", "s2"]),
    os_hidden=st.booleans(),
    disk_format=st.sampled_from([None, "raw", "qcow2"]),
    tags=st.lists(st.sampled_from(["x", "y"]), max_size=2),
    properties=st.dictionaries(st.sampled_from(["os_distro", "os_glance_x"]), st.sampled_from(["u", "d"])),
)
_listings = st.lists(
    st.tuples(st.lists(_images, max_size=12), st.sampled_from([None, None, "down"])), min_size=1, max_size=3
)


@settings(max_examples=150, deadline=None)
@given(_listings, st.randoms(use_true_random=False), st.integers(1, 4))
def test_pages_in_any_order_give_the_matrix_of_the_whole_listings(
    raw: list[tuple[list[Image], str | None]], rnd, page: int
) -> None:  # type: ignore[no-untyped-def]
    whole = [Listing(f"p{i}", images, error) for i, (images, error) in enumerate(raw)]
    expected = reference(whole)
    assert build_matrix(whole) == expected
    live = [Listing(each.place) for each in whole]
    index = MatrixIndex()
    pages = [(n, start) for n, each in enumerate(whole) for start in range(0, len(each.images), page)]
    pages.sort(key=lambda pair: (pair[1], rnd.random()))  # each place in order, places interleaved
    for n, start in pages:
        live[n].images.extend(whole[n].images[start : start + page])
        if rnd.random() < 0.5:
            index.update(live)
        elif rnd.random() < 0.5:
            index.take(live)
    for each, source in zip(live, whole, strict=True):
        each.error = source.error
    assert index.update(live) == expected


def test_a_place_read_again_starts_over_and_keeps_the_rest() -> None:
    one = Image(id="1", name="a", checksum="m", os_hash_algo="sha512", os_hash_value="s", updated_at="t")
    two = Image(id="2", name="a", checksum="m", updated_at="t", properties={"os_distro": "u"})
    index = MatrixIndex()
    first = [Listing("p", [one]), Listing("q", [two])]
    assert index.update(first).rows[0].metadata_drift == ["os_distro"]
    again = [first[0], Listing("q", [Image(id="3", name="a", size=5)])]
    assert index.pending(again) == 2
    assert index.update(again) == build_matrix(again)
    assert len(index.update(again).rows) == 2


def test_a_place_that_fails_after_its_rows_were_drawn_turns_its_cells_unknown() -> None:
    listings = [Listing("p", [Image(id="1", name="a", status="active")]), Listing("q")]
    index = MatrixIndex()
    assert index.update(listings).rows[0].cells["p"].image_ids == ["1"]
    listings[0].error = "gone"
    assert index.update(listings).rows[0].cells["p"].presence == "unknown"
