"""Transfer commands: upload, download, import, copy and convert through the transfers engine.

Each runs one job on a `TransferManager`, draws a progress bar on stderr when stderr is
a terminal, and on failure reports the job's message (including what was cleaned up)
as the usual one-line error.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shlex
import shutil
import time
from pathlib import Path
from typing import Any, TextIO

from humanize import naturalsize

from ..model import Image, ImageDeckError, Invalid, NotFound, cell_width, fit, visible
from ..model.safe_text import ljust
from ..transfers import (
    ConvertJob,
    CopyJob,
    DownloadJob,
    ImportJob,
    Transfer,
    TransferManager,
    TransferProgress,
    TransferState,
    UploadJob,
)
from ..transfers.events import TransferKind
from ..transfers.local_files import check_target, safe_file_name
from .context import CliContext, add_command
from .images import CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES, key_value, non_negative

#: Seconds between two redraws of the progress bar.
REDRAW_INTERVAL = 0.2
BAR_WIDTH = 24


class ProgressBar:
    """A one-line progress bar on a terminal: bar, bytes, rate, ETA, state."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last = 0.0
        self._width = 0

    def update(self, event: TransferProgress) -> None:
        now = time.monotonic()
        if not event.finished and event.state == TransferState.RUNNING and now - self._last < REDRAW_INTERVAL:
            return
        self._last = now
        line = render_progress(event, shutil.get_terminal_size((80, 24)).columns - 1)
        self.stream.write("\r" + ljust(line, self._width))
        self._width = cell_width(line)
        if event.finished:
            self.stream.write("\n")
        self.stream.flush()


def render_progress(event: TransferProgress, width: int = 79) -> str:
    """``[#######.........]  42%  420 MiB / 1.0 GiB  93 MB/s  ETA 0:07  running``

    The message may hold an image's name: it is made visible, and the line is cut to
    ``width`` terminal cells, not characters.
    """
    fraction = event.fraction
    filled = int(BAR_WIDTH * fraction) if fraction is not None else 0
    bar = "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "]"
    parts = [bar, f"{fraction * 100:3.0f}%" if fraction is not None else "  ?%"]
    done = naturalsize(event.done, binary=True)
    parts.append(f"{done} / {naturalsize(event.total, binary=True)}" if event.total is not None else done)
    if event.rate:
        parts.append(f"{naturalsize(event.rate, binary=True)}/s")
    if event.eta is not None:
        minutes, seconds = divmod(int(event.eta), 60)
        parts.append(f"ETA {minutes}:{seconds:02}")
    running = event.state == TransferState.RUNNING
    parts.append(visible(event.message or "running") if running else str(event.state))
    return fit("  ".join(parts), width)


async def run_job(ctx: CliContext, job: Transfer) -> Transfer:
    """Run one job to its end; a failure becomes the job's typed error with its full message."""
    err = ctx.err
    bar = ProgressBar(err) if getattr(err, "isatty", lambda: False)() else None
    manager = TransferManager(max_running=1, on_event=bar.update if bar else None)
    job_id = manager.submit(job)
    try:
        await manager.wait(job_id)
    except asyncio.CancelledError:
        manager.cancel(job_id)
        await manager.wait(job_id)
        raise
    if job.state == TransferState.DONE:
        return job
    error = job.error
    message = job.message or str(job.state)
    if isinstance(error, ImageDeckError):
        failure = ImageDeckError(message)
        failure.kind = error.kind
        raise failure
    raise ImageDeckError(message)


def summary(job: Transfer) -> dict[str, Any]:
    """What ``--json`` prints for a finished job."""
    data: dict[str, Any] = {
        "job": job.id,
        "kind": str(job.kind),
        "state": str(job.state),
        "source": job.source,
        "destination": job.destination,
        "bytes": job.done,
        "message": job.message,
    }
    if isinstance(job.result, Image):
        data["image"] = job.result.to_glance()
    elif isinstance(job.result, Path):
        data["path"] = str(job.result)
    return data


def _report(ctx: CliContext, job: Transfer) -> int:
    if ctx.json:
        ctx.emit(summary(job))
    else:
        ctx.note(job.message or "done")
        if isinstance(job.result, Image):
            ctx.emit(job.result)
    return 0


def create_fields(args: argparse.Namespace) -> dict[str, Any]:
    """Glance create-body fields from the metadata options (unset ones left out)."""
    fields: dict[str, Any] = {}
    for key in ("name", "disk_format", "container_format", "visibility", "min_disk", "min_ram"):
        value = getattr(args, key, None)
        if value is not None:
            fields[key] = value
    if getattr(args, "protected", False):
        fields["protected"] = True
    for key, value in getattr(args, "property", None) or []:
        fields[key] = value
    if getattr(args, "tag", None):
        fields["tags"] = list(dict.fromkeys(args.tag))
    return fields


