"""What a service does at start with the jobs a previous one left unfinished.

A download starts again from its ``.part``: the bytes there are hashed anew and the rest is
asked for by range, and only a verified whole file gets the final name. An upload cannot
resume (Glance takes data in one piece): it reuses the queued, empty image it created, or
deletes what it created and makes a new one, so no half image stays behind. An import or
a copy is checked: one whose image became active (and, for a copy, matches its source's
hashes) is done; otherwise what it created is deleted and it runs again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from typing import TYPE_CHECKING

from ..model import ImageDeckError, ImageStatus, NotFound, describe_error
from ..stores import ImageStore
from ..transfers import Transfer, TransferProgress, TransferState
from ..transfers.events import TransferKind
from .build import make_job
from .journal import JobRow
from .spec import Place

if TYPE_CHECKING:
    from .server import TransferService

log = logging.getLogger(__name__)


async def recover(service: TransferService) -> None:
    """Resume or settle every job the journal holds as queued, running or verifying."""
    for row in service.journal.rows():
        if row.progress.finished:
            continue
        try:
            job = await settle(service, row)
        except ImageDeckError as exc:
            _finish(service, row, TransferState.FAILED, f"could not resume: {describe_error(exc)}")
            continue
        except OSError as exc:
            _finish(service, row, TransferState.FAILED, f"could not resume: {exc.strerror or exc}")
            continue
        if job is not None:
            service.start(job, row.id)


async def settle(service: TransferService, row: JobRow) -> Transfer | None:
    """The job to run again for ``row``, or None when the row was settled here."""
    job = await make_job(row.spec, service.pool)
    kind = row.spec.kind
    if row.image_id is None or kind in (TransferKind.DOWNLOAD, TransferKind.CONVERT):
        return job
    if kind == TransferKind.UPLOAD:
        store = await service.pool.get(row.spec.place)
        if await _queued_and_empty(store, row.image_id):
            job.image_id = row.image_id  # type: ignore[attr-defined]  # UploadJob reuses it
        else:
            await _discard(store, row.image_id)
        return job
    place = row.spec.what.get("to") if kind == TransferKind.COPY else row.spec.place
    assert isinstance(place, Place)
    store = await service.pool.get(place)
    if await _finished_well(service, row, store):
        _finish(service, row, TransferState.DONE, f"finished while the service was stopped: {row.image_id}")
        return None
    await _discard(store, row.image_id)
    return job


async def _queued_and_empty(store: ImageStore, image_id: str) -> bool:
    try:
        image = await store.get_image(image_id)
    except NotFound:
        return False
    return image.status == ImageStatus.QUEUED and not image.size


async def _finished_well(service: TransferService, row: JobRow, store: ImageStore) -> bool:
    assert row.image_id is not None
    try:
        image = await store.get_image(row.image_id)
    except NotFound:
        return False
    if image.status != ImageStatus.ACTIVE:
        return False
    if row.spec.kind != TransferKind.COPY:
        return True
    source = await (await service.pool.get(row.spec.place)).get_image(row.spec.text("image_id"))
    return bool(image.os_hash_value) and image.os_hash_value == source.os_hash_value


async def _discard(store: ImageStore, image_id: str) -> None:
    """Delete an image an interrupted job created; gone already is fine."""
    with contextlib.suppress(NotFound):
        await store.delete_image(image_id)
    log.info("deleted image %s an interrupted transfer had created", image_id)


def _finish(service: TransferService, row: JobRow, state: TransferState, message: str) -> None:
    progress: TransferProgress = dataclasses.replace(row.progress, state=state, message=message)
    service.finish_outside(progress)


__all__ = ["recover", "settle"]
