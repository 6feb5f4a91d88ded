"""The sharing pane: groups, accept, reject, marks for several at once, and undo to pending."""

from __future__ import annotations

from imagedeck.model import ImageQuery
from tui_support import loaded, notes, wait_for


async def focus_sharing(app, pilot) -> None:
    await pilot.press("tab", "tab")
    await wait_for(lambda: app.focused is app.screen.sharing, pilot)


def names(app, group: str) -> list[str]:
    return [i.name for i in app.screen.sharing.groups[group]]


async def member_status(app, name: str) -> str | None:
    for status in ("pending", "accepted", "rejected"):
        found = await app.store.all_images(ImageQuery(visibility="shared", member_status=status))
        if any(i.name == name for i in found):
            return status
    return None


async def test_groups_show_pending_accepted_rejected(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert names(app, "pending") == ["alpine-3.20-virt", "fedora-40-cloud", "windows-server-2022-eval"]
        assert names(app, "accepted") == ["rocky-9-genericcloud"]
        assert names(app, "rejected") == ["freebsd-14.1"]
        # our own share (demo-app-golden, shared by demo) is not a request for us
        assert "demo-app-golden" not in names(app, "pending")


async def test_a_accepts_and_the_cursor_moves_on(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await focus_sharing(app, pilot)
        await pilot.press("a")
        await wait_for(lambda: "alpine-3.20-virt" in names(app, "accepted"), pilot)
        assert await member_status(app, "alpine-3.20-virt") == "accepted"
        assert any("Accepted alpine-3.20-virt" in n for n in notes(app))
        # an accepted share appears in the image list too
        await wait_for(lambda: any(i.name == "alpine-3.20-virt" for i in app.screen.image_list.images), pilot)
        current = app.screen.sharing.current
        assert current is not None and current[1].name == "fedora-40-cloud"


async def test_r_rejects_and_z_sets_back_to_pending(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await focus_sharing(app, pilot)
        await pilot.press("j", "r")  # fedora
        await wait_for(lambda: "fedora-40-cloud" in names(app, "rejected"), pilot)
        assert await member_status(app, "fedora-40-cloud") == "rejected"
        sharing = app.screen.sharing
        row = next(n for n, (_, image) in enumerate(sharing.rows) if image.name == "fedora-40-cloud")
        sharing.cursor = row
        await pilot.press("z")
        await wait_for(lambda: "fedora-40-cloud" in names(app, "pending"), pilot)
        assert await member_status(app, "fedora-40-cloud") == "pending"


async def test_space_marks_several_for_one_answer(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await focus_sharing(app, pilot)
        await pilot.press("space", "space")  # alpine and fedora
        assert len(app.screen.sharing.marked) == 2
        await pilot.press("a")
        await wait_for(lambda: names(app, "pending") == ["windows-server-2022-eval"], pilot)
        assert await member_status(app, "alpine-3.20-virt") == "accepted"
        assert await member_status(app, "fedora-40-cloud") == "accepted"
        assert app.screen.sharing.marked == set()


async def test_read_only_cannot_answer(make_app) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await focus_sharing(app, pilot)
        await pilot.press("a")
        await wait_for(lambda: any("Read-only mode" in n for n in notes(app)), pilot)
        assert await member_status(app, "alpine-3.20-virt") == "pending"


async def test_narrow_terminal_shows_sharing_in_place_of_detail(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert app.screen.detail.display and app.screen.detail.region.height > 0
        await focus_sharing(app, pilot)
        await wait_for(lambda: app.screen.sharing.region.height > 0, pilot)
        assert app.screen.detail.region.height == 0
