"""An upload to a real Glance through the service: the service reads the same clouds.yaml."""

from __future__ import annotations

from pathlib import Path

from imagedeck.service.client import ServiceClient
from imagedeck.service.spec import Place
from imagedeck.stores.glance import GlanceStore
from imagedeck.transfers import TransferState
from service_support import MIB, random_file, upload_spec
from tests.lab.plugin import lab_cloud


async def test_an_upload_to_glance_through_the_service(
    lab, lab_token_dir: Path, client: ServiceClient, tmp_path: Path
) -> None:
    source = random_file(tmp_path / "disk.raw", MIB)
    place = Place(cloud="lab-alice", clouds_yaml=str(lab.clouds_yaml), token_cache=lab_token_dir)
    job_id = await client.submit(upload_spec(place, source, "via-service"))
    async for progress in client.watch([job_id]):
        if progress.finished:
            break
    assert progress.state == TransferState.DONE, progress.message
    image_id = progress.destination.rsplit(": ", 1)[1]
    async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=lab_token_dir) as store:
        image = await store.get_image(image_id)
        assert (image.status, image.size, image.name) == ("active", MIB, "via-service")
        await store.delete_image(image_id)
