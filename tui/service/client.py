"""Talking to the transfer service: connect (starting it when absent), submit, list, watch,
cancel, retry, forget; and `ServiceTransfers`, which gives the app the view of the jobs a
`TransferManager` gives, with every job of the service in it, whoever started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

from ..model import Conflict, Forbidden, ImageDeckError, Invalid, NotFound, Unavailable
from ..transfers import TransferProgress
from .paths import ServicePaths, check_private, private_dir
from .protocol import MAX_LINE, VERSION, decode, encode, snapshot_from
from .spec import JobSpec

#: Seconds a client waits for a service it started to answer.
START_SECONDS = 10.0
_ERRORS: dict[str, type[ImageDeckError]] = {
    cls.kind: cls for cls in (NotFound, Forbidden, Conflict, Invalid, Unavailable)
}


class ServiceClient:
    """One user's service, reached through its socket; each call is one short connection."""

    def __init__(self, paths: ServicePaths | None = None) -> None:
        self.paths = paths or ServicePaths.from_env()

    # -- connecting ----------------------------------------------------------------

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        path = self.paths.socket
        check_private(self.paths.runtime, os.lstat(self.paths.runtime), kind="directory")
        check_private(path, os.lstat(path), kind="socket")
        return await asyncio.open_unix_connection(str(path), limit=MAX_LINE)

    async def connect(self, *, start: bool = True) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connection to the service; with ``start`` one is started when none answers."""
        try:
            return await self._open()
        except (FileNotFoundError, ConnectionError):
            if not start:
                raise Unavailable("the transfer service is not running") from None
        process = self.spawn()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_SECONDS
        while True:
            try:
                return await self._open()
            except (FileNotFoundError, ConnectionError):
                if process.poll() not in (None, 0) or loop.time() > deadline:
                    raise Unavailable(
                        f"the transfer service did not start; its log is {self.paths.log}"
                    ) from None
                await asyncio.sleep(0.05)

    def spawn(self) -> subprocess.Popen[bytes]:
        """Start the service in a session of its own, attached to no terminal."""
        private_dir(self.paths.runtime)
        private_dir(self.paths.state)
        fd = os.open(self.paths.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "imagedeck.service"],
                stdin=subprocess.DEVNULL,
                stdout=fd,
                stderr=fd,
                start_new_session=True,
                close_fds=True,
                env={
                    # no OS_* variable: a password in them must not reach the service (see signin)
                    **{key: value for key, value in os.environ.items() if not key.startswith("OS_")},
                    "IMAGEDECK_RUNTIME_DIR": str(self.paths.runtime),
                    "IMAGEDECK_STATE_DIR": str(self.paths.state),
                },
            )
        finally:
            os.close(fd)

    # -- requests ------------------------------------------------------------------

    async def request(self, op: str, *, start: bool = True, **fields: Any) -> dict[str, Any]:
        """Send one request, return the service's reply; a refusal becomes a typed error."""
        reader, writer = await self.connect(start=start)
        try:
            writer.write(encode({"v": VERSION, "op": op, **fields}))
            await writer.drain()
            line = await reader.readline()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        if not line:
            raise Unavailable("the transfer service closed the connection; try again")
        return _checked(decode(line))

    async def submit(self, spec: JobSpec) -> str:
        """Queue a job; a cloud of OS_* variables is signed in to here, and only its token sent."""
        from .signin import sign_spec

        spec, tokens = await sign_spec(spec)
        return str((await self.request("submit", spec=spec.to_json(), tokens=tokens))["id"])

    async def jobs(self, *, start: bool = True) -> list[TransferProgress]:
        return [snapshot_from(job) for job in (await self.request("list", start=start))["jobs"]]

    async def cancel(self, job_id: str) -> bool:
        return bool((await self.request("cancel", id=job_id))["cancelled"])

    async def retry(self, job_id: str) -> None:
        await self.request("retry", id=job_id)

    async def forget(self, job_id: str | None = None) -> list[str]:
        return list((await self.request("forget", id=job_id))["forgotten"])

    async def watch(
        self, ids: list[str] | None = None, *, start: bool = True
    ) -> AsyncIterator[TransferProgress]:
        """The jobs asked for (every job with None) as they are, then each change as it happens."""
        reader, writer = await self.connect(start=start)
        try:
            writer.write(encode({"v": VERSION, "op": "watch", "ids": ids}))
            await writer.drain()
            first = await reader.readline()
            if not first:
                raise Unavailable("the transfer service closed the connection; try again")
            for job in _checked(decode(first))["jobs"]:
                yield snapshot_from(job)
            while line := await reader.readline():
                yield snapshot_from(decode(line).get("event"))
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


def _checked(reply: dict[str, Any]) -> dict[str, Any]:
    if reply.get("ok"):
        return reply
    message = str(reply.get("error") or "the transfer service refused the request")
    error = _ERRORS.get(str(reply.get("kind")), ImageDeckError)(message)
    error.kind = str(reply.get("kind") or error.kind)
    raise error


class ServiceTransfers:
    """The service's jobs as the app sees a `TransferManager`'s: snapshots by id, kept up to
    date by a watch, with ``on_event`` called for each change on the caller's loop."""

    def __init__(
        self, client: ServiceClient, on_event: Callable[[TransferProgress], None] | None = None
    ) -> None:
        self.client = client
        self.on_event = on_event
        self._jobs: dict[str, TransferProgress] = {}
        self._follower: asyncio.Task[None] | None = None

    def jobs(self) -> list[TransferProgress]:
        return list(self._jobs.values())

    def get(self, job_id: str) -> TransferProgress:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFound(f"no transfer {job_id}") from None

    @property
    def active_count(self) -> int:
        return sum(1 for job in self._jobs.values() if job.state.active)

    @property
    def following(self) -> bool:
        return self._follower is not None and not self._follower.done()

    def follow(self, *, start: bool = True) -> None:
        """Watch every job of the service (starting it with ``start``), unless already watching."""
        if not self.following:
            self._follower = asyncio.create_task(self._follow(start))

    async def _follow(self, start: bool) -> None:
        with contextlib.suppress(ImageDeckError, OSError):
            async for progress in self.client.watch(start=start):
                self._jobs[progress.job_id] = progress
                if self.on_event is not None:
                    self.on_event(progress)

    async def submit(self, spec: JobSpec) -> str:
        job_id = await self.client.submit(spec)
        self.follow()
        return job_id

    async def cancel(self, job_id: str) -> bool:
        return await self.client.cancel(job_id)

    async def retry(self, job_id: str) -> str:
        await self.client.retry(job_id)
        self.follow()
        return job_id

    async def close(self) -> None:
        """Stop watching; the jobs go on in the service."""
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower


__all__ = ["ServiceClient", "ServiceTransfers"]
