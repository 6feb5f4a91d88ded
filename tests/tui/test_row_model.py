"""The image list's row model on its own: filter, sort, index and the row of an id, without Textual."""

from __future__ import annotations

import ast
from pathlib import Path

from imagedeck.model import Image
from imagedeck.widgets import image_rows
from imagedeck.widgets.image_rows import ImageRows, haystack


def image(n: int, name: str | None = None, **fields) -> Image:
    return Image(id=f"id-{n:03d}", name=name if name is not None else f"image-{n}", status="active", **fields)


def rows_of(*images: Image) -> ImageRows:
    rows = ImageRows()
    rows.replace(images)
    return rows


def names(rows: ImageRows) -> list[str | None]:
    return [i.name for i in rows.shown()]


def test_the_row_model_imports_no_textual() -> None:
    tree = ast.parse(Path(image_rows.__file__).read_text())
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.split(".")[0] in ("textual", "rich") for m in modules)


def test_filter_matches_any_field_without_case_and_keeps_order() -> None:
    rows = rows_of(image(1, "Ubuntu"), image(2, "debian", tags=["LTS"]), image(3, "cirros", owner="ops"))
    rows.set_filter("UBU")
    assert names(rows) == ["Ubuntu"]
    rows.set_filter("lts")
    assert names(rows) == ["debian"]
    rows.set_filter("id-00")
    assert names(rows) == ["Ubuntu", "debian", "cirros"]
    rows.set_filter("")
    assert len(rows) == 3


def test_the_filter_never_matches_across_fields() -> None:
    rows = rows_of(image(1, "ab", disk_format="cd"))
    rows.set_filter("bc")
    assert len(rows) == 0 and "\x00" in haystack(rows.images[0])


def test_appended_pages_pass_the_same_filter_and_are_indexed() -> None:
    rows = rows_of(image(1, "web-1"), image(2, "db-1"))
    rows.set_filter("web")
    rows.append([image(3, "web-2"), image(4, "db-2")])
    assert names(rows) == ["web-1", "web-2"]
    assert rows.row_of("id-003") == 1 and rows.row_of("id-004") is None and rows.row_of("missing") is None


def test_row_of_finds_every_shown_image_by_bisect() -> None:
    rows = rows_of(*(image(n, f"{'even' if n % 2 == 0 else 'odd'}-{n}") for n in range(50)))
    rows.set_filter("even")
    for row, shown in enumerate(rows.shown()):
        assert rows.row_of(shown.id) == row
    assert rows.row_of("id-001") is None
    assert rows.at(len(rows)) is None and rows.at(-1) is None


def test_sort_is_stable_puts_unknown_values_last_and_lowercases_text() -> None:
    rows = rows_of(
        image(1, "b", size=5), image(2, "A", size=None), image(3, "c", size=5), image(4, "a", size=1)
    )
    rows.sort("size", "desc")
    assert names(rows) == ["b", "c", "a", "A"]
    rows.sort("size", "asc")
    assert names(rows) == ["a", "b", "c", "A"]
    rows.sort("name", "asc")
    assert names(rows) == ["a", "A", "b", "c"]  # equal without case: earlier order kept
    assert (rows.sort_key, rows.sort_direction) == ("name", "asc")


def test_sort_by_time_reads_timestamps() -> None:
    rows = rows_of(
        image(1, "old", created_at="2025-01-01T00:00:00Z"),
        image(2, "new", created_at="2026-01-01T00:00:00Z"),
        image(3, "bad", created_at="not a time"),
    )
    rows.sort("created_at", "desc")
    assert names(rows) == ["new", "old", "bad"]


def test_update_replaces_by_id_and_refilters_the_haystack() -> None:
    rows = rows_of(image(1, "before"), image(2, "other"))
    assert not rows.update([image(1, "before")])  # unchanged rows cost nothing
    assert not rows.update([image(9, "unknown")])
    assert rows.update([image(1, "after")])
    rows.set_filter("after")
    assert names(rows) == ["after"]


def test_remove_reindexes() -> None:
    rows = rows_of(image(1), image(2), image(3))
    rows.remove("id-002")
    assert [i.id for i in rows.images] == ["id-001", "id-003"] and rows.row_of("id-003") == 1
