"""Convert a disk image with ``qemu-img convert -p``: from a file or a store image, into a
file or back into a store, with qemu-img's percentage turned into progress events.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..formats.names import OUTPUT_FORMATS
from ..model import Invalid
from ..stores import ImageStore
from .download import DownloadJob, _publish_file, _unlink
from .errors import ToolMissing
from .events import TransferKind
from .job import Transfer
from .local_files import part_path
from .upload import UploadJob, inspect

#: qemu-img's progress lines look like "    (42.17/100%)", ended by \r.
PROGRESS = re.compile(rb"\((\d+(?:\.\d+)?)/100%\)")

INSTALL_HINT = "install qemu-img (Debian/Ubuntu package qemu-utils: sudo apt install qemu-utils)"

#: Glance disk formats a conversion can produce.
#: qemu-img's names for formats Glance names differently (an iso is read as raw).
QEMU_NAMES = {"vhd": "vpc", "iso": "raw"}


def qemu_format(disk_format: str) -> str:
    return QEMU_NAMES.get(disk_format, disk_format)


def find_qemu_img(program: str = "qemu-img") -> str:
    found = shutil.which(program)
    if found is None:
        raise ToolMissing(f"converting needs qemu-img, which is not installed: {INSTALL_HINT}")
    return found


Source = Path | str | tuple[ImageStore, str]


class ConvertJob(Transfer):
    """Convert ``source`` (a file, or ``(store, image_id)``) to ``out_format``.

    ``dest`` is a file path, or a store that receives the result as a new image created
    from ``fields`` (disk_format set to ``out_format``).
    """

    kind = TransferKind.CONVERT

    def __init__(
        self,
        source: Source,
        out_format: str,
        dest: Path | str | ImageStore,
        *,
        fields: Mapping[str, Any] | None = None,
        allow_unsafe: bool = False,
        program: str = "qemu-img",
    ) -> None:
        glance_format = "vhd" if out_format == "vpc" else out_format
        if glance_format not in OUTPUT_FORMATS:
            raise Invalid(f"cannot convert to {out_format!r}: choose one of {', '.join(OUTPUT_FORMATS)}")
        if isinstance(source, tuple):
            store, image_id = source
            source_label = f"{store.label}: {image_id}"
        else:
            source_label = str(source)
        dest_label = dest.label if isinstance(dest, ImageStore) else str(dest)
        super().__init__(source_label, dest_label)
        self.source_ref = source
        self.out_format = glance_format
        self.dest = dest if isinstance(dest, ImageStore) else Path(dest)
        self.fields = dict(fields or {})
        self.allow_unsafe = allow_unsafe
        self.program = program
        self._workdir: Path | None = None
        self._output: Path | None = None
        self._upload: UploadJob | None = None

    async def run(self) -> None:
        program = find_qemu_img(self.program)
        self._workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="imagedeck-convert-"))
        try:
            source = await self._local_source()
            report = await asyncio.to_thread(
                inspect, source, None, allow_unsafe=self.allow_unsafe, force_format=False
            )
            if isinstance(self.dest, Path):
                self._output = part_path(self.dest)
            else:
                self._output = self._workdir / f"{source.stem}.{self.out_format}"
            size = (await asyncio.to_thread(source.stat)).st_size
            self.begin(size, f"converting {report.detected_format} to {self.out_format}")
            await self._convert(program, source, report.detected_format, self._output, size)
            if isinstance(self.dest, Path):
                await asyncio.to_thread(_publish_file, self._output, self.dest)
                self._output = None
                self.result = self.dest
                self.message = f"wrote {self.dest.name} ({self.out_format})"
            else:
                await self._store_result(self._output)
        finally:
            await asyncio.to_thread(shutil.rmtree, self._workdir, True)
            self._workdir = None

    async def _local_source(self) -> Path:
        if not isinstance(self.source_ref, tuple):
            return Path(self.source_ref)
        store, image_id = self.source_ref
        assert self._workdir is not None
        fetch = DownloadJob(store, image_id, self._workdir / "source")
        fetch._publish = self._mirror
        fetch._clock = self._clock
        self.say("downloading the source image")
        await fetch.run()
        return fetch.dest

    async def _store_result(self, output: Path) -> None:
        assert isinstance(self.dest, ImageStore)
        fields = {**self.fields, "disk_format": self.out_format}
        upload = UploadJob(self.dest, output, fields, allow_unsafe=self.allow_unsafe)
        upload._publish = self._mirror
        upload._clock = self._clock
        self._upload = upload
        await upload.run()
        self._upload = None
        self.result = upload.result
        self.destination = upload.destination
        self.message = f"converted to {self.out_format} and {upload.message}"

    def _mirror(self, inner: Transfer, force: bool) -> None:
        """Show an inner download or upload's figures as this job's own."""
        self.total, self.done = inner.total, inner.done
        self._meter = inner._meter
        self.message = inner.message
        self._publish(self, force)

    async def _convert(self, program: str, source: Path, in_format: str, output: Path, size: int) -> None:
        command = [
            program,
            "convert",
            "-p",
            "-f",
            qemu_format(in_format),
            "-O",
            qemu_format(self.out_format),
            str(source),
            str(output),
        ]
        proc = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            assert proc.stdout is not None and proc.stderr is not None
            errors = asyncio.ensure_future(proc.stderr.read())
            buffer = b""
            while chunk := await proc.stdout.read(256):
                buffer += chunk
                *lines, buffer = re.split(rb"[\r\n]", buffer)
                for line in lines:
                    match = PROGRESS.search(line)
                    if match:
                        self.set_done(int(size * float(match.group(1)) / 100))
            code = await proc.wait()
            stderr = (await errors).decode(errors="replace").strip()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise
        if code != 0:
            last = stderr.splitlines()[-1] if stderr else f"exit status {code}"
            raise Invalid(f"qemu-img could not convert {source.name}: {last}")

    async def cleanup(self, *, cancelled: bool) -> str | None:
        notes = []
        if self._upload is not None:
            note = await self._upload.cleanup(cancelled=cancelled)
            self._upload = None
            if note:
                notes.append(note)
        if self._output is not None and isinstance(self.dest, Path):
            await asyncio.to_thread(_unlink, self._output)
            notes.append("partial output deleted")
        self._output = None
        return "; ".join(notes) or None


__all__ = ["INSTALL_HINT", "ConvertJob", "find_qemu_img"]
