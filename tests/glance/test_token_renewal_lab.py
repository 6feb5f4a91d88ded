"""Renewal against the real Keystone + Glance: a user revokes their own token, imagedeck goes on.

Each token revoked here has never reached Glance before, so Glance's token cache cannot still
hold it as valid: the next request is refused with a real 401.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest

from glance_faults import FaultyTransport, chunks_of, random_bytes
from imagedeck.model import AuthFailed
from imagedeck.stores.glance import GlanceStore
from tests.lab.plugin import lab_cloud

pytestmark = pytest.mark.lab


async def revoke_own(lab, token: str) -> None:
    """``DELETE /v3/auth/tokens`` by the token's own user, as ``openstack token revoke`` does."""
    async with httpx.AsyncClient() as client:
        resp = await client.delete(
            f"{lab.keystone_url}/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token}
        )
    assert resp.status_code == 204


async def token_of(store: GlanceStore) -> str:
    assert store._auth is not None
    return (await store._auth.token()).value


async def test_a_revoked_cached_token_is_renewed_transparently_and_the_cache_replaced(
    lab, tmp_path: Path
) -> None:
    first = GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=tmp_path)
    await first.open()
    revoked = await token_of(first)
    await first.close()
    await revoke_own(lab, revoked)

    transport = FaultyTransport()
    store = GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=tmp_path, transport=transport)
    await store.open()
    try:
        assert transport.count("POST", "/v3/auth/tokens") == 0  # the cached token, as yet unrefused
        assert isinstance(await store.all_images(), list)
        renewed = await token_of(store)
    finally:
        await store.close()
    assert renewed != revoked
    assert transport.count("GET", "/v2/images") == 2  # refused once, then sent again
    assert transport.count("POST", "/v3/auth/tokens") == 1
    (path,) = tmp_path.iterdir()
    assert json.loads(path.read_text())["value"] == renewed


async def test_an_upload_refused_while_streaming_is_not_resent_and_its_retry_completes(
    open_store, lab
) -> None:
    data = random_bytes(16 * 1024)  # sent whole before Glance answers, so the 401 is read
    creator = await open_store("lab-alice")
    image = await creator.create_image(
        {"name": "renewal-test", "disk_format": "raw", "container_format": "bare"}
    )
    transport = FaultyTransport()
    uploader = await open_store("lab-alice", transport=transport)
    try:
        await revoke_own(lab, await token_of(uploader))
        with pytest.raises(AuthFailed, match=r"refused while the data was being sent.*retry the transfer"):
            await uploader.upload(image.id, chunks_of(data), len(data))
        assert transport.count("PUT", f"/v2/images/{image.id}/file") == 1
        assert transport.count("POST", "/v3/auth/tokens") == 2  # signed in again already
        assert (await uploader.get_image(image.id)).status == "queued"
        done = await uploader.upload(image.id, chunks_of(data), len(data))
        assert transport.count("PUT", f"/v2/images/{image.id}/file") == 2
        assert transport.count("POST", "/v3/auth/tokens") == 2
        assert done.status == "active" and done.os_hash_value == hashlib.sha512(data).hexdigest()
    finally:
        await creator.delete_image(image.id)
