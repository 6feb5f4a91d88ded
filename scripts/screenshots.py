"""Write SVG screenshots of the real app on the demo store into screenshots/.

Run from the repository root: ``.venv/bin/python scripts/screenshots.py``. Each picture
is the app driven by keys through Textual's Pilot at 120x36, the size README shows, and a
few again at 80x24 (``*-80x24.svg``), the smallest size the app is made for.

The files are the same bytes on every run, so a change to them in a commit is a change to
the app: the catalog is written and the ages are read at one fixed moment, and every image,
the uploaded one too, has an id derived from its name.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imagedeck.app import ImageDeckApp  # noqa: E402
from imagedeck.config import Settings  # noqa: E402
from imagedeck.demo import seed as demo_seed  # noqa: E402
from imagedeck.demo.seed import demo_image_id, seed_demo  # noqa: E402
from imagedeck.screens.main import MainScreen  # noqa: E402
from imagedeck.stores.local import LocalStore  # noqa: E402
from imagedeck.stores.local_catalog import stamped_as  # noqa: E402
from imagedeck.widgets.transfers_pane import TransfersPane  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (120, 36)
SMALL = (80, 24)
#: The moment the demo catalog is written and the ages in the pictures are counted from.
NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
THEMES = ("imagedeck-dark", "imagedeck-light", "imagedeck-high-contrast", "imagedeck-mono")

Step = Callable[[ImageDeckApp, object], Awaitable[None]]


class _Frozen(datetime):
    """``datetime`` whose ``now`` is `NOW`: the demo seeder dates its images back from now."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]
        return NOW


def fixed_clock() -> datetime:
    return NOW


async def ready(app: ImageDeckApp, pilot) -> None:
    """Until the list and the shares have loaded."""
    for _ in range(500):
        screen = app.screen
        if isinstance(screen, MainScreen) and screen.all_loaded and screen.sharing.loaded:
            break
        await pilot.pause(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(
    settings: Settings,
    name: str,
    step: Step | None = None,
    theme: str | None = None,
    size: tuple[int, int] = SIZE,
) -> Path:
    store = LocalStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={})
    path = OUT / (f"{name}.svg" if size == SIZE else f"{name}-{size[0]}x{size[1]}.svg")
    async with app.run_test(size=size) as pilot:
        if theme:
            app.theme = theme
        await ready(app, pilot)
        store.label = "local:demo"  # the temporary directory's name means nothing to a reader
        app.screen.query_one("#header").set_store("local:demo")
        app.screen.query_one("#header").set_identity(app.screen.identity)
        if step is not None:
            await step(app, pilot)
        await pilot.pause(0.2)
        app.save_screenshot(path.name, str(OUT))
    return path


async def sharing(app: ImageDeckApp, pilot) -> None:
    await pilot.press("tab", "tab")
    await pilot.pause()


async def detail(app: ImageDeckApp, pilot) -> None:
    screen = app.screen
    golden = next(i for i in screen.image_list.images if i.name == "demo-app-golden")
    screen.image_list.select_id(golden.id)
    await app.workers.wait_for_complete()
    await pilot.press("enter")


async def help_screen(app: ImageDeckApp, pilot) -> None:
    await pilot.press("question_mark")


async def filtered(app: ImageDeckApp, pilot) -> None:
    await pilot.press("slash", *"cloud")


async def upload(app: ImageDeckApp, pilot) -> None:
    """An upload of a small raw file through the transfers engine, shown in its pane."""
    from imagedeck.dialogs import UploadRequest

    source = app.settings.store_path.parent / "appliance-1.4.raw"
    source.write_bytes(bytes(3 * 1024 * 1024))
    pane = app.screen.query_one(TransfersPane)
    create = app.store.create_image

    async def after_the_first_row(fields):  # type: ignore[no-untyped-def]
        """The image is made once the job's row shows: the row learns the image's name from
        the first event, as it does whenever the dock draws before the image exists; without
        this the picture would depend on which event the dock happened to draw first."""
        while not pane.job_ids:  # noqa: ASYNC110 - the pane has no event to wait on
            await asyncio.sleep(0.01)
        return await create(fields)

    app.store.create_image = after_the_first_row  # type: ignore[method-assign]
    app.jobs.start_upload(
        UploadRequest(
            path=source,
            fields={
                "id": demo_image_id("appliance-1.4"),
                "name": "appliance-1.4",
                "disk_format": "raw",
                "container_format": "bare",
            },
        )
    )
    for _ in range(500):
        if app.transfers is not None and app.transfers.active_count == 0:
            break
        await pilot.pause(0.02)
    await ready(app, pilot)


