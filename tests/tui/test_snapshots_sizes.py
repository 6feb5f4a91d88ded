"""SVG snapshots of five states of the main screen at 80x24, 100x30, 120x36 and 160x48, and in
each the check that no id, hash or timestamp on screen is broken across lines.

One app per state, resized from size to size: what a person sees after resizing a terminal,
and four pictures for the price of one start. Deterministic: fixed ids, catalog times and
clock; transfer rows come from progress events given here, not from timed transfers.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Iterable

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy import SnapshotAssertion

from conftest import KIB, _chunks
from dialog_fixtures import transfer
from imagedeck.app import ImageDeckApp
from imagedeck.formats import overriding
from imagedeck.messages import TransferEvent
from imagedeck.model import Image, Member
from imagedeck.stores.local import LocalStore
from svg_text import svg_lines
from token_scan import split_tokens
from tui_support import DEMO_PROJECT, loaded, select, wait_for

SIZES = ((80, 24), (100, 30), (120, 36), (160, 48))
FARM = "build-farm-golden"
FARM_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "imagedeck-test/build-farm-golden"))
MEMBERS = [hashlib.md5(f"member-{n}".encode()).hexdigest() for n in range(8)]
FAILED_ID = "e7aed390-f4f3-5327-9024-6aa33a766d4a"

Arrange = Callable[[], Awaitable[None]]


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """One SVG file a snapshot, like `snap_compare`, so both kinds read and regenerate alike."""
    return snapshot.use_extension(SVGImageExtension)


@pytest.fixture
def deck(make_app) -> Callable[[], ImageDeckApp]:
    """The app with a store label that does not name the per-run temporary directory."""

    def build() -> ImageDeckApp:
        app = make_app()
        app.store.label = "local:demo-store"
        return app

    return build


def tokens_of(image: Image | None, members: Iterable[Member] = ()) -> list[str]:
    """The ids, hashes and timestamps the detail pane shows of ``image``."""
    if image is None:
        return []
    values = [image.id, image.owner, image.checksum, image.os_hash_value, image.created_at, image.updated_at]
    values += [member.member_id for member in members]
    return [value for value in values if value and len(value) >= 12]


def on_screen(lines: list[str], token: str, tokens: list[str]) -> bool:
    """Whether some part of ``token`` is drawn: its first or last six characters, where no
    other token shares them (timestamps share their date)."""
    ends = {token[:6], token[-6:]}
    own = [end for end in ends if not any(end in other for other in tokens if other != token)]
    return any(end in line for end in own for line in lines)


def broken(svg: str, tokens: list[str]) -> list[str]:
    lines = svg_lines(svg)
    return split_tokens(lines, [token for token in tokens if on_screen(lines, token, tokens)])


async def each_size(
    app: ImageDeckApp,
    pilot,
    snapshot: SnapshotAssertion,
    tokens: Callable[[], list[str]],
    arrange: Arrange | None = None,
) -> None:
    """Resize to every size; at each, compare with the snapshot and scan the picture's text."""
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)
        await wait_for(lambda size=(width, height): tuple(app.screen.size) == size, pilot)
        if arrange is not None:
            await arrange()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        app.clear_notifications()  # a toast's timeout is wall-clock time: not part of the picture
        await pilot.pause()
        svg = app.export_screenshot()
        assert broken(svg, tokens()) == [], f"split at {width}x{height}"
        assert snapshot(name=f"{width}x{height}") == svg


