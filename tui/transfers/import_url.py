"""Import an image from a URL: the cloud fetches it (Glance ``web-download``) where it can,
imagedeck fetches and uploads it where it cannot (the local store).

Either way the bytes are inspected as an upload of a file is. Fetched here, they pass
the inspector on their way (the header before any byte is uploaded). Fetched by the
cloud, the URL's first bytes are read from here first where the URL is reachable (a
Range request), and the imported image is checked afterwards: its first bytes read back
from the cloud, and its size against the length the server announced, since Glance
makes an import active even when the server cut it short without a Content-Length.
While the cloud fetches, `stall.ImportWatch` judges each look at the image and its tasks:
a source that stops sending is reported after ``stall_after`` seconds without change,
since Glance itself never gives up on it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ..formats import overriding
from ..model import Image, Invalid, Unavailable, visible
from ..stores import ImageStore
from .errors import VerificationFailed
from .events import TransferKind
from .inspection import job_guard
from .job import Transfer
from .quota_check import check_quota
from .stall import STALL_AFTER_S, ImportWatch, Outcome, Verdict, watch_import
from .streams import Hasher, coalesce
from .upload import discard_image, upload_hashed, verify_upload

if TYPE_CHECKING:
    from ..formats import Guard

WEB_DOWNLOAD = "web-download"
#: Seconds between two looks at an importing image, and the overall limit.
POLL_INTERVAL = 1.0
IMPORT_TIMEOUT = 3600.0
#: Bytes of the URL read from here before the cloud is asked to fetch it.
PROBE_BYTES = 1024 * 1024
PROBE_TIMEOUT = 30.0

_CONTENT_RANGE_TOTAL = re.compile(r"^bytes\s+\d+-\d+/(\d+)$")


@dataclass
class Probe:
    """What reading the URL from here showed: its length and a summary of its first bytes."""

    total: int | None = None
    summary: str = "not read from here"


class ImportJob(Transfer):
    """Create an image from ``fields`` and fill it with the data at ``url``.

    ``allow_unsafe`` and ``force_format`` import data the inspector refuses, as for an upload.
    """

    kind = TransferKind.IMPORT

    def __init__(
        self,
        store: ImageStore,
        url: str,
        fields: Mapping[str, Any],
        *,
        poll_interval: float = POLL_INTERVAL,
        timeout: float = IMPORT_TIMEOUT,
        allow_unsafe: bool = False,
        force_format: bool = False,
        stall_after: float = STALL_AFTER_S,
    ) -> None:
        super().__init__(url, f"{store.label}: {fields.get('name') or url.rsplit('/', 1)[-1]}")
        if not url.startswith(("http://", "https://")):
            raise Invalid(f"only http and https URLs can be imported, not {url!r}")
        self.store = store
        self.url = url
        self.fields = dict(fields)
        self.poll_interval = max(0.5, poll_interval)
        self.timeout = timeout
        self.allow_unsafe = allow_unsafe
        self.force_format = force_format
        self.stall_after = stall_after
        self.image_id: str | None = None

    async def run(self) -> None:
        schema = await self.store.schema()
        fields = {"container_format": "bare", "name": self.url.rsplit("/", 1)[-1], **self.fields}
        if not fields.get("disk_format"):
            raise Invalid("choose the disk format of the image to import")
        if WEB_DOWNLOAD in schema.import_methods:
            probe = await self._probe(fields["disk_format"])
            await check_quota(self.store, f"importing {self.url}", probe.total)
            await self._create(fields)
            await self._web_download(probe, fields["disk_format"])
        else:
            await self._fetch_and_upload(fields)

    def _guard(self, declared: str) -> Guard:
        return job_guard(
            declared, visible(self.url), allow_unsafe=self.allow_unsafe, force_format=self.force_format
        )

    async def _create(self, fields: Mapping[str, Any]) -> Image:
        image = await self.store.create_image(fields)
        self.image_id = image.id
        self.destination = f"{self.store.label}: {image.id}"
        return image

    # -- the cloud fetches -----------------------------------------------------------

    async def _probe(self, declared: str) -> Probe:
        """Read the URL's first bytes from here; raise if they are refused. Unreachable is no error:
        the cloud may reach what this machine cannot."""
        self.say(f"reading the first bytes of {self.url} from here")
        guard = self._guard(declared)
        headers = {"Range": f"bytes=0-{PROBE_BYTES - 1}"}
        try:
            async with (
                httpx.AsyncClient(follow_redirects=True, timeout=PROBE_TIMEOUT) as client,
                client.stream("GET", self.url, headers=headers) as response,
            ):
                if response.status_code not in (200, 206):
                    return Probe(summary=f"not checked here ({self.url} answered {response.status_code})")
                total = _announced_length(response)
                async with contextlib.aclosing(_body(response)) as body:
                    _, ended = await guard.head(body, PROBE_BYTES)
        except httpx.HTTPError as exc:
            return Probe(summary=f"not checked here (unreachable from this machine: {type(exc).__name__})")
        verdict = guard.verdict if ended else guard.early
        if verdict is None:
            return Probe(total, f"first {PROBE_BYTES >> 20} MiB checked here, nothing refused")
        return Probe(total, f"checked here: {verdict.describe()}")

    async def _web_download(self, probe: Probe, declared: str) -> None:
        assert self.image_id is not None
        image_id = self.image_id
        await self.store.import_image(image_id, WEB_DOWNLOAD, uri=self.url)
        self.say("the cloud is fetching the URL (web-download)")
        watch = ImportWatch(WEB_DOWNLOAD, stall_after=self.stall_after, expected_size=probe.total)
        verdict = await watch_import(
            self.store,
            image_id,
            watch,
            poll_interval=self.poll_interval,
            give_up_after=self.timeout,
            report=self._report,
        )
        if verdict.outcome is Outcome.WRONG_RESULT:
            raise VerificationFailed(f"{self.url}: {verdict.message}")
        if verdict.outcome is not Outcome.FINISHED:
            raise Unavailable(f"the cloud could not import {self.url}: {verdict.sentence()}")
        image = await self.store.get_image(image_id)
        if image.size is not None:
            self.begin(image.size, done=image.size)
        checked = await self._check_result(image, probe, declared)
        self.result = image
        self.message = f"imported as {image.id}; {probe.summary}; {checked}"

    def _report(self, verdict: Verdict) -> None:
        self.say(f"the cloud is fetching the URL ({verdict.message})")

    async def _check_result(self, image: Image, probe: Probe, declared: str) -> str:
        """Check the imported data: its size against the server's length, its first bytes read back."""
        self.say(f"checking the imported image {image.id}")
        guard = self._guard(declared)
        async with self.store.download(image.id) as data, contextlib.aclosing(data.chunks) as chunks:
            _, ended = await guard.head(chunks, PROBE_BYTES)
        verdict = guard.verdict if ended else guard.early
        size = "size matches" if probe.total is not None else "size unchecked (the server gave no length)"
        found = verdict.describe() if verdict else f"first {PROBE_BYTES >> 20} MiB inspected"
        return f"result checked: {found}, {size}"

    # -- fetched here ------------------------------------------------------------------

    async def _fetch_and_upload(self, fields: Mapping[str, Any]) -> None:
        self.say(f"{self.store.label} has no web-download import: fetching the URL here and uploading it")
        await check_quota(self.store, f"importing {self.url}", None)
        hasher = Hasher()
        guard = self._guard(fields["disk_format"])
        image = await self._create(fields)
        async with httpx.AsyncClient(follow_redirects=True, timeout=httpx.Timeout(60.0)) as client:
            try:
                async with client.stream("GET", self.url) as response:
                    if response.status_code != 200:
                        answer = f"{response.status_code} {response.reason_phrase}"
                        raise Unavailable(f"{self.url} answered {answer}")
                    length = response.headers.get("content-length")
                    size = int(length) if length and length.isdigit() else None
                    async with contextlib.aclosing(coalesce(_body(response))) as chunks:
                        head, ended = await guard.head(chunks)
                        self.begin(size, f"fetching {self.url} here (no web-download in {self.store.label})")
                        checked = guard.pass_through(chunks, head, ended)
                        with overriding(allow_unsafe=self.allow_unsafe, force_format=self.force_format):
                            image = await upload_hashed(self, self.store, image.id, checked, size, hasher)
            except httpx.HTTPError as exc:
                raise Unavailable(f"cannot fetch {self.url}: {exc}") from None
        image = await verify_upload(self, self.store, image, hasher)
        self.result = image
        verdict = guard.verdict.describe() if guard.verdict else "inspected"
        where = f"fetched here: {self.store.label} has no web-download"
        self.message = f"imported as {image.id} ({verdict}; {where})"

    async def cleanup(self, *, cancelled: bool) -> str | None:
        image_id, self.image_id = self.image_id, None
        if image_id is None:
            return None
        error = await discard_image(self.store, image_id)
        if error is not None:
            return f"could not delete image {image_id}: {error}"
        return f"image {image_id} deleted"

    def prepare_retry(self) -> None:
        self.image_id = None


def _announced_length(response: httpx.Response) -> int | None:
    """The whole resource's length: from Content-Range on a 206, Content-Length on a 200."""
    if response.status_code == 206:
        match = _CONTENT_RANGE_TOTAL.match(response.headers.get("content-range", "").strip())
        return int(match.group(1)) if match else None
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


async def _body(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.HTTPError as exc:
        raise Unavailable(f"the download was cut: {exc}") from None


__all__ = ["ImportJob"]