# -- handlers -------------------------------------------------------------------------


async def upload(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.file).expanduser()
    if not path.is_file():
        if path.exists():
            raise Invalid(f"{visible(str(path))} is not a regular file; copy the image to a file first")
        raise NotFound(f"{visible(str(path))}: no such file")
    fields = create_fields(args)
    store = await ctx.open_store()
    into = None
    if args.into is not None:
        given = sorted(key for key in fields if key != "container_format")
        if given:
            raise Invalid(
                f"--into uploads into an image as it is; leave out {', '.join(given)} "
                "(imagedeck edit changes its metadata)"
            )
        image = await ctx.resolve_image(store, args.into)
        into = image.id
        fields = {"name": image.name or image.id}
    if args.detach:
        what = {"path": str(path.absolute()), "fields": fields, "into": into}
        what |= {"allow_unsafe": args.allow_unsafe, "force_format": args.force_format}
        return await _detach(ctx, TransferKind.UPLOAD, what)
    job = UploadJob(
        store,
        path,
        fields,
        allow_unsafe=args.allow_unsafe,
        force_format=args.force_format,
        on_cancel="delete",
        into=into,
        retry_hint=lambda image_id: f"retry with: {retry_command(ctx, path, image_id, args)}",
    )
    return _report(ctx, await run_job(ctx, job))


async def _detach(ctx: CliContext, kind: TransferKind, what: dict[str, Any], to: str | None = None) -> int:
    """Hand a transfer to the service and return at once, printing its id (``--detach``)."""
    from ..service.client import ServiceClient
    from ..service.spec import JobSpec, Place
    from ..stores.targets import target_settings

    place = Place.of(ctx.settings)
    if to is not None:
        what = {**what, "to": Place.of(target_settings(ctx.settings, to))}
    job_id = await ServiceClient().submit(JobSpec(kind, place, what))
    ctx.emit({"job": job_id}, text=f"{job_id}\n")
    if not ctx.json:
        ctx.err.write(
            f"imagedeck: {kind} {job_id} runs in the background: imagedeck transfers watch {job_id}\n"
        )
    return 0


def retry_command(ctx: CliContext, path: Path, image_id: str, args: argparse.Namespace) -> str:
    """The exact command that uploads ``path`` again into the queued image ``image_id``."""
    settings = ctx.settings
    words = ["imagedeck"]
    if settings.cloud is not None:
        words += ["--cloud", settings.cloud]
    else:
        words += ["--store", str(settings.store_path), "--project", settings.project]
        if settings.admin:
            words.append("--admin")
    words += ["upload", str(path.absolute()), "--into", image_id]
    if args.allow_unsafe:
        words.append("--allow-unsafe")
    if args.force_format:
        words.append("--force-format")
    return shlex.join(words)


def download_target(output: str | None, image: Image) -> Path:
    """Where ``download`` writes: ``-o`` as given, or the image's name made safe inside the
    directory ``-o`` names (the current one without ``-o``), never a path the name spells."""
    name = safe_file_name(image.name, image.id)
    if output is None:
        return Path(name)
    path = Path(output).expanduser()
    if path.is_dir():
        return path / name
    if output.endswith(("/", os.sep)):
        raise NotFound(f"directory {visible(output)} does not exist")
    return path


