"""On the real Glance: what the log records is the request Glance accepted, and undo puts the image back."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from imagedeck.history import ActionLog, RecordingStore, UndoRefused, apply_undo, last_undoable, plan_undo
from imagedeck.model import Change
from imagedeck.stores.glance import GlanceStore
from tests.lab.plugin import lab_cloud


class Capture(httpx.AsyncBaseTransport):
    """Passes every request on and keeps the image API's writes Glance answered with success."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.accepted: list[tuple[str, str, object]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" and "/v2/images" in request.url.path and response.status_code < 300:
            body = json.loads(request.content) if request.content else None
            self.accepted.append((request.method, request.url.raw_path.decode(), body))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def alice(lab, lab_token_dir: Path, tmp_path: Path):
    capture = Capture()
    inner = GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=lab_token_dir, transport=capture)
    store = RecordingStore(inner, ActionLog(tmp_path / "actions.jsonl"), session="lab")
    await store.open()
    image = await inner.create_image(
        {
            "name": "history 'it';\nx",
            "disk_format": "raw",
            "container_format": "bare",
            "visibility": "private",
            "hw_disk_bus": "virtio",
        }
    )
    capture.accepted.clear()
    try:
        yield store, capture, image.id
    finally:
        await inner.delete_image(image.id)
        await store.close()


async def test_recorded_requests_are_what_glance_accepted_and_undo_restores(lab, alice) -> None:
    store, capture, image_id = alice
    beta = lab.project_ids["beta"]
    await store.update_image(
        image_id, [Change.add("hw_disk_bus", "scsi"), Change.replace("visibility", "shared")]
    )
    await store.add_member(image_id, beta)

    entries = store.log.read().entries
    assert [e.action for e in entries] == ["update", "add_member"]
    for entry, (method, path, body) in zip(entries, capture.accepted, strict=True):
        assert (entry.request.method, entry.request.body) == (method, body)
        assert path.endswith(entry.request.path)
    assert entries[0].command == f"openstack image set --property hw_disk_bus=scsi --shared {image_id}"
    assert entries[1].command == f"openstack image add project {image_id} {beta}"
    assert entries[0].place.region == "RegionOne" and entries[0].place.project_name == "alpha"

    place = await store.place()
    member_undo = await plan_undo(store, last_undoable(entries, place))
    assert member_undo.preview() == f"stops sharing the image with {beta} (now pending)"
    await apply_undo(store, member_undo)
    assert await store.list_members(image_id) == []

    entries = store.log.read().entries
    update = last_undoable(entries, place)
    assert update is not None and update.action == "update"
    plan = await plan_undo(store, update, entries=entries)
    assert (
        plan.preview() == "restores hw_disk_bus=virtio (now scsi), makes the image private again (now shared)"
    )
    await apply_undo(store, plan)
    image = await store.get_image(image_id)
    assert (image.properties["hw_disk_bus"], image.visibility) == ("virtio", "private")

    entries = store.log.read().entries
    assert [e.undo_of for e in entries[-2:]] == [entries[1].id, entries[0].id]
    for entry, (method, path, body) in zip(entries[-2:], capture.accepted[-2:], strict=True):
        assert (entry.request.method, entry.request.body) == (method, body) and path.endswith(
            entry.request.path
        )


async def test_changed_since_is_refused_and_a_tag_comes_off_again(alice) -> None:
    store, _capture, image_id = alice
    await store.update_image(image_id, [Change.replace("hw_disk_bus", "scsi")])
    await store.inner.update_image(image_id, [Change.replace("hw_disk_bus", "ide")])  # someone else
    entries = store.log.read().entries
    with pytest.raises(UndoRefused, match="hw_disk_bus is now ide, not scsi"):
        await plan_undo(store, entries[-1], entries=entries)

    await store.add_tag(image_id, "golden")
    entries = store.log.read().entries
    plan = await plan_undo(store, entries[-1], entries=entries)
    assert plan.preview() == "restores tags (none) (now golden)"
    await apply_undo(store, plan)
    assert (await store.get_image(image_id)).tags == []