async def seed_mirror(path: Path) -> Path:
    """A second store: some demo images (one renamed, one with other metadata) and one of its own."""
    from imagedeck.demo.images import image_bytes
    from imagedeck.demo.seed import CATALOG

    async def chunk(data: bytes):  # type: ignore[no-untyped-def]
        yield data

    changes = {"cirros-0.6.2": {"name": "cirros"}, "debian-12-genericcloud": {"os_version": "12.7"}}
    chosen = [s for s in CATALOG if s.owner == "demo" and not s.queued and not s.deactivated][:4]
    chosen += [s for s in CATALOG if s.name in changes and s not in chosen]
    async with LocalStore(path, "demo", admin=True) as mirror:
        for sample in chosen:
            fields = {"name": sample.name, "disk_format": sample.disk_format, "container_format": "bare"}
            fields["id"] = demo_image_id(f"mirror/{sample.name}")
            image = await mirror.create_image({**fields, **sample.properties, **changes.get(sample.name, {})})
            data = image_bytes(sample.disk_format, sample.virtual_size)
            await mirror.upload(image.id, chunk(data), len(data))
        image = await mirror.create_image(
            {
                "id": demo_image_id("mirror/mirror-only-tools"),
                "name": "mirror-only-tools",
                "disk_format": "raw",
                "container_format": "bare",
            }
        )
        await mirror.upload(image.id, chunk(bytes(4096)), 4096)
    return path


async def fleet(app: ImageDeckApp, pilot) -> None:
    """The fleet view of the demo store, a mirror of part of it, and a place that cannot be read.

    The places are named relative to the demo's directory, so the picture shows their names
    rather than a temporary path.
    """
    from imagedeck.gallery import Place
    from imagedeck.screens.fleet import FleetScreen

    home = app.settings.store_path.parent
    await seed_mirror(home / "mirror")
    (home / "not-a-store").write_text("a file where a store should be")
    here = Path.cwd()
    os.chdir(home)
    try:
        screen = FleetScreen([Place("local", name) for name in ("store", "mirror", "not-a-store")])
        await app.push_screen(screen)
        for _ in range(500):  # not reading yet is not done reading: wait for rows too
            if screen.is_mounted and screen.matrix.current_row is not None and not screen.reading:
                break
            await pilot.pause(0.02)
    finally:
        os.chdir(here)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("g", "l")  # the first row, whichever place was read first


async def property_check(app: ImageDeckApp, pilot) -> None:
    """The edit dialog refusing a misspelt property, with the catalog's help for the key being typed."""
    from textual.widgets import Input, TextArea

    await detail(app, pilot)
    await pilot.press("escape", "e")
    for _ in range(500):
        if app.screen.query("#properties"):
            break
        await pilot.pause(0.02)
    area = app.screen.query_one("#properties", TextArea)
    area.load_text(area.text.rstrip("\n") + "\nhw_disk_buss=scsi\n")
    await pilot.press("ctrl+s")
    entry = app.screen.query_one("#property-entry", Input)
    entry.focus()
    await pilot.press(*"hw_disk_b")


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    demo_seed.datetime = _Frozen  # type: ignore[misc]
    with stamped_as(NOW), tempfile.TemporaryDirectory(prefix="imagedeck-demo-") as directory:
        demo = await seed_demo(Path(directory) / "store")
        settings = demo.settings(Settings(themes_dir=Path(directory) / "themes", token_cache=False))
        shots = [
            await shoot(settings, "main"),
            await shoot(settings, "detail", detail),
            await shoot(settings, "sharing", sharing),
            await shoot(settings, "filter", filtered),
            await shoot(settings, "help", help_screen),
        ]
        for name, step in (("main", None), ("detail", detail), ("sharing", sharing), ("help", help_screen)):
            shots.append(await shoot(settings, name, step, size=SMALL))
        for theme in THEMES:
            shots.append(await shoot(settings, f"theme-{theme.removeprefix('imagedeck-')}", theme=theme))
        shots.append(await shoot(settings, "upload", upload))
        shots.append(await shoot(settings, "fleet", fleet))
        shots.append(await shoot(settings, "properties", property_check))
    for shot in shots:
        print(shot.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