async def download(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    dest = download_target(args.output, image)
    check_target(dest, replace=args.force, hint=" (--force replaces a regular file)")
    if args.detach:
        what = {"image_id": image.id, "dest": str(dest.absolute()), "replace": args.force}
        return await _detach(ctx, TransferKind.DOWNLOAD, what)
    job = DownloadJob(store, image.id, dest, keep_partial=args.keep_partial, replace=args.force)
    return _report(ctx, await run_job(ctx, job))


async def import_url(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    job = ImportJob(
        store,
        args.url,
        create_fields(args),
        timeout=args.timeout,
        allow_unsafe=args.allow_unsafe,
        force_format=args.force_format,
    )
    return _report(ctx, await run_job(ctx, job))


async def copy(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    target = await ctx.open_store_for(args.to)
    if args.detach:
        what = {"image_id": image.id, "name": args.name}
        what |= {"allow_unsafe": args.allow_unsafe, "force_format": args.force_format}
        return await _detach(ctx, TransferKind.COPY, what, to=args.to)
    job = CopyJob(
        store,
        image.id,
        target,
        name=args.name,
        allow_unsafe=args.allow_unsafe,
        force_format=args.force_format,
    )
    return _report(ctx, await run_job(ctx, job))


async def convert(args: argparse.Namespace, ctx: CliContext) -> int:
    source_path = Path(args.src).expanduser()
    source: Path | tuple[Any, str]
    if source_path.is_file():
        source = source_path
    else:
        store = await ctx.open_store()
        try:
            image = await ctx.resolve_image(store, args.src)
        except NotFound:
            raise NotFound(f"{args.src} is neither a file nor an image in {store.label}") from None
        source = (store, image.id)
    job = ConvertJob(source, args.to_format, Path(args.output).expanduser(), allow_unsafe=args.allow_unsafe)
    return _report(ctx, await run_job(ctx, job))


# -- registration ---------------------------------------------------------------------


def _metadata_options(p: argparse.ArgumentParser, *, disk_help: str) -> None:
    p.add_argument("--name")
    p.add_argument("--disk-format", choices=DISK_FORMATS, help=disk_help)
    p.add_argument("--container-format", choices=CONTAINER_FORMATS, default="bare")
    p.add_argument("--visibility", choices=VISIBILITIES)
    p.add_argument("--min-disk", type=non_negative, metavar="GIB")
    p.add_argument("--min-ram", type=non_negative, metavar="MIB")
    p.add_argument("--property", action="append", type=key_value, metavar="K=V")
    p.add_argument("--tag", action="append", metavar="TAG")
    p.add_argument("--protected", action="store_true")


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds < math.inf:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}")
    return seconds


def _inspection_overrides(p: argparse.ArgumentParser, verb: str) -> None:
    """The two ways past the inspector, the same for every path into a store."""
    p.add_argument(
        "--allow-unsafe", action="store_true", help=f"{verb} even when the inspector finds the data unsafe"
    )
    p.add_argument(
        "--force-format",
        action="store_true",
        help=f"{verb} with the declared disk format even when the data is something else",
    )


def _detach_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--detach",
        action="store_true",
        help="hand the transfer to the background service, print its id and return at once",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "upload",
        upload,
        writes=True,
        help="upload a disk image file: inspected first, checksums verified after",
    )
    p.add_argument("file", metavar="FILE")
    _metadata_options(p, disk_help="declared format (default: the detected one)")
    _inspection_overrides(p, "upload")
    p.add_argument(
        "--into",
        metavar="IMAGE",
        help="upload into this queued image of your project (one an interrupted upload left)",
    )
    _detach_option(p)

    p = add_command(
        subparsers,
        "download",
        download,
        help="download an image's data to a file, verified before it gets its name",
    )
    p.add_argument("image", metavar="IMAGE", help="id or unique name")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file or directory (default: the image name, made safe, in the current directory)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it exists (only ever a regular file, by renaming over it)",
    )
    p.add_argument(
        "--keep-partial",
        action="store_true",
        help="keep FILE.part when interrupted, so the next download resumes it",
    )
    _detach_option(p)

    p = add_command(
        subparsers,
        "import",
        import_url,
        writes=True,
        help="create an image from a URL (the cloud fetches it where it can)",
    )
    p.add_argument("url", metavar="URL")
    _metadata_options(p, disk_help="format of the data at the URL")
    p.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=3600.0,
        metavar="SECONDS",
        help="give up when the import has not finished by then (default 3600)",
    )
    _inspection_overrides(p, "import")

    p = add_command(
        subparsers,
        "copy",
        copy,
        writes=True,
        help="copy an image with its metadata into another store or cloud, verified",
    )
    p.add_argument("image", metavar="IMAGE", help="id or unique name")
    p.add_argument(
        "--to",
        required=True,
        metavar="STORE_OR_CLOUD",
        help="a local store path (or local:PATH) or a cloud name (or cloud:NAME)",
    )
    p.add_argument("--name", help="name of the copy (default: the same)")
    _inspection_overrides(p, "copy")
    _detach_option(p)

    p = add_command(
        subparsers, "convert", convert, help="convert a disk image file or store image with qemu-img"
    )
    p.add_argument("src", metavar="SRC", help="a file, or an image id or name in the store")
    p.add_argument("--to-format", required=True, metavar="FORMAT", help="qcow2, raw, vmdk, vdi, vhdx or vhd")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument(
        "--allow-unsafe", action="store_true", help="convert even when the inspector finds the source unsafe"
    )


__all__ = [
    "ProgressBar",
    "create_fields",
    "download_target",
    "register",
    "render_progress",
    "retry_command",
    "run_job",
    "summary",
]
