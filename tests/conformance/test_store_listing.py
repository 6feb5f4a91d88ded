"""Listing: every filter, every sort key, and limit + marker pagination."""

from __future__ import annotations

import pytest

from conformance_kit import FORMATS, Images, listed, listed_ids, stream
from imagedeck.model import Change, Image, ImageQuery, Invalid, SortKey, TimeFilter
from imagedeck.stores.base import ImageStore


async def _pages(store: ImageStore, query: ImageQuery, page_size: int) -> list[list[Image]]:
    return [page async for page in store.list_images(query, page_size=page_size)]


@pytest.mark.parametrize("direction", ["asc", "desc"])
async def test_pages_cover_everything_once_in_order(
    alpha: ImageStore, images: Images, direction: str
) -> None:
    made = [await images.create(alpha) for _ in range(7)]
    query = images.query(sort=(SortKey("name", direction),))
    pages = await _pages(alpha, query, page_size=3)
    assert all(len(page) <= 3 for page in pages)
    assert [len(page) for page in pages if page][:2] == [3, 3]
    names = [image.name for page in pages for image in page]
    expected = sorted((image.name for image in made), reverse=direction == "desc")
    assert names == expected
    assert len({image.id for page in pages for image in page}) == 7


async def test_default_order_is_newest_first(alpha: ImageStore, images: Images) -> None:
    made = [await images.create(alpha) for _ in range(4)]
    listed_images = await listed(alpha, images.query(), page_size=2)
    assert {image.id for image in listed_images} == {image.id for image in made}
    stamps = [image.created_at for image in listed_images]
    assert stamps == sorted(stamps, reverse=True)


async def test_filter_by_name_status_and_formats(alpha: ImageStore, images: Images) -> None:
    qcow = await images.create(alpha, disk_format="qcow2", container_format="bare")
    raw = await images.create_with_data(alpha, b"raw data")
    iso = await images.create(alpha, disk_format="iso", container_format="ovf")
    assert await listed_ids(alpha, images.query(name=qcow.name)) == {qcow.id}
    assert await listed_ids(alpha, images.query(status=("active",))) == {raw.id}
    assert await listed_ids(alpha, images.query(status=("queued", "active"))) == {qcow.id, raw.id, iso.id}
    assert await listed_ids(alpha, images.query(disk_format=("qcow2",))) == {qcow.id}
    assert await listed_ids(alpha, images.query(disk_format=("qcow2", "iso"))) == {qcow.id, iso.id}
    assert await listed_ids(alpha, images.query(container_format=("ovf",))) == {iso.id}
    assert await listed_ids(alpha, images.query(container_format=("bare", "ovf"))) == {
        qcow.id,
        raw.id,
        iso.id,
    }


async def test_filter_by_owner(alpha: ImageStore, admin: ImageStore, images: Images, backend) -> None:
    own = await images.create(alpha)
    public = await images.create(admin, visibility="public")
    assert await listed_ids(alpha, images.query()) == {own.id, public.id}
    assert await listed_ids(alpha, images.query(owner=backend.project_id("alpha"))) == {own.id}
    assert await listed_ids(alpha, images.query(owner=backend.project_id("admin"))) == {public.id}


async def test_filter_by_visibility(alpha: ImageStore, images: Images) -> None:
    shared = await images.create(alpha)
    private = await images.create(alpha, visibility="private")
    community = await images.create(alpha, visibility="community")
    assert await listed_ids(alpha, images.query(visibility="shared")) == {shared.id}
    assert await listed_ids(alpha, images.query(visibility="private")) == {private.id}
    assert await listed_ids(alpha, images.query(visibility="community")) == {community.id}
    assert await listed_ids(alpha, images.query(visibility="all")) == {shared.id, private.id, community.id}


async def test_tags_must_all_match(alpha: ImageStore, images: Images) -> None:
    both = await images.create(alpha, tags=["red", "round"])
    red = await images.create(alpha, tags=["red"])
    await images.create(alpha, tags=["round"])
    assert await listed_ids(alpha, images.query(tags=("red",))) == {both.id, red.id}
    assert await listed_ids(alpha, images.query(tags=("red", "round"))) == {both.id}
    assert await listed_ids(alpha, images.query(tags=("blue",))) == set()


async def test_filter_by_size(alpha: ImageStore, images: Images) -> None:
    small = await images.create_with_data(alpha, b"s" * 10)
    medium = await images.create_with_data(alpha, b"m" * 100)
    large = await images.create_with_data(alpha, b"l" * 1000)
    await images.create(alpha)  # no data, no size: never matches a size filter
    assert await listed_ids(alpha, images.query(size_min=100)) == {medium.id, large.id}
    assert await listed_ids(alpha, images.query(size_max=100)) == {small.id, medium.id}
    assert await listed_ids(alpha, images.query(size_min=11, size_max=999)) == {medium.id}


