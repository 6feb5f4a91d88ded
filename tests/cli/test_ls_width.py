"""``ls`` on a terminal fits its width; piped or with --wide every column is whole."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from imagedeck.cli import output
from imagedeck.model import Image, cell_width

ME = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
#: A fixed clock: the width of the Updated column depends on how long ago an image changed.
NOW = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)


def image(n: int, name: str, owner: str) -> Image:
    return Image(
        id=f"00000000-0000-4000-8000-{n:012d}",
        name=name,
        status="active",
        disk_format="qcow2",
        size=5 << 30,
        visibility="shared",
        owner=owner,
        updated_at="2026-11-30T10:00:00Z",
    )


IMAGES = [image(1, "debian-12-genericcloud-amd64-20261130", ME), image(2, "镜像-🙂-イメージ" * 4, OTHER)]


def test_own_images_say_me_and_others_are_short_on_a_terminal() -> None:
    lines = output.image_table(IMAGES, NOW, me=ME, width=120).splitlines()
    assert lines[1].split()[-3:-2] == ["me"] or " me " in lines[1]
    assert OTHER[:8] in lines[2] and OTHER not in lines[2]
    wide = output.image_table(IMAGES, me=ME)
    assert OTHER in wide and ME not in wide


def test_names_get_the_room_the_terminal_leaves() -> None:
    at_120 = output.image_table(IMAGES, NOW, me=ME, width=120)
    assert "debian-12-genericclou" in at_120
    assert "Updated" in at_120 and "Prot" not in at_120  # only the empty column gave its room
    assert "Prot" in output.image_table(IMAGES, me=ME)
    at_80 = output.image_table(IMAGES, NOW, me=ME, width=80)
    assert "Updated" not in at_80 and "Prot" not in at_80
    assert all(column in at_80.splitlines()[0] for column in ("ID", "Name", "Status", "Size"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=5), st.integers(min_value=60, max_value=240))
def test_every_line_fits_the_terminal(names: list[str], width: int) -> None:
    table = output.image_table(
        [image(n, name, OTHER) for n, name in enumerate(names)], NOW, me=ME, width=width
    )
    lines = table.splitlines()
    assert len(lines) == len(names) + 1  # one line per image, whatever the names hold
    assert max(map(cell_width, lines)) <= width
