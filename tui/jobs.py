"""Transfer jobs of the app: built here from what a dialog returned, and run by the
per-user transfer service (setting ``transfer_service``, the default), where they outlive
the app and are shown with every other job of the service, or on a manager of this process.

The manager is made on first use, so a session that never transfers starts nothing; the
service is only watched at start when it already runs, and started by a first transfer.
Copy destinations are opened once per session, in a worker (a cloud may be slow or
refuse us), and kept for the next copy there; the app closes them on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import transfers
from .dialogs.results import ImportRequest, UploadRequest
from .messages import TransferEvent
from .model import Image, ImageDeckError, describe_error
from .stores import ImageStore
from .transfers import Transfer, TransferManager
from .transfers.events import TransferKind, TransferProgress
from .widgets.transfers_pane import describe

if TYPE_CHECKING:
    from typing import Any

    from .app import ImageDeckApp
    from .service.client import ServiceTransfers

#: Seconds quitting waits for cancelled jobs to tidy up (delete a half image, close a file).
QUIT_CLEANUP_SECONDS = 10.0


class Jobs:
    """``Jobs(app)``: start, cancel and retry transfers; failures to start become one notification."""

    def __init__(self, app: ImageDeckApp) -> None:
        self._app = app
        self.manager: TransferManager | None = None
        #: The transfer service's jobs, once watched (only with ``transfer_service``).
        self.service: ServiceTransfers | None = None
        #: Stores opened as copy destinations, by the word that names them.
        self.destinations: dict[str, ImageStore] = {}
        #: Service jobs the dock was opened for.
        self._shown: set[str] = set()
        if app.settings.transfer_service:
            app.call_later(self._watch_running_service)

    @property
    def in_service(self) -> bool:
        return bool(self._app.settings.transfer_service)

    def _service(self) -> ServiceTransfers:
        if self.service is None:
            from .service.client import ServiceClient, ServiceTransfers

            self.service = ServiceTransfers(ServiceClient(), on_event=self._on_service_event)
        return self.service

    def _on_service_event(self, progress: TransferProgress) -> None:
        """Like `_on_event`; a running job seen for the first time (another terminal's, one
        running since before the app started) also opens the dock."""
        self._on_event(progress)
        if progress.state.active and progress.job_id not in self._shown:
            self._shown.add(progress.job_id)
            self._app.show_transfers()

    def _watch_running_service(self) -> None:
        """Show the jobs a service already runs (another terminal's too); start none for it."""
        from .service.paths import ServicePaths

        if ServicePaths.from_env().socket.exists():
            self._service().follow(start=False)

    def _manager(self) -> TransferManager:
        if self.manager is None:
            self.manager = TransferManager(
                max_running=self._app.settings.max_transfers, on_event=self._on_event
            )
        return self.manager

    def _on_event(self, progress: TransferProgress) -> None:
        """Called by the manager on the app's loop: hand the event to the screens as a message."""
        self._app.post_message(TransferEvent(progress))

    def snapshots(self) -> list[TransferProgress]:
        """Every job the dock can show: this process's and the service's."""
        mine = [job.snapshot() for job in self.manager.jobs()] if self.manager is not None else []
        return mine + (self.service.jobs() if self.service is not None else [])

    @property
    def running(self) -> int:
        """Jobs queued or running, here or in the service."""
        return sum(1 for job in self.snapshots() if job.state.active)

    @property
    def started(self) -> bool:
        """Whether any job was submitted this session (a retry may still use its stores)."""
        return self.manager is not None and bool(self.manager.jobs())

    def filling(self) -> set[str]:
        """Ids of images in the store open now that unfinished uploads and imports write into.

        Such a job names its destination ``LABEL: IMAGE_ID`` once the image exists.
        """
        prefix = f"{self._app.store.label}: "
        return {
            job.destination.removeprefix(prefix)
            for job in self.snapshots()
            if job.state.active and job.destination.startswith(prefix)
        }

    def start(self, job: Transfer) -> None:
        """Run a job a screen built itself (a replication, say); a refusal is said, not raised."""
        self._submit(lambda: job)

    def _submit(self, make_job: Callable[[], Transfer]) -> None:
        try:
            self._manager().submit(make_job())
        except ImageDeckError as exc:
            self._app.notify(describe_error(exc), title="Transfer not started", severity="error")
            return
        self._app.show_transfers()

    def _send(self, kind: TransferKind, what: dict[str, Any], to: str | None = None) -> None:
        """Hand a job to the service in a worker; a refusal becomes one notification."""
        from .service.spec import JobSpec, Place
        from .stores.targets import target_settings

        settings = self._app.settings

        async def submit() -> None:
            try:
                extra = {"to": Place.of(target_settings(settings, to))} if to is not None else {}
                await self._service().submit(JobSpec(kind, Place.of(settings), {**what, **extra}))
            except (ImageDeckError, OSError) as exc:
                self._app.notify(describe_error(exc), title="Transfer not started", severity="error")
                return
            self._app.show_transfers()

        self._app.run_worker(submit(), group="transfers", exit_on_error=False)

    def start_download(self, image: Image, path: Path, replace: bool = False) -> None:
        if self.in_service:
            what = {"image_id": image.id, "dest": str(path.absolute()), "replace": replace}
            self._send(TransferKind.DOWNLOAD, what)
            return
        store = self._app.store
        self._submit(lambda: transfers.DownloadJob(store, image.id, path, replace=replace))

    def start_upload(self, request: UploadRequest) -> None:
        if self.in_service:
            what: dict[str, Any] = {"path": str(request.path.absolute()), "fields": dict(request.fields)}
            what |= {"allow_unsafe": request.allow_unsafe, "force_format": request.force_format}
            self._send(TransferKind.UPLOAD, what)
            return
        store = self._app.store
        self._submit(
            lambda: transfers.UploadJob(
                store,
                request.path,
                request.fields,
                allow_unsafe=request.allow_unsafe,
                force_format=request.force_format,
            )
        )

    def start_import(self, request: ImportRequest) -> None:
        if self.in_service:
            self._send(TransferKind.IMPORT, {"url": request.url, "fields": dict(request.fields)})
            return
        store = self._app.store
        self._submit(lambda: transfers.ImportJob(store, request.url, request.fields))

    def start_copy(self, image: Image, destination_target: str, name: str | None) -> None:
        """Open the destination in a worker, then queue the copy from the store open now."""
        if self.in_service:
            self._send(TransferKind.COPY, {"image_id": image.id, "name": name}, to=destination_target)
            return
        source = self._app.store

        async def open_then_copy() -> None:
            try:
                destination = await self._destination(destination_target)
            except Exception as exc:  # noqa: BLE001 -- wrong password, unreachable, unknown cloud: say so, go on
                self._app.notify(
                    describe_error(exc), title="Cannot open the destination", severity="error", timeout=8
                )
                return
            self._submit(lambda: transfers.CopyJob(source, image.id, destination, name=name))

        self._app.run_worker(open_then_copy(), group="destination", exit_on_error=False)

    async def _destination(self, target: str) -> ImageStore:
        """The store ``target`` names, opened once and kept for the next copy there."""
        from .history import recording
        from .stores.targets import open_target

        if target not in self.destinations:
            # a copy creates an image there: it belongs in the action log like any change
            store = recording(await open_target(self._app.settings, target))
            if target in self.destinations:  # another copy opened it meanwhile
                await store.close()
            else:
                self.destinations[target] = store
                for warning in getattr(store, "warnings", ()):
                    self._app.notify(f"{store.label}: {warning}", severity="warning", timeout=8)
        return self.destinations[target]

    def start_convert(
        self, image: Image, out_format: str, path: Path | None, name: str | None = None
    ) -> None:
        """Convert into the file ``path`` or, when None, back into this store as image ``name``."""
        if self.in_service:
            what: dict[str, Any] = {"image_id": image.id, "out_format": out_format}
            if path is not None:
                what["dest"] = str(path.absolute())
            else:
                what["fields"] = transfers.carried_fields(image, name)
            self._send(TransferKind.CONVERT, what)
            return
        store = self._app.store
        if path is not None:
            self._submit(lambda: transfers.ConvertJob((store, image.id), out_format, path))
        else:
            self._submit(
                lambda: transfers.ConvertJob(
                    (store, image.id), out_format, store, fields=transfers.carried_fields(image, name)
                )
            )

    def _in_service(self, job_id: str) -> bool:
        return self.service is not None and job_id in {job.job_id for job in self.service.jobs()}

    def cancel(self, job_id: str) -> None:
        if self._in_service(job_id):
            self._ask_service(job_id, cancel=True)
        elif self.manager is not None and self.manager.cancel(job_id):
            job = self.manager.get(job_id)
            self._app.notify(f"Cancelling the {describe(job.snapshot())}", timeout=3)

    def retry(self, job_id: str) -> None:
        if self._in_service(job_id):
            self._ask_service(job_id, cancel=False)
            return
        try:
            self._manager().retry(job_id)
        except ImageDeckError as exc:
            self._app.notify(describe_error(exc), severity="error")

    def _ask_service(self, job_id: str, *, cancel: bool) -> None:
        service = self._service()

        async def ask() -> None:
            try:
                if cancel:
                    if await service.cancel(job_id):
                        self._app.notify(f"Cancelling the {describe(service.get(job_id))}", timeout=3)
                else:
                    await service.retry(job_id)
            except (ImageDeckError, OSError) as exc:
                self._app.notify(describe_error(exc), severity="error")

        self._app.run_worker(ask(), group="transfers", exit_on_error=False)

    def quit_note(self) -> str:
        """What quitting does to the jobs still queued or running, kind by kind."""
        if self.service is not None and self.service.active_count:
            count = self.service.active_count
            return (
                f"{count} transfer(s) continue in the background after you quit; "
                "imagedeck transfers follows them."
            )
        active = [job for job in self.manager.jobs() if job.state.active] if self.manager else []
        kinds = {job.kind for job in active}
        notes = [f"{len(active)} transfer(s) still running will be stopped."]
        if TransferKind.DOWNLOAD in kinds:
            notes.append("Downloads keep their .part file: downloading to the same file again resumes.")
        if kinds & {TransferKind.UPLOAD, TransferKind.IMPORT, TransferKind.CONVERT}:
            notes.append(
                "Uploads and imports are cancelled: an image they created is deleted, "
                "an existing queued image they fill stays queued."
            )
        if TransferKind.COPY in kinds:
            notes.append("Copies are cancelled and their incomplete image deleted.")
        return " ".join(notes)

    async def stop_all(self) -> None:
        """Cancel every job still queued or running (the person agreed when quitting) and
        wait a little for their cleanup, before the stores they use close.

        A download keeps its ``.part``, so the next download to the same file resumes.
        The service's jobs go on: only the watch of them ends.
        """
        if self.service is not None:
            await self.service.close()
        if self.manager is None:
            return
        for job in self.manager.jobs():
            if isinstance(job, transfers.DownloadJob):
                job.keep_partial = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.manager.shutdown(), QUIT_CLEANUP_SECONDS)
