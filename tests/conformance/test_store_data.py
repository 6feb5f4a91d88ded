"""Image data: upload and download, the status lifecycle, deactivation."""

from __future__ import annotations

import os

import pytest

from conformance_kit import (
    FORMATS,
    Images,
    StreamBroke,
    broken_stream,
    md5,
    read_all,
    sha512,
    stream,
)
from imagedeck.model import Conflict, Forbidden, ImageDeckError, Invalid, NotFound
from imagedeck.stores.base import ImageStore

#: Big enough for several read/write chunks, small enough to keep the suite fast.
DATA = os.urandom(3 * 1024 * 1024 + 12345)


async def test_upload_then_download_round_trip(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, **FORMATS)
    uploaded = await alpha.upload(image.id, stream(DATA), len(DATA))
    assert uploaded.status == "active"
    assert uploaded.size == len(DATA)
    assert uploaded.checksum == md5(DATA)
    assert uploaded.os_hash_algo == "sha512"
    assert uploaded.os_hash_value == sha512(DATA)
    assert (await alpha.get_image(image.id)).checksum == md5(DATA)

    async with alpha.download(image.id) as download:
        assert download.offset == 0
        assert download.size == len(DATA)
        assert download.checksum == md5(DATA)
        assert download.os_hash_value == sha512(DATA)
        received = b"".join([chunk async for chunk in download.chunks])
    assert received == DATA


async def test_upload_without_a_declared_size(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, **FORMATS)
    uploaded = await alpha.upload(image.id, stream(b"small image"))
    assert uploaded.size == len(b"small image")
    assert (await read_all(alpha, image.id))[1] == b"small image"


async def test_download_from_an_offset(alpha: ImageStore, images: Images) -> None:
    image = await images.create_with_data(alpha, DATA)
    offset = 2 * 1024 * 1024 + 7
    start, received = await read_all(alpha, image.id, offset)
    # A store that cannot seek sends everything again and says so with offset 0.
    assert received == DATA[start:]
    assert start in (0, offset)


async def test_download_offset_beyond_the_end_is_invalid(alpha: ImageStore, images: Images) -> None:
    image = await images.create_with_data(alpha, b"0123456789")
    with pytest.raises(Invalid):
        await read_all(alpha, image.id, 50)


async def test_a_queued_image_has_no_data(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, **FORMATS)
    with pytest.raises(NotFound):
        await read_all(alpha, image.id)


async def test_upload_needs_disk_and_container_format(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    with pytest.raises(Invalid):
        await alpha.upload(image.id, stream(b"data"), 4)
    assert (await alpha.get_image(image.id)).status == "queued"


async def test_second_upload_conflicts(alpha: ImageStore, images: Images) -> None:
    image = await images.create_with_data(alpha, b"first data")
    with pytest.raises(Conflict):
        await alpha.upload(image.id, stream(b"second data"), 11)
    assert (await read_all(alpha, image.id))[1] == b"first data"


async def test_failed_upload_returns_to_queued_and_can_be_retried(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, **FORMATS)
    with pytest.raises((StreamBroke, ImageDeckError)):
        await alpha.upload(image.id, broken_stream(DATA, fail_after=1024 * 1024), len(DATA))
    again = await alpha.get_image(image.id)
    assert again.status == "queued"
    assert again.checksum is None
    uploaded = await alpha.upload(image.id, stream(DATA), len(DATA))
    assert uploaded.status == "active" and uploaded.checksum == md5(DATA)
    assert (await read_all(alpha, image.id))[1] == DATA


@pytest.mark.parametrize("declared", [len(DATA) + 1, len(DATA) - 1], ids=["short", "long"])
async def test_size_mismatch_is_invalid(alpha: ImageStore, images: Images, declared: int) -> None:
    image = await images.create(alpha, **FORMATS)
    with pytest.raises(Invalid):
        await alpha.upload(image.id, stream(DATA), declared)
    assert (await alpha.get_image(image.id)).status == "queued"


async def test_only_the_owner_uploads(alpha: ImageStore, beta: ImageStore, images: Images, backend) -> None:
    image = await images.create(alpha, **FORMATS)
    await alpha.add_member(image.id, backend.project_id("beta"))
    await beta.set_member_status(image.id, backend.project_id("beta"), "accepted")
    with pytest.raises(Forbidden):
        await beta.upload(image.id, stream(b"not yours"), 9)
    assert (await alpha.get_image(image.id)).status == "queued"


async def test_deactivate_and_reactivate(alpha: ImageStore, admin: ImageStore, images: Images) -> None:
    image = await images.create_with_data(alpha, b"deactivate me")
    await alpha.deactivate(image.id)
    assert (await alpha.get_image(image.id)).status == "deactivated"
    await alpha.deactivate(image.id)  # already deactivated: nothing to do
    with pytest.raises(Forbidden):
        await read_all(alpha, image.id)
    assert (await read_all(admin, image.id))[1] == b"deactivate me"
    await alpha.reactivate(image.id)
    assert (await alpha.get_image(image.id)).status == "active"
    assert (await read_all(alpha, image.id))[1] == b"deactivate me"


async def test_a_queued_image_cannot_be_deactivated(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, **FORMATS)
    with pytest.raises(Forbidden):
        await alpha.deactivate(image.id)
    assert (await alpha.get_image(image.id)).status == "queued"


async def test_only_the_owner_deactivates(
    alpha: ImageStore, beta: ImageStore, images: Images, backend
) -> None:
    image = await images.create_with_data(alpha, b"shared data")
    await alpha.add_member(image.id, backend.project_id("beta"))
    await beta.set_member_status(image.id, backend.project_id("beta"), "accepted")
    assert (await read_all(beta, image.id))[1] == b"shared data"
    with pytest.raises(Forbidden):
        await beta.deactivate(image.id)
    await alpha.deactivate(image.id)
    with pytest.raises(Forbidden):
        await beta.reactivate(image.id)
    with pytest.raises(Forbidden):
        await read_all(beta, image.id)