async def test_filter_by_protected_and_hidden(alpha: ImageStore, images: Images) -> None:
    plain = await images.create(alpha)
    protected = await images.create(alpha, protected=True)
    hidden = await images.create(alpha, os_hidden=True)
    assert await listed_ids(alpha, images.query()) == {plain.id, protected.id}
    assert await listed_ids(alpha, images.query(protected=True)) == {protected.id}
    assert await listed_ids(alpha, images.query(protected=False)) == {plain.id}
    assert await listed_ids(alpha, images.query(os_hidden=True)) == {hidden.id}
    assert await listed_ids(alpha, images.query(os_hidden=False)) == {plain.id, protected.id}


async def test_filter_by_property(alpha: ImageStore, images: Images) -> None:
    debian = await images.create(alpha, os_distro="debian", architecture="x86_64")
    await images.create(alpha, os_distro="fedora", architecture="x86_64")
    query = images.query(properties=(("os_distro", "debian"),))
    assert await listed_ids(alpha, query) == {debian.id}
    query = images.query(properties=(("os_distro", "debian"), ("architecture", "aarch64")))
    assert await listed_ids(alpha, query) == set()


async def test_filter_by_created_and_updated_time(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    mine = {image.id}
    past, future = "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"
    cases = {
        TimeFilter("gt", past): mine,
        TimeFilter("gte", image.created_at): mine,
        TimeFilter("lt", future): mine,
        TimeFilter("lte", past): set(),
        TimeFilter("lt", image.created_at): set(),
        TimeFilter("eq", past): set(),
        TimeFilter("neq", past): mine,
        TimeFilter("gt", future): set(),
    }
    for time_filter, expected in cases.items():
        for field in ("created_at", "updated_at"):
            found = await listed_ids(alpha, images.query(**{field: time_filter}))
            assert found == expected, (field, time_filter)
    updated = await alpha.update_image(image.id, [Change.add("touched", "yes")])
    query = images.query(updated_at=TimeFilter("gte", updated.updated_at))
    assert await listed_ids(alpha, query) == mine


async def test_bad_time_filter_is_invalid(alpha: ImageStore, images: Images) -> None:
    with pytest.raises(Invalid):
        await listed(alpha, images.query(created_at=TimeFilter("gt", "yesterday")))


@pytest.mark.parametrize("field,value", [("visibility", "everyone"), ("member_status", "maybe")])
async def test_bad_listing_filters_are_invalid(
    alpha: ImageStore, images: Images, field: str, value: str
) -> None:
    with pytest.raises(Invalid):
        await listed(alpha, images.query(**{field: value}))


def _sort_value(image: Image, key: str):
    return image.get(key)


@pytest.mark.parametrize("key", ["name", "status", "size", "disk_format", "created_at", "updated_at"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
async def test_every_sort_key(alpha: ImageStore, images: Images, key: str, direction: str) -> None:
    # Distinct names; three formats; two statuses; two sizes (only raw carries data, so
    # a real Glance's format inspector accepts it); updates in a known order.
    specs = [("qcow2", 0), ("raw", 20), ("iso", 0), ("raw", 10)]
    if key == "size":  # Glance cannot page a size sort past an image without a size
        specs = [("raw", 30), ("raw", 20), ("raw", 5), ("raw", 10)]
    made = []
    for disk_format, size in specs:
        image = await images.create(alpha, disk_format=disk_format, container_format="bare")
        if size:
            image = await alpha.upload(image.id, stream(b"x" * size), size)
        made.append(image)
    for image in reversed(made):
        await alpha.update_image(image.id, [Change.add("order", "touched")])
    listed_images = await listed(alpha, images.query(sort=(SortKey(key, direction),)), page_size=2)
    assert {image.id for image in listed_images} == {image.id for image in made}
    values = [_sort_value(image, key) for image in listed_images]
    assert values == sorted(values, reverse=direction == "desc")


async def test_sort_by_two_keys(alpha: ImageStore, images: Images) -> None:
    made = []
    for disk_format in ["raw", "qcow2", "raw", "qcow2"]:
        made.append(await images.create(alpha, disk_format=disk_format, container_format="bare"))
    query = images.query(sort=(SortKey("disk_format", "asc"), SortKey("name", "desc")))
    listed_images = await listed(alpha, query, page_size=3)
    expected = sorted(made, key=lambda image: image.name, reverse=True)
    expected.sort(key=lambda image: image.disk_format)
    assert [image.id for image in listed_images] == [image.id for image in expected]


async def test_an_empty_listing_ends(alpha: ImageStore, images: Images) -> None:
    pages = await _pages(alpha, images.query(), page_size=5)
    assert all(page == [] for page in pages)


async def test_ties_follow_glances_tiebreak(alpha: ImageStore, images: Images) -> None:
    """Equal sort values fall back to created_at (then id): in the single key's direction,
    or newest first when several keys were given."""
    made = [await images.create(alpha, **FORMATS) for _ in range(3)]
    created = [image.id for image in made]
    one_up = images.query(sort=(SortKey("status", "asc"),))
    one_down = images.query(sort=(SortKey("status", "desc"),))
    two_up = images.query(sort=(SortKey("status", "asc"), SortKey("disk_format", "asc")))
    assert [image.id for image in await listed(alpha, one_up, page_size=2)] == created
    assert [image.id for image in await listed(alpha, one_down, page_size=2)] == created[::-1]
    assert [image.id for image in await listed(alpha, two_up, page_size=2)] == created[::-1]
