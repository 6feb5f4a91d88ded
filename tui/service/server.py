"""The transfer service: jobs run here, on one `TransferManager`, whoever asked for them.

Clients (the app, the command line, any terminal of the same user) connect to a Unix
socket only their user can open; the peer's uid is checked again on every connection.
Every job is journaled as it changes, so the list survives a restart and unfinished jobs
resume (see `recovery`). The service exits by itself once it has had no job and no client
for ``idle`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import struct
from collections.abc import Callable
from typing import Any

from ..model import ImageDeckError, Invalid, NotFound
from ..transfers import Transfer, TransferManager, TransferProgress
from ..transfers.events import TransferKind, TransferState
from .build import StorePool, make_job
from .journal import Journal
from .paths import ServicePaths, check_private
from .protocol import MAX_LINE, VERSION, decode, encode, snapshot_json
from .recovery import recover, settle
from .spec import JobSpec

log = logging.getLogger(__name__)

#: Seconds between two journal writes of one job's progress (state changes are written at once).
SAVE_INTERVAL = 1.0
#: Events a slow watcher may fall behind by before it is dropped.
WATCH_BACKLOG = 2000


class TransferService:
    """Runs, journals and reports jobs for the clients of one user."""

    def __init__(
        self, paths: ServicePaths, *, idle: float, rate_limit: float | None = None, max_running: int = 3
    ) -> None:
        self.paths = paths
        self.idle = idle
        self.journal = Journal(paths.journal)
        self.pool = StorePool(rate_limit)
        self.manager = TransferManager(max_running, on_event=self._on_event)
        #: The latest snapshot of every job the journal holds, in submission order.
        self.known: dict[str, TransferProgress] = {}
        self.specs: dict[str, JobSpec] = {}
        self._saved: dict[str, tuple[float, TransferState]] = {}
        self._watchers: list[tuple[asyncio.Queue[TransferProgress | None], set[str] | None]] = []
        self._clients = 0
        self._quiet_since = 0.0
        self._server: asyncio.Server | None = None
        self._stop = asyncio.Event()
        #: Set while the service stops: the jobs it interrupts stay unfinished in the journal.
        self._closing = False

    # -- life ----------------------------------------------------------------------

    async def run(self) -> None:
        """Recover the journal's jobs, serve until idle, then close everything."""
        loop = asyncio.get_running_loop()
        self._quiet_since = loop.time()
        for row in self.journal.rows():
            self.known[row.id] = row.progress
            self.specs[row.id] = row.spec
        await recover(self)
        self._server = await self._listen()
        watchdog = asyncio.create_task(self._watch_idle())
        try:
            await self._stop.wait()
        finally:
            watchdog.cancel()
            self._server.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.paths.socket)
            for queue, _ in self._watchers:
                queue.put_nowait(None)
            self._closing = True
            for job in self.manager.jobs():
                if job.kind == TransferKind.DOWNLOAD:
                    job.keep_partial = True  # type: ignore[attr-defined]  # the next start resumes it
            await self.manager.shutdown()
            await self.pool.close()
            self.journal.close()

    async def _listen(self) -> asyncio.Server:
        path = self.paths.socket
        with contextlib.suppress(FileNotFoundError):
            check_private(path, os.lstat(path), kind="socket")
            os.unlink(path)  # a dead service's socket: the lock says no live one holds it
        old = os.umask(0o177)
        try:
            server = await asyncio.start_unix_server(self._serve, path=str(path), limit=MAX_LINE)
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        return server

    async def _watch_idle(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(min(1.0, self.idle / 4))
            if self._clients or self.manager.active_count:
                self._quiet_since = loop.time()
            elif loop.time() - self._quiet_since >= self.idle:
                log.info("idle for %.1f s: exiting", self.idle)
                self._stop.set()
                return

    def stop(self) -> None:
        self._stop.set()

    # -- jobs ----------------------------------------------------------------------

    async def submit(self, spec: JobSpec) -> str:
        job = await make_job(spec, self.pool)
        job_id = self.journal.add(spec, job.source, job.destination)
        self.specs[job_id] = spec
        self.start(job, job_id)
        return job_id

    def start(self, job: Transfer, job_id: str) -> None:
        """Run ``job`` under ``job_id`` (a new one, or one the journal knows)."""
        self.manager.submit(job, job_id=job_id)

    def _live(self, job_id: str) -> Transfer | None:
        with contextlib.suppress(NotFound):
            return self.manager.get(job_id)
        return None

    async def retry(self, job_id: str) -> None:
        progress = self.known.get(job_id)
        if progress is None:
            raise NotFound(f"no transfer {job_id}")
        if self._live(job_id) is not None:
            self.manager.retry(job_id)
            return
        if progress.state == TransferState.DONE or not progress.finished:
            raise ImageDeckError(
                f"transfer {job_id} is {progress.state}: only a failed or cancelled one can be retried"
            )
        row = self.journal.get(job_id)
        if row is None:
            raise NotFound(f"no transfer {job_id}")
        job = await settle(self, row)  # an image it left is reused or deleted, as after a crash
        if job is not None:
            self.start(job, job_id)

    def cancel(self, job_id: str) -> bool:
        if job_id not in self.known:
            raise NotFound(f"no transfer {job_id}")
        return self._live(job_id) is not None and self.manager.cancel(job_id)

    def forget(self, job_id: str | None) -> list[str]:
        """Drop finished jobs (one, or all when ``job_id`` is None) from the list and the journal."""
        if job_id is not None and job_id not in self.known:
            raise NotFound(f"no transfer {job_id}")
        chosen = [job_id] if job_id else list(self.known)
        gone = [i for i in chosen if self.known[i].finished]
        if job_id and not gone:
            raise ImageDeckError(f"transfer {job_id} has not finished: cancel it first")
        for i in gone:
            del self.known[i]
            self.journal.forget(i)
        return gone

    def finish_outside(self, progress: TransferProgress) -> None:
        """Record a job recovery settled without running it (e.g. finished while we were down)."""
        self._on_event(progress)

    # -- events --------------------------------------------------------------------

    def _on_event(self, progress: TransferProgress) -> None:
        self.known[progress.job_id] = progress
        self._journal(progress)
        for queue, ids in list(self._watchers):
            if (ids is None or progress.job_id in ids) and queue.qsize() < WATCH_BACKLOG:
                queue.put_nowait(progress)

    def _journal(self, progress: TransferProgress) -> None:
        if self._closing:
            return
        loop = asyncio.get_running_loop()
        last = self._saved.get(progress.job_id)
        if last is not None and last[1] == progress.state and loop.time() - last[0] < SAVE_INTERVAL:
            return
        self._saved[progress.job_id] = (loop.time(), progress.state)
        try:
            self.journal.save(progress)
            job = self._live(progress.job_id)
            if job is not None:
                self._journal_extras(progress.job_id, job)
        except Exception:  # a full disk must not stop the transfers: they only lose their journal
            log.exception("cannot write the journal")

    def _journal_extras(self, job_id: str, job: Transfer) -> None:
        created = created_image(job)
        if created is not None:
            self.journal.set_image(job_id, created)
        offsets: list[int] = getattr(job, "requested_offsets", [])
        if job.kind == TransferKind.DOWNLOAD and offsets and offsets[0] > 0:
            self.journal.set_resumed_from(job_id, offsets[0])

    # -- clients -------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._clients += 1
        try:
            if not _same_user(writer):
                writer.write(encode({"ok": False, "error": "refused: another user", "kind": "forbidden"}))
                return
            line = await reader.readline()
            if not line:
                return
            try:
                request = decode(line)
                if request.get("v") != VERSION:
                    raise Invalid(
                        f"this transfer service speaks protocol {VERSION}, not {request.get('v')!r}: "
                        "stop the older imagedeck or wait for its transfers to finish"
                    )
                if request.get("op") == "watch":
                    await self._stream(request, reader, writer)
                    return
                reply = await self._answer(request)
            except ImageDeckError as exc:
                reply = {"ok": False, "error": exc.message, "kind": exc.kind}
            except OSError as exc:
                reply = {"ok": False, "error": str(exc.strerror or exc), "kind": "error"}
            writer.write(encode(reply))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._clients -= 1
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        handlers: dict[Any, Callable[[], Any]] = {
            "ping": lambda: {"pid": os.getpid()},
            "list": lambda: {"jobs": [snapshot_json(p) for p in self.known.values()]},
            "cancel": lambda: {"cancelled": self.cancel(_id(request))},
            "forget": lambda: {"forgotten": self.forget(request.get("id") or None)},
        }
        if op == "submit":
            tokens = request.get("tokens")
            if isinstance(tokens, dict):
                self.pool.tokens.update({str(k): str(v) for k, v in tokens.items()})
            return {"ok": True, "id": await self.submit(JobSpec.from_json(request.get("spec")))}
        if op == "retry":
            await self.retry(_id(request))
            return {"ok": True, "id": _id(request)}
        handler = handlers.get(op)
        if handler is None:
            raise Invalid(f"unknown request {op!r}")
        return {"ok": True, **handler()}

    async def _stream(
        self, request: dict[str, Any], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Send the jobs asked for as they are now, then every change, until the client hangs up."""
        wanted = request.get("ids")
        ids = {str(i) for i in wanted} if isinstance(wanted, list) else None
        queue: asyncio.Queue[TransferProgress | None] = asyncio.Queue()
        entry = (queue, ids)
        self._watchers.append(entry)
        hangup = asyncio.create_task(reader.read())
        try:
            current = [p for p in self.known.values() if ids is None or p.job_id in ids]
            writer.write(encode({"ok": True, "jobs": [snapshot_json(p) for p in current]}))
            await writer.drain()
            while True:
                getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({getter, hangup}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    return
                progress = getter.result()
                if progress is None:
                    return
                writer.write(encode({"event": snapshot_json(progress)}))
                await writer.drain()
        finally:
            hangup.cancel()
            self._watchers.remove(entry)


def created_image(job: Transfer) -> str | None:
    """The image ``job`` created and would have to delete if it never finished."""
    if job.kind == TransferKind.UPLOAD:
        return None if getattr(job, "into", None) else getattr(job, "image_id", None)
    if job.kind == TransferKind.IMPORT:
        return getattr(job, "image_id", None)
    if job.kind == TransferKind.COPY:
        return getattr(job, "new_id", None)
    return None


def _id(request: dict[str, Any]) -> str:
    job_id = request.get("id")
    if not isinstance(job_id, str) or not job_id:
        raise Invalid("name a transfer by its id")
    return job_id


def _same_user(writer: asyncio.StreamWriter) -> bool:
    sock: socket.socket | None = writer.get_extra_info("socket")
    if sock is None:
        return False
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


__all__ = ["TransferService", "created_image"]
