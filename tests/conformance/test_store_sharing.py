"""Visibility and sharing, seen from the owner's, the consumer's and the admin's side."""

from __future__ import annotations

import pytest

from conformance_kit import Images, listed_ids, read_all
from imagedeck.model import Change, Conflict, Forbidden, Invalid, NotFound
from imagedeck.stores.base import ImageStore


async def test_private_images_stay_with_their_owner(
    alpha: ImageStore, beta: ImageStore, images: Images, backend
) -> None:
    image = await images.create_with_data(alpha, b"private data", visibility="private")
    assert image.id in await listed_ids(alpha, images.query())
    with pytest.raises(NotFound):
        await beta.get_image(image.id)
    with pytest.raises(NotFound):
        await beta.update_image(image.id, [Change.replace("name", "seen")])
    with pytest.raises(NotFound):
        await beta.delete_image(image.id)
    with pytest.raises(NotFound):
        await read_all(beta, image.id)
    with pytest.raises(NotFound):
        await beta.list_members(image.id)
    assert image.id not in await listed_ids(beta, images.query(visibility="all"))
    with pytest.raises(Forbidden):
        await alpha.add_member(image.id, backend.project_id("beta"))
    with pytest.raises(Forbidden):
        await alpha.list_members(image.id)


async def test_admin_sees_every_image(alpha: ImageStore, admin: ImageStore, images: Images) -> None:
    image = await images.create(alpha, visibility="private")
    assert (await admin.get_image(image.id)).visibility == "private"
    assert image.id in await listed_ids(admin, images.query())


async def test_public_images_are_listed_for_everyone(
    alpha: ImageStore, beta: ImageStore, admin: ImageStore, images: Images
) -> None:
    image = await images.create(admin, visibility="public")
    for store in (alpha, beta):
        assert image.id in await listed_ids(store, images.query())
        assert image.id in await listed_ids(store, images.query(visibility="public"))
        assert (await store.get_image(image.id)).visibility == "public"


async def test_community_images_are_found_only_when_asked_for(
    alpha: ImageStore, beta: ImageStore, images: Images
) -> None:
    image = await images.create(alpha, visibility="community")
    assert image.id in await listed_ids(alpha, images.query())  # the owner's own list
    assert image.id not in await listed_ids(beta, images.query())
    assert image.id in await listed_ids(beta, images.query(visibility="community"))
    assert image.id in await listed_ids(beta, images.query(visibility="all"))
    assert (await beta.get_image(image.id)).visibility == "community"


async def test_sharing_seen_from_both_projects(
    alpha: ImageStore, beta: ImageStore, images: Images, backend
) -> None:
    beta_id = backend.project_id("beta")
    image = await images.create(alpha)
    pending_query = images.query(visibility="shared", member_status="pending")
    assert image.id not in await listed_ids(beta, pending_query)
    with pytest.raises(NotFound):
        await beta.get_image(image.id)

    member = await alpha.add_member(image.id, beta_id)
    assert (member.image_id, member.member_id, member.status) == (image.id, beta_id, "pending")

    # Pending: findable on request and readable by id, but not in beta's default list.
    assert image.id in await listed_ids(beta, pending_query)
    assert image.id not in await listed_ids(beta, images.query())
    assert (await beta.get_image(image.id)).id == image.id
    owners_view = await alpha.list_members(image.id)
    assert [(m.member_id, m.status) for m in owners_view] == [(beta_id, "pending")]

    accepted = await beta.set_member_status(image.id, beta_id, "accepted")
    assert accepted.status == "accepted"
    assert image.id in await listed_ids(beta, images.query())
    assert image.id in await listed_ids(beta, images.query(visibility="shared"))
    assert image.id not in await listed_ids(beta, pending_query)
    assert [(m.member_id, m.status) for m in await alpha.list_members(image.id)] == [(beta_id, "accepted")]
    assert [m.member_id for m in await beta.list_members(image.id)] == [beta_id]

    await beta.set_member_status(image.id, beta_id, "rejected")
    assert image.id not in await listed_ids(beta, images.query())
    rejected_query = images.query(visibility="shared", member_status="rejected")
    assert image.id in await listed_ids(beta, rejected_query)
    assert image.id in await listed_ids(beta, images.query(member_status="all"))
    assert (await beta.get_image(image.id)).id == image.id

    await beta.set_member_status(image.id, beta_id, "pending")
    assert image.id in await listed_ids(beta, pending_query)
    assert image.id not in await listed_ids(beta, images.query())


async def test_only_the_member_answers_a_share(
    alpha: ImageStore, beta: ImageStore, images: Images, backend
) -> None:
    beta_id = backend.project_id("beta")
    image = await images.create(alpha)
    await alpha.add_member(image.id, beta_id)
    with pytest.raises(Forbidden):
        await alpha.set_member_status(image.id, beta_id, "accepted")
    with pytest.raises(Invalid):
        await beta.set_member_status(image.id, beta_id, "maybe")
    assert [m.status for m in await alpha.list_members(image.id)] == ["pending"]


async def test_only_the_owner_shares_and_unshares(
    alpha: ImageStore, beta: ImageStore, admin: ImageStore, images: Images, backend
) -> None:
    beta_id = backend.project_id("beta")
    image = await images.create(alpha)
    await alpha.add_member(image.id, beta_id)
    await beta.set_member_status(image.id, beta_id, "accepted")
    with pytest.raises(Forbidden):
        await beta.add_member(image.id, backend.project_id("admin"))
    with pytest.raises(Forbidden):
        await beta.remove_member(image.id, beta_id)
    assert [m.member_id for m in await alpha.list_members(image.id)] == [beta_id]


async def test_duplicate_member_conflicts(alpha: ImageStore, images: Images, backend) -> None:
    image = await images.create(alpha)
    await alpha.add_member(image.id, backend.project_id("beta"))
    with pytest.raises(Conflict):
        await alpha.add_member(image.id, backend.project_id("beta"))


async def test_removing_a_member_ends_the_share(
    alpha: ImageStore, beta: ImageStore, images: Images, backend
) -> None:
    beta_id = backend.project_id("beta")
    image = await images.create(alpha)
    await alpha.add_member(image.id, beta_id)
    await beta.set_member_status(image.id, beta_id, "accepted")
    await alpha.remove_member(image.id, beta_id)
    assert await alpha.list_members(image.id) == []
    with pytest.raises(NotFound):
        await beta.get_image(image.id)
    assert image.id not in await listed_ids(beta, images.query(member_status="all"))
    with pytest.raises(NotFound):
        await alpha.remove_member(image.id, beta_id)


async def test_making_an_image_private_hides_it_from_members(
    alpha: ImageStore, beta: ImageStore, images: Images, backend
) -> None:
    beta_id = backend.project_id("beta")
    image = await images.create(alpha)
    await alpha.add_member(image.id, beta_id)
    await beta.set_member_status(image.id, beta_id, "accepted")
    await alpha.update_image(image.id, [Change.replace("visibility", "private")])
    with pytest.raises(NotFound):
        await beta.get_image(image.id)
    assert image.id not in await listed_ids(beta, images.query(visibility="all"))
