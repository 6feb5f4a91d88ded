"""Promote, end of life and retire on a real local store: plans first, changes only when applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery_support import add_image
from imagedeck.gallery import apply_plan, build_families, plan_end_of_life, plan_promote, plan_retire
from imagedeck.model import Conflict, ImageQuery, Invalid
from imagedeck.stores.local import LocalStore

PLACE = "local:east"


async def _web(store: LocalStore, count: int) -> list[str]:
    ids = []
    for n in range(1, count + 1):
        image = await add_image(store, f"web-{n}", n, image_family="web", image_build_date=f"2026-0{n}-01")
        ids.append(image.id)
    return ids


async def _hidden(store: LocalStore) -> set[str]:
    return {i.id for i in await store.all_images(ImageQuery(os_hidden=True))}


async def test_promote_shows_the_version_and_hides_the_others(east: LocalStore) -> None:
    one, two, three = await _web(east, 3)
    image = await east.get_image(one)
    plan = await plan_promote(east, PLACE, image)
    assert await _hidden(east) == set()  # a plan changes nothing
    assert await apply_plan(east, plan) == []
    assert await _hidden(east) == {two, three}
    images = await east.all_images(ImageQuery(os_hidden=True)) + await east.all_images()
    [family] = build_families([(PLACE, i) for i in images])
    assert family.latest(PLACE).image.id == one  # type: ignore[union-attr]


async def test_promote_refuses_an_image_that_is_not_active(east: LocalStore) -> None:
    [one] = await _web(east, 1)
    await east.deactivate(one)
    with pytest.raises(Conflict, match="only an active image"):
        await plan_promote(east, PLACE, await east.get_image(one))


async def test_retire_keeps_the_newest_and_only_plans_until_applied(east: LocalStore) -> None:
    one, two, three = await _web(east, 3)
    plan = await plan_retire(east, PLACE, "web", keep=1)
    assert [(s.image_id, s.action) for s in plan.steps] == [
        (three, "keep"),
        (two, "hide (retired)"),
        (one, "hide (retired)"),
    ]
    assert await _hidden(east) == set()
    await apply_plan(east, plan)
    assert await _hidden(east) == {one, two}
    assert {i.id for i in await east.all_images()} == {three}  # nothing deleted or deactivated
    assert all(i.status == "active" for i in await east.all_images(ImageQuery(os_hidden=True)))


async def test_retire_needs_a_version_to_keep_and_a_known_family(east: LocalStore) -> None:
    await _web(east, 1)
    with pytest.raises(Invalid, match="keep at least one"):
        await plan_retire(east, PLACE, "web", keep=0)
    with pytest.raises(Invalid, match="no image of family"):
        await plan_retire(east, PLACE, "nope", keep=1)


async def test_another_projects_version_is_left_alone_and_said_so(tmp_path: Path, east: LocalStore) -> None:
    mine = await add_image(east, "web-2", 2, image_family="web", image_build_date="2026-02-01")
    async with LocalStore(tmp_path / "east", "beta") as beta:
        theirs = await add_image(beta, "web-1", 1, image_family="web", image_build_date="2026-01-01")
        await beta.add_member(theirs.id, "alpha")
    await east.set_member_status(theirs.id, "alpha", "accepted")
    plan = await plan_retire(east, PLACE, "web", keep=1)
    step = next(s for s in plan.steps if s.image_id == theirs.id)
    assert step.skipped and "owned by project beta" in step.skipped
    await apply_plan(east, plan)
    assert await _hidden(east) == set()
    assert {s.image_id for s in plan.changes} == set() and mine.id in {s.image_id for s in plan.steps}


async def test_end_of_life_sets_provided_until(east: LocalStore) -> None:
    [one] = await _web(east, 1)
    with pytest.raises(Invalid, match="YYYY-MM-DD"):
        await plan_end_of_life(east, PLACE, await east.get_image(one), "soon")
    plan = await plan_end_of_life(east, PLACE, await east.get_image(one), "2027-01-31")
    await apply_plan(east, plan)
    assert (await east.get_image(one)).properties["provided_until"] == "2027-01-31"
