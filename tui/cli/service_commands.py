"""``imagedeck transfers``: the jobs of the transfer service, whoever started them.

``transfers`` lists them, ``transfers watch [ID]`` follows them with live bars until they
finish, ``transfers cancel ID`` and ``transfers retry ID`` act on one, ``transfers forget
[ID]`` drops finished ones from the list.
"""

from __future__ import annotations

import argparse
import shutil
from typing import TextIO

from ..model import ImageDeckError, fit, visible
from ..service.client import ServiceClient
from ..service.journal import Journal
from ..service.protocol import snapshot_json
from ..transfers import TransferProgress, TransferState
from . import output
from .context import CliContext, add_command
from .transfer_commands import render_progress

ACTIONS = ("list", "watch", "cancel", "retry", "forget")


async def transfers(args: argparse.Namespace, ctx: CliContext) -> int:
    client = ServiceClient()
    action = args.action
    if action in ("cancel", "retry") and not args.id:
        raise ImageDeckError(
            f"transfers {action} needs the id of a transfer (imagedeck transfers lists them)"
        )
    if action == "list":
        jobs = await client.jobs(start=False) if _running(client) else _journaled(client)
        ctx.emit([snapshot_json(job) for job in jobs], text=job_table(jobs))
        return 0
    if action == "watch":
        return await watch(client, ctx, args.id)
    if action == "cancel":
        cancelled = await client.cancel(args.id)
        ctx.note(f"cancelling {args.id}" if cancelled else f"{args.id} had already finished")
        return 0
    if action == "retry":
        await client.retry(args.id)
        ctx.note(f"{args.id} queued again (imagedeck transfers watch {args.id} follows it)")
        return 0
    gone = await client.forget(args.id) if _running(client) else []
    ctx.emit({"forgotten": gone}, text=f"forgot {len(gone)} finished transfer(s)")
    return 0


def _running(client: ServiceClient) -> bool:
    """Whether a service may be listening: listing never starts one just to say it is empty."""
    return client.paths.socket.exists()


def _journaled(client: ServiceClient) -> list[TransferProgress]:
    """The jobs a stopped service left in its journal, as it last saw them."""
    if not client.paths.journal.exists():
        return []
    return [row.progress for row in Journal.read(client.paths.journal)]


def job_table(jobs: list[TransferProgress]) -> str:
    if not jobs:
        return "no transfers"
    rows = [
        [
            job.job_id,
            str(job.kind),
            str(job.state),
            f"{job.fraction * 100:.0f}%" if job.fraction is not None else "-",
            job.source,
            job.destination,
            job.message or "",
        ]
        for job in jobs
    ]
    return output.table(["ID", "KIND", "STATE", "DONE", "SOURCE", "DESTINATION", "MESSAGE"], rows)


async def watch(client: ServiceClient, ctx: CliContext, job_id: str | None) -> int:
    """Follow one job, or every unfinished one, until each has finished."""
    jobs = await client.jobs(start=False) if _running(client) else []
    if job_id is not None:
        if job_id not in {job.job_id for job in jobs}:
            raise ImageDeckError(f"no transfer {job_id} (imagedeck transfers lists them)")
        wanted = [job_id]
    else:
        wanted = [job.job_id for job in jobs if job.state.active]
    if not wanted:
        ctx.note("no transfer is running")
        return 0
    board = Board(ctx.err if _is_tty(ctx.err) else None, wanted)
    latest: dict[str, TransferProgress] = {}
    async for progress in client.watch(wanted, start=False):
        latest[progress.job_id] = progress
        board.update(progress)
        if len(latest) == len(wanted) and all(p.finished for p in latest.values()):
            break
    board.close()
    failed = [p for p in latest.values() if p.state != TransferState.DONE]
    for progress in latest.values():
        line = f"{progress.job_id} {progress.state}: {progress.message or ''}"
        if ctx.json:
            ctx.emit(snapshot_json(progress))
        elif progress in failed:
            ctx.error(line)
        else:
            ctx.note(line)
    return 1 if failed else 0


def _is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Board:
    """One live line per watched job on a terminal, redrawn in place (nothing without one)."""

    def __init__(self, stream: TextIO | None, ids: list[str]) -> None:
        self.stream = stream
        self.ids = ids
        self.lines = {job_id: f"{job_id}  waiting" for job_id in ids}
        self.drawn = 0

    def update(self, progress: TransferProgress) -> None:
        if self.stream is None:
            return
        width = shutil.get_terminal_size((80, 24)).columns - 1
        head = visible(progress.job_id) + "  "
        self.lines[progress.job_id] = fit(head + render_progress(progress, max(20, width - len(head))), width)
        up = f"\x1b[{self.drawn}F" if self.drawn else ""
        body = "".join(f"\x1b[2K{self.lines[i]}\n" for i in self.ids)
        self.stream.write(up + body)
        self.stream.flush()
        self.drawn = len(self.ids)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.flush()


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "transfers",
        transfers,
        help="list, watch, cancel or retry the transfers running in the background",
    )
    p.add_argument("action", nargs="?", choices=ACTIONS, default="list", help="what to do (default: list)")
    p.add_argument("id", nargs="?", metavar="ID", help="a transfer id, as listed")


__all__ = ["job_table", "register", "transfers", "watch"]
