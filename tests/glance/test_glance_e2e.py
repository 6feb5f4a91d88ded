"""End to end on the real lab: sharing between projects, imports, credentials, token cache."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from glance_faults import FaultyTransport, chunks_of, random_bytes
from imagedeck.model import Change, Conflict, Forbidden, FormatRejected, ImageQuery
from imagedeck.stores.glance import GlanceStore

pytestmark = pytest.mark.lab


async def wait_for_status(store: GlanceStore, image_id: str, wanted: str, timeout: float = 60):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        image = await store.get_image(image_id)
        if image.status == wanted or loop.time() > deadline:
            return image
        await asyncio.sleep(0.2)


async def wait_for_tasks_to_end(store: GlanceStore, image_id: str, timeout: float = 60) -> list:
    """The image's tasks once none is still running: Glance answers 500 to a delete that
    races the end of its import task (the image is active a moment before the task is done)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        tasks = await store.list_tasks(image_id)
        if all(task["status"] in ("success", "failure") for task in tasks) or loop.time() > deadline:
            return tasks
        await asyncio.sleep(0.2)


async def test_alice_shares_with_beta_and_bob_downloads_byte_exact(lab, open_store) -> None:
    alice = await open_store("lab-alice")
    bob = await open_store("lab-bob")
    beta = lab.project_ids["beta"]
    assert (await bob.whoami()).project_id == beta
    data = random_bytes(2 * 1024 * 1024 + 3)
    image = await alice.create_image(
        {"name": "e2e-share", "disk_format": "raw", "container_format": "bare", "tags": ["e2e"]}
    )
    try:
        uploaded = await alice.upload(image.id, chunks_of(data), len(data))
        assert uploaded.status == "active" and uploaded.size == len(data)
        assert uploaded.os_hash_value == hashlib.sha512(data).hexdigest()
        member = await alice.add_member(image.id, await alice.resolve_project(beta))
        assert (member.member_id, member.status) == (beta, "pending")
        pending = await bob.all_images(ImageQuery(visibility="shared", member_status="pending"))
        assert image.id in {i.id for i in pending}
        assert image.id not in {i.id for i in await bob.all_images()}  # not accepted yet
        with pytest.raises(Forbidden):
            await alice.set_member_status(image.id, beta, "accepted")  # only the member may
        accepted = await bob.set_member_status(image.id, beta, "accepted")
        assert accepted.status == "accepted"
        assert image.id in {i.id for i in await bob.all_images()}
        async with bob.download(image.id) as download:
            received = b"".join([c async for c in download.chunks])
        assert received == data
        assert hashlib.sha512(received).hexdigest() == download.os_hash_value
        with pytest.raises(Forbidden):
            await bob.delete_image(image.id)
    finally:
        await alice.delete_image(image.id)


async def test_application_credential_acts_in_alices_project(lab, open_store) -> None:
    appcred = await open_store("lab-alice-appcred")
    me = await appcred.whoami()
    assert (me.project_id, me.user_name) == (lab.project_ids["alpha"], "alice")
    assert not me.is_admin
    assert (await (await open_store("lab-admin")).whoami()).is_admin


async def test_token_cache_lets_a_second_store_skip_keystone(open_store, tmp_path: Path) -> None:
    first = FaultyTransport()
    await (await open_store("lab-bob", transport=first, token_cache=tmp_path)).whoami()
    second = FaultyTransport()
    again = await open_store("lab-bob", transport=second, token_cache=tmp_path)
    assert (await again.whoami()).project_name == "beta"
    await again.all_images(ImageQuery(name="no-such-image-anywhere"))
    assert first.count("POST", "/v3/auth/tokens") == 1
    assert second.count("POST", "/v3/auth/tokens") == 0
    cached = list(tmp_path.iterdir())
    assert len(cached) == 1 and oct(cached[0].stat().st_mode & 0o777) == "0o600"


async def test_glance_direct_import_and_tasks(open_store) -> None:
    alice = await open_store("lab-alice")
    data = random_bytes(300_000)
    image = await alice.create_image({"name": "e2e-stage", "disk_format": "raw", "container_format": "bare"})
    try:
        await alice.stage(image.id, chunks_of(data), len(data))
        await alice.import_image(image.id, "glance-direct")
        done = await wait_for_status(alice, image.id, "active")
        assert done.status == "active" and done.checksum == hashlib.md5(data).hexdigest()
        tasks = await wait_for_tasks_to_end(alice, image.id)
        assert tasks and tasks[0]["type"] == "api_image_import"
        with pytest.raises(Conflict):
            await alice.import_image(image.id, "glance-direct")
    finally:
        await alice.delete_image(image.id)


async def test_web_download_import(lab, open_store, tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    data = random_bytes(200_000)
    (tmp_path / "disk.raw").write_bytes(data)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    alice = await open_store("lab-alice")
    image = await alice.create_image({"name": "e2e-web", "disk_format": "raw", "container_format": "bare"})
    try:
        assert "web-download" in (await alice.schema()).import_methods
        url = f"http://127.0.0.1:{server.server_address[1]}/disk.raw"
        await alice.import_image(image.id, "web-download", uri=url)
        done = await wait_for_status(alice, image.id, "active")
        assert done.status == "active" and done.size == len(data)
    finally:
        server.shutdown()
        server.server_close()
        await alice.delete_image(image.id)


async def test_glance_errors_keep_glances_words(open_store) -> None:
    alice = await open_store("lab-alice")
    image = await alice.create_image(
        {"name": "e2e-errors", "disk_format": "qcow2", "container_format": "bare"}
    )
    try:
        with pytest.raises(FormatRejected, match="e2e-errors|format|qcow2|Image"):
            await alice.upload(image.id, chunks_of(random_bytes(70_000)), 70_000)
        with pytest.raises(Conflict, match="not found|Property"):
            await alice.update_image(image.id, [Change.remove("no_such_property")])
        with pytest.raises(Forbidden, match="public"):
            await alice.update_image(image.id, [Change.replace("visibility", "public")])
    finally:
        await alice.delete_image(image.id)