async def seed_farm_image(store_path) -> None:
    """An owned image shared with eight projects, with a sha512 too long for any narrow pane."""
    async with LocalStore(store_path, DEMO_PROJECT, admin=True) as store:
        fields = {"id": FARM_ID, "name": FARM, "disk_format": "qcow2", "container_format": "bare"}
        image = await store.create_image({**fields, "visibility": "shared", "os_distro": "ubuntu"})
        data = hashlib.sha512(FARM.encode()).digest() * (64 * KIB // 64)
        with overriding(allow_unsafe=True, force_format=True):  # stand-in bytes, not a real image
            await store.upload(image.id, _chunks(data), len(data))
        for member in MEMBERS:
            await store.add_member(image.id, member)


async def test_main_view(deck, snapshot) -> None:
    app = deck()
    async with app.run_test(size=SIZES[-1]) as pilot:
        await loaded(app, pilot)
        await each_size(app, pilot, snapshot, lambda: tokens_of(app.screen.detail.image))


async def test_detail_of_an_image_shared_with_eight_projects(deck, snapshot, store_path) -> None:
    await seed_farm_image(store_path)
    app = deck()
    async with app.run_test(size=SIZES[-1]) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, FARM)
        detail = app.screen.detail
        await wait_for(lambda: len(detail.members or ()) == len(MEMBERS), pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.focused is detail, pilot)
        image = detail.image
        hash_field = next(i for i, f in enumerate(detail.fields) if f.value == image.os_hash_value)

        async def to_the_hash() -> None:
            """The cursor on the sha512, scrolled into view at this height."""
            await pilot.press("g")
            while detail.cursor < hash_field:
                await pilot.press("j")

        await each_size(app, pilot, snapshot, lambda: tokens_of(image, detail.members or ()), to_the_hash)


async def test_sharing_pane_with_pending_shares(deck, snapshot) -> None:
    app = deck()
    async with app.run_test(size=SIZES[-1]) as pilot:
        await loaded(app, pilot)
        await pilot.press("tab", "tab")
        await wait_for(lambda: app.focused is app.screen.sharing, pilot)
        assert app.screen.sharing.pending_count == 3
        await each_size(app, pilot, snapshot, lambda: tokens_of(app.screen.detail.image))


def six_jobs() -> list:
    """Six jobs of every kind and state, one failed with an image id in its reason."""
    return [
        transfer(
            "t1",
            kind="download",
            source="local:demo-store: cirros-0.6.2",
            destination="/srv/cirros.qcow2",
            state="done",
            done=98_304,
            total=98_304,
            rate=None,
            eta=None,
            message="saved /srv/cirros.qcow2",
        ),
        transfer(
            "t2",
            kind="copy",
            source="local:demo-store: demo-app-golden",
            destination="cloud:alpha: demo-app-golden",
            state="failed",
            done=402_653_184,
            rate=None,
            eta=None,
            message=f"image {FAILED_ID} went away on cloud:alpha while its data was being written",
        ),
        transfer(
            "t3",
            kind="convert",
            source="local:demo-store: legacy-appliance",
            destination="/srv/legacy.qcow2",
            state="verifying",
            done=1_073_741_824,
            rate=None,
            eta=None,
        ),
        transfer(
            "t4",
            kind="import",
            source="https://cloud-images.example.org/noble.img",
            destination="local:x: noble",
            state="running",
            done=805_306_368,
            rate=22_020_096.0,
            eta=12.0,
        ),
        transfer(
            "t5", kind="upload", source="/srv/images/jammy-server.qcow2", destination="local:x: jammy-server"
        ),
        transfer(
            "t6",
            kind="download",
            source="local:demo-store: centos-stream-9",
            destination="/srv/centos.raw",
            state="queued",
            done=0,
            rate=None,
            eta=None,
        ),
    ]


async def test_transfers_dock_with_six_jobs(deck, snapshot) -> None:
    app = deck()
    async with app.run_test(size=SIZES[-1]) as pilot:
        await loaded(app, pilot)
        app.screen.show_transfers()
        for job in six_jobs():
            app.post_message(TransferEvent(job))
        pane = app.screen.transfers_pane
        await wait_for(lambda: len(pane.job_ids) == 6, pilot)
        from tui_support import rows_drawn

        await wait_for(lambda: rows_drawn(pane, *pane.job_ids), pilot)
        await each_size(app, pilot, snapshot, lambda: [FAILED_ID, *tokens_of(app.screen.detail.image)])


async def test_three_rows_marked(deck, snapshot) -> None:
    app = deck()
    async with app.run_test(size=SIZES[-1]) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        await pilot.press("g", "space", "V", "j", "V", "j")
        await wait_for(lambda: len(images.marked) == 3, pilot)
        await each_size(app, pilot, snapshot, lambda: tokens_of(app.screen.detail.image))
