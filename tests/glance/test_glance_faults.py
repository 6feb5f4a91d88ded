"""Faults between imagedeck and a real Glance: each ends in a typed error or a recovery."""

from __future__ import annotations

import hashlib
import socket
import time

import httpx
import pytest

from glance_faults import FaultyTransport, chunks_of, random_bytes, respond
from imagedeck.model import AuthFailed, Unavailable
from imagedeck.stores.glance import GlanceStore
from tests.lab.plugin import lab_cloud

pytestmark = pytest.mark.lab

SIZE = 3 * 1024 * 1024 + 17


async def make_image(store: GlanceStore, data: bytes) -> str:
    image = await store.create_image({"name": "fault-test", "disk_format": "raw", "container_format": "bare"})
    await store.upload(image.id, chunks_of(data), len(data))
    return image.id


async def test_dropped_download_says_where_to_resume_and_resume_is_exact(open_store) -> None:
    data = random_bytes(SIZE)
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    image_id = await make_image(alice, data)
    try:
        transport.drop_after[("GET", f"/v2/images/{image_id}/file")] = 1024 * 1024 + 5
        received = bytearray()
        with pytest.raises(Unavailable, match=r"dropped after \d+ bytes") as dropped:
            async with alice.download(image_id) as download:
                async for chunk in download.chunks:
                    received += chunk
        # The message names exactly the bytes the caller received: where to resume.
        assert f"resume from offset {len(received)}" in str(dropped.value)
        assert 0 < len(received) <= 1024 * 1024 + 5
        assert bytes(received) == data[: len(received)]
        transport.drop_after.clear()
        async with alice.download(image_id, offset=len(received)) as download:
            assert download.offset == len(received)  # the filesystem store honours Range
            rest = b"".join([c async for c in download.chunks])
        whole = bytes(received) + rest
        assert hashlib.sha512(whole).hexdigest() == download.os_hash_value
    finally:
        await alice.delete_image(image_id)


async def test_a_store_that_cannot_seek_sends_everything_again(open_store) -> None:
    data = random_bytes(100_000)
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    image_id = await make_image(alice, data)
    try:

        def no_ranges(request: httpx.Request, attempt: int) -> httpx.Response | None:
            if "range" in request.headers:  # what rbd/swift/s3-backed Glance answers
                return respond(400, b'{"message": "Range requests are not supported"}')
            return None

        transport.on("GET", f"/v2/images/{image_id}/file", no_ranges)
        async with alice.download(image_id, offset=5000) as download:
            assert download.offset == 0
            assert b"".join([c async for c in download.chunks]) == data
    finally:
        await alice.delete_image(image_id)


async def test_503_then_success_is_retried_for_reads_only(open_store) -> None:
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    busy = b'{"message": "Service Unavailable"}'
    transport.on("GET", "/v2/schemas/image", lambda req, n: respond(503, busy) if n <= 2 else None)
    schema = await alice.schema()
    assert "qcow2" in schema.disk_formats
    assert transport.count("GET", "/v2/schemas/image") == 3
    transport.on("POST", "/v2/images", lambda req, n: respond(503, busy))
    with pytest.raises(Unavailable, match="create an image.*503.*Service Unavailable"):
        await alice.create_image({"name": "never"})
    assert transport.count("POST", "/v2/images") == 1  # writes are never repeated blindly


async def test_dropped_connection_on_a_read_is_retried(open_store) -> None:
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)

    def drop_first(request: httpx.Request, attempt: int) -> None:
        if attempt == 1:
            raise httpx.ConnectError("connection reset by peer")

    transport.on("GET", "/v2/info/import", drop_first)
    assert "glance-direct" in await alice.import_methods()
    assert transport.count("GET", "/v2/info/import") == 2


async def test_invalid_json_is_unavailable_not_a_traceback(open_store) -> None:
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    transport.on("GET", "/v2/images", lambda req, n: respond(200, b"<html>proxy login</html>"))
    with pytest.raises(Unavailable, match="not JSON"):
        await alice.all_images()


async def test_a_silent_server_times_out_with_a_clear_message(lab) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    cloud = lab_cloud(lab, "lab-alice")
    cloud.image_endpoint_override = f"http://127.0.0.1:{silent.getsockname()[1]}"
    store = GlanceStore(cloud, token_cache=False, timeout=httpx.Timeout(0.5))
    try:
        await store.open()
        started = time.monotonic()
        with pytest.raises(Unavailable, match="timed out"):
            await store.get_image("00000000-0000-0000-0000-000000000000")
        assert time.monotonic() - started < 10
    finally:
        await store.close()
        silent.close()


async def test_a_revoked_token_is_renewed_once_transparently(lab, open_store) -> None:
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    first = (await alice._auth.token()).value
    admin = await open_store("lab-admin")
    admin_token = (await admin._auth.token()).value
    async with httpx.AsyncClient() as client:  # revoke before Glance has seen (and cached) it
        resp = await client.delete(
            f"{lab.keystone_url}/auth/tokens", headers={"X-Auth-Token": admin_token, "X-Subject-Token": first}
        )
        assert resp.status_code == 204
    images = await alice.all_images()
    assert isinstance(images, list)
    assert (await alice._auth.token()).value != first
    assert transport.count("POST", "/v3/auth/tokens") == 2


async def test_an_expiring_token_is_renewed_before_use(open_store) -> None:
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    token = await alice._auth.token()
    token.expires_at = token.expires_at.replace(year=2000)
    await alice.whoami()
    assert transport.count("POST", "/v3/auth/tokens") == 2


async def test_401_after_renewal_is_auth_failed(open_store) -> None:
    transport = FaultyTransport()
    alice = await open_store("lab-alice", transport=transport)
    transport.on(
        "GET",
        "/v2/images",
        lambda req, n: respond(401, b'{"message": "The request you have made requires authentication."}'),
    )
    with pytest.raises(AuthFailed, match="requires authentication"):
        await alice.all_images()
    assert transport.count("GET", "/v2/images") == 2


async def test_wrong_password_is_auth_failed(lab) -> None:
    cloud = lab_cloud(lab, "lab-bob")
    cloud.auth["password"] = "wrong"
    store = GlanceStore(cloud, token_cache=False)
    with pytest.raises(AuthFailed, match="lab-bob.*refused"):
        await store.open()
    await store.close()


async def test_unreachable_keystone_is_unavailable(lab) -> None:
    cloud = lab_cloud(lab, "lab-alice")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        cloud.auth_url = f"http://127.0.0.1:{probe.getsockname()[1]}/v3"
    store = GlanceStore(cloud, token_cache=False)
    with pytest.raises(Unavailable, match="cannot reach Keystone"):
        await store.open()
    await store.close()
