"""The detail pane keeps every value in one piece: ids, hashes, timestamps and member ids are
never split across lines at any width, labels are capped, the field cursor copies whole values,
and relative ages move on by themselves."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from rich.console import Console
from textual.geometry import Region

from imagedeck.app import ImageDeckApp
from imagedeck.model import Image, Member, cell_width
from imagedeck.stores.local import LocalStore
from imagedeck.widgets.detail_layout import LABEL_CELLS, DetailBody, layout, shorten, wrap_words
from imagedeck.widgets.detail_pane import image_fields
from token_scan import split_tokens
from tui_support import NOW, image_named, loaded, notes, select, wait_for

WIDTHS = (40, 60, 80, 120)
LONG_NAME = "org.example.compliance_scan_report_reference_with_a_long_name"


def _hex(seed: str) -> str:
    return hashlib.md5(seed.encode()).hexdigest()


def big_image() -> tuple[Image, list[Member]]:
    """A record with every kind of long token: sha512, a uuid, timestamps, 32-hex ids."""
    image = Image(
        id=str(uuid.UUID(_hex("image"))),
        name="golden image for the build farm with a long descriptive name",
        status="active",
        disk_format="qcow2",
        container_format="bare",
        size=5 * 1024**3,
        virtual_size=20 * 1024**3,
        checksum=_hex("bytes"),
        os_hash_algo="sha512",
        os_hash_value=hashlib.sha512(b"bytes").hexdigest(),
        visibility="shared",
        owner=_hex("owner"),
        tags=["lts", "cloud-init"],
        created_at="2026-05-01T17:23:09Z",
        updated_at="2026-05-31T08:01:44.123456Z",
        properties={
            "hw_qemu_guest_agent": "yes",
            LONG_NAME: "see https://reports.example.org/scans/" + _hex("report") * 3 + " for the findings",
            "description": "a long description of the image that runs well past the width of any pane",
        },
    )
    members = [Member(image.id, _hex(f"member{n}"), "accepted" if n % 2 else "pending") for n in range(8)]
    return image, members


def tokens_of(image: Image, members: list[Member]) -> list[str]:
    stamps = [image.created_at or "", image.updated_at or ""]
    hashes = [image.checksum or "", image.os_hash_value or ""]
    return [image.id, image.owner or "", *hashes, *stamps, *(m.member_id for m in members)]


def drawn(body: DetailBody, width: int) -> list[str]:
    """The body as a terminal of ``width`` columns draws it."""
    console = Console(width=width, color_system=None)
    return ["".join(seg.text for seg in line) for line in console.render_lines(body, pad=False)]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_token_is_split_at_any_width(width: int) -> None:
    image, members = big_image()
    lines = drawn(DetailBody(image_fields(image, members, "", NOW)), width)
    assert split_tokens(lines, tokens_of(image, members)) == []
    assert all(cell_width(line) <= width for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_ids_and_timestamps_stand_whole_on_their_own_line(width: int) -> None:
    image, members = big_image()
    lines = drawn(DetailBody(image_fields(image, members, "", NOW)), width)
    for token in (image.id, image.created_at, image.updated_at):
        assert any(token in line for line in lines), (token, lines)
    sha = image.os_hash_value or ""
    assert not any(sha in line for line in lines) or width >= len(sha) + LABEL_CELLS + 1
    assert sum(1 for line in lines if sha[:6] in line) == 1  # one line for the sha512, not 22


def test_labels_are_capped_and_values_keep_their_room() -> None:
    image, members = big_image()
    lines = layout(image_fields(image, members, "", NOW), 60)
    beside = [line for line in lines if line.label and line.gap]
    assert {cell_width(line.label) for line in beside} == {LABEL_CELLS}
    long_label = next(line for line in lines if line.label.startswith(LONG_NAME[:10]))
    assert long_label.label.endswith("…")
    member = next(line for line in lines if line.label.startswith(members[0].member_id[:8]))
    assert member.value == members[0].status


def test_a_word_too_long_for_any_line_is_shortened_not_split() -> None:
    token = _hex("a") + _hex("b")
    assert shorten(token, 17) == token[:8] + "…" + token[-8:]
    assert wrap_words(f"see {token} now", 20) == ["see", shorten(token, 20), "now"]
    assert wrap_words("a b c", 3) == ["a b", "c"]


def strip_text(app: ImageDeckApp) -> list[str]:
    """The detail body's lines as the app draws them at the pane's own width."""
    body = app.screen.detail.query_one("#detail-body")
    return [strip.text for strip in body.render_lines(Region(0, 0, body.size.width, body.size.height))]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_pane_in_the_app_splits_no_token(make_app, size) -> None:
    app = make_app()
    image, members = big_image()
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        detail = app.screen.detail
        detail.show(image, members)
        body = detail.query_one("#detail-body")
        # laid out again for the record's own height
        await wait_for(
            lambda: body.size.height == detail._height_of(detail._render_image(), body.size.width), pilot
        )
        lines = strip_text(app)
        assert split_tokens(lines, tokens_of(image, members)) == []
        assert any(image.id in line for line in lines), lines


async def test_j_k_move_a_cursor_and_y_copies_the_field_under_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "ubuntu-24.04-server")
        image = image_named(app, "ubuntu-24.04-server")
        detail = app.screen.detail
        await wait_for(lambda: detail.image is not None and detail.image.id == image.id, pilot)
        await pilot.press("tab")
        await wait_for(lambda: app.focused is detail, pilot)
        await pilot.press("j")  # Name -> ID
        await pilot.press("y")
        assert app.clipboard == image.id
        assert f"Copied ID: {image.id}" in notes(app)
        await pilot.press("G")  # the last property
        await pilot.press("y")
        assert app.clipboard == image.properties["os_version"]
        await pilot.press(*"k" * len(image.properties))  # up past the Properties heading
        await pilot.press("y")
        assert app.clipboard == image.os_hash_value
        assert notes(app)[-1] == f"Copied {image.os_hash_algo} ({len(image.os_hash_value)} characters)"
        await pilot.press("escape")
        await wait_for(lambda: app.focused is app.screen.image_list, pilot)
        await pilot.press("y")  # the list still copies the id
        assert app.clipboard == image.id


async def test_the_cursor_scrolls_into_view_and_shows_only_with_focus(make_app) -> None:
    app = make_app()
    image, members = big_image()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        detail = app.screen.detail
        detail.show(image, members)
        assert detail._render_image().cursor is None
        detail.focus()
        await wait_for(lambda: app.focused is detail, pilot)
        assert detail._render_image().cursor == 0
        await pilot.press("G")
        await wait_for(lambda: detail.scroll_y > 0, pilot)
        await pilot.press("y")
        assert app.clipboard == members[-1].member_id
        assert notes(app)[-1] == f"Copied member id: {members[-1].member_id}"
        await pilot.press("g")
        await wait_for(lambda: detail.scroll_y == 0, pilot)


async def test_relative_ages_move_on_and_nothing_redraws_when_they_did_not(settings) -> None:
    now = [NOW]
    store = LocalStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=lambda: now[0], environ={})
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        detail = app.screen.detail
        image = Image(id=str(uuid.uuid4()), name="fresh", created_at="2026-06-01T11:58:00Z")
        detail.show(image)
        await wait_for(lambda: any("(2m ago)" in line for line in strip_text(app)), pilot)
        body = detail.query_one("#detail-body")
        updates = []
        original = body.update
        body.update = lambda *a, **k: (updates.append(a), original(*a, **k))  # type: ignore[method-assign]
        now[0] = NOW + timedelta(seconds=20)
        detail.refresh_ages()
        assert updates == []  # still 2m: nothing drawn
        now[0] = NOW + timedelta(minutes=3)
        detail.refresh_ages()
        await wait_for(lambda: any("(5m ago)" in line for line in strip_text(app)), pilot)
        assert len(updates) == 1
