"""Transfer service section: Glance transfers through the per-user service beside curl, and the
service's own peak memory while it moves four large files at once.

The bench starts its own service (``python -m imagedeck.service``) with its socket, journal and
log in the bench's work dir, so that the process measured is the one that moved the bytes: its
peak RSS is ``VmHWM`` and its CPU time ``utime + stime`` from ``/proc/<pid>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imagedeck.service.client import ServiceClient
from imagedeck.service.paths import IDLE_ENV, RUNTIME_ENV, STATE_ENV, ServicePaths
from imagedeck.service.spec import JobSpec, Place
from imagedeck.transfers import TransferState
from imagedeck.transfers.events import TransferKind, TransferProgress

from . import glance_api
from .common import MIB, BenchError, Imagedeck, Section, Target, median, write_pattern_file
from .transfers import _curl_download, _curl_upload, _sha512

#: Seconds the service may take to open its socket.
START_SECONDS = 20.0
RAW = {"disk_format": "raw", "container_format": "bare"}


class RunningService:
    """A service process the bench started, and what /proc says about it."""

    def __init__(self, paths: ServicePaths, process: subprocess.Popen[bytes]) -> None:
        self.paths = paths
        self.process = process
        self.client = ServiceClient(paths)

    def peak_rss(self) -> int:
        """VmHWM in bytes: the most resident memory the process has had."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise BenchError("the service's peak RSS is not in /proc")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def running_service(work: Path, max_running: int = 4, nice: int = 0) -> Iterator[RunningService]:
    """A fresh service for the duration, found by any client of this process (the app's too);
    ``nice`` lowers the CPU priority of its threads (those it starts later inherit it)."""
    shutil.rmtree(work / "svc", ignore_errors=True)  # no job of an earlier service comes back
    paths = ServicePaths(work / "svc" / "run", work / "svc" / "state")
    paths.prepare()
    env = {key: value for key, value in os.environ.items() if not key.startswith("OS_")}
    env |= {RUNTIME_ENV: str(paths.runtime), STATE_ENV: str(paths.state), IDLE_ENV: "3600"}
    saved = {key: os.environ.get(key) for key in (RUNTIME_ENV, STATE_ENV)}
    with open(paths.log, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "imagedeck.service", "--max-running", str(max_running)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,  # as `ServiceClient.spawn` starts it: a session of its own
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not paths.socket.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"the transfer service did not start; see {paths.log}")
            time.sleep(0.05)
        for task in os.listdir(f"/proc/{process.pid}/task") if nice else []:
            os.setpriority(os.PRIO_PROCESS, int(task), nice)
        os.environ[RUNTIME_ENV], os.environ[STATE_ENV] = str(paths.runtime), str(paths.state)
        yield RunningService(paths, process)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def run_jobs(client: ServiceClient, specs: list[JobSpec]) -> tuple[float, list[TransferProgress]]:
    """Submit every spec at once; seconds from the first submit until the last job ends."""
    start = time.perf_counter()
    ids = [await client.submit(spec) for spec in specs]
    ended: dict[str, TransferProgress] = {}
    async with contextlib.aclosing(client.watch(ids, start=False)) as events:
        async for progress in events:
            if progress.job_id in ids and progress.finished:
                ended[progress.job_id] = progress
                if len(ended) == len(ids):
                    break
    seconds = time.perf_counter() - start
    failed = [job.message for job in ended.values() if job.state != TransferState.DONE]
    if failed:
        raise BenchError(f"transfers through the service failed: {failed}")
    return seconds, [ended[job_id] for job_id in ids]


def upload_spec(place: Place, path: Path, name: str) -> JobSpec:
    what: dict[str, Any] = {"path": str(path), "fields": {"name": name, **RAW}}
    return JobSpec(TransferKind.UPLOAD, place, what | {"allow_unsafe": False, "force_format": False})


def download_spec(place: Place, image_id: str, dest: Path) -> JobSpec:
    return JobSpec(TransferKind.DOWNLOAD, place, {"image_id": image_id, "dest": str(dest), "replace": True})


def created_id(progress: TransferProgress) -> str:
    """An upload names its destination ``LABEL: IMAGE_ID``."""
    return progress.destination.rsplit(": ", 1)[-1]


@contextlib.contextmanager
def cpu_hogs(count: int = 2) -> Iterator[None]:
    """``count`` processes that spin a core each for as long as the block runs."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def measure_glance(
    section: Section, held: glance_api.Held, deck: Imagedeck, work: Path, size: int, rounds: int
) -> None:
    """Upload and verified download through the service, each round beside curl, alternating order."""
    assert deck.clouds_yaml is not None
    place = Place(cloud="lab-alice", clouds_yaml=str(deck.clouds_yaml), token_cache=work / "svc-tokens")
    source = work / "svc-pattern.raw"
    write_pattern_file(source, size)
    expected = _sha512(source)
    created: list[str] = []
    cpu: dict[str, list[float]] = {"svc_up": [], "svc": []}
    times: dict[str, list[float]] = {
        key: [] for key in ("curl_up", "svc_up", "tee", "svc", "tee_hog", "svc_hog")
    }
    try:
        with running_service(work, max_running=1) as service:

            async def service_upload(name: str) -> float:
                before = service.cpu_seconds()
                seconds, (job,) = await run_jobs(service.client, [upload_spec(place, source, name)])
                cpu["svc_up"].append(service.cpu_seconds() - before)
                created.append(created_id(job))
                return seconds

            async def service_download(image_id: str, dest: Path) -> float:
                before = service.cpu_seconds()
                seconds = (await run_jobs(service.client, [download_spec(place, image_id, dest)]))[0]
                cpu["svc"].append(service.cpu_seconds() - before)
                return seconds

            asyncio.run(service_upload("bench-svc-warm"))  # opens the store: sign-in is not timed below
            for round_ in range(rounds):
                pair = ["curl", "svc"] if round_ % 2 == 0 else ["svc", "curl"]
                for who in pair:
                    if who == "curl":
                        seconds, image_id = _curl_upload(held, source, "bench-svc-curl")
                        created.append(image_id)
                        times["curl_up"].append(seconds)
                    else:
                        times["svc_up"].append(asyncio.run(service_upload("bench-svc")))
            image_id = created[-1]
            out = work / "svc-download.raw"
            for hog in (False, True):
                suffix = "_hog" if hog else ""
                with cpu_hogs() if hog else contextlib.nullcontext():
                    for round_ in range(rounds):
                        pair = ["curl", "svc"] if round_ % 2 == 0 else ["svc", "curl"]
                        for who in pair:
                            if who == "curl":
                                seconds, digest = _curl_download(held, image_id, out)
                                if digest != expected:
                                    raise BenchError("curl | tee's download does not match the source")
                                times[f"tee{suffix}"].append(seconds)
                            else:
                                times[f"svc{suffix}"].append(asyncio.run(service_download(image_id, out)))
                                if round_ == 0 and not hog and _sha512(out) != expected:
                                    raise BenchError("the service's download does not match the source")
                            out.unlink()
            rss = service.peak_rss()
    finally:
        source.unlink(missing_ok=True)
        for created_image in created:
            glance_api.delete_image(held, created_image)
    _glance_rows(section, size, {key: size / median(values) / 1e6 for key, values in times.items()}, rss)
    upload_cpu, download_cpu = median(cpu["svc_up"][1:]), median(cpu["svc"])
    section.notes.append(
        f"CPU time of the service per job (user + system, median): upload {upload_cpu:.1f} s, "
        f"verified download {download_cpu:.1f} s, for {size / MIB:,.0f} MiB"
    )


def _glance_rows(section: Section, size: int, rates: dict[str, float], rss: int) -> None:
    label = f"{size / MIB:,.0f} MiB"
    for key, value in rates.items():
        section.number(f"service_{key}_{size // MIB}MiB", value)
    rows = [
        ("Glance upload", "curl -T (Expect: off)", "curl_up", "curl_up"),
        ("Glance upload", "through the service (submit to done)", "svc_up", "curl_up"),
        ("Glance verified download", "curl \\| tee FILE \\| sha512sum", "tee", "tee"),
        ("Glance verified download", "through the service (submit to done)", "svc", "tee"),
        (
            "Glance verified download, 2 CPU hogs beside",
            "curl \\| tee FILE \\| sha512sum",
            "tee_hog",
            "tee_hog",
        ),
        ("Glance verified download, 2 CPU hogs beside", "through the service", "svc_hog", "tee_hog"),
    ]
    for what, tool, key, base in rows:
        section.rows.append([f"{what} {label}", tool, f"{rates[key]:.0f}", f"{rates[key] / rates[base]:.2f}"])
    for what, key, base in (
        ("upload", "svc_up", "curl_up"),
        ("verified download", "svc", "tee"),
        ("verified download beside 2 CPU hogs", "svc_hog", "tee_hog"),
    ):
        ratio = rates[key] / rates[base]
        section.targets.append(
            Target(f"Glance {what} {label}, service vs curl", f"{ratio:.2f}", ">= 0.95", ratio >= 0.95)
        )
    mib = section.number("service_glance_rss_mib", rss / MIB)
    section.notes.append(f"peak RSS of the service over these Glance transfers: {mib:.0f} MiB")


def measure_memory(section: Section, work: Path, size: int, jobs: int = 4) -> None:
    """Peak RSS of the service uploading ``jobs`` sparse files of ``size`` at once into a local store."""
    store = work / "svc-mem-store"
    place = Place(store_path=store, project="bench")
    sources = [work / f"svc-sparse-{index}.raw" for index in range(jobs)]
    for path in sources:
        with open(path, "wb") as sparse:
            sparse.truncate(size)
    try:
        with running_service(work, max_running=jobs) as service:
            idle = service.peak_rss()
            specs = [upload_spec(place, path, f"bench-mem-{i}") for i, path in enumerate(sources)]
            seconds, _ = asyncio.run(run_jobs(service.client, specs))
            rss, cpu = service.peak_rss(), service.cpu_seconds()
    finally:
        for path in sources:
            path.unlink(missing_ok=True)
        for path in sorted(store.rglob("*"), reverse=True) if store.exists() else []:
            path.unlink() if path.is_file() else path.rmdir()
    label = f"{jobs} x {size / MIB / 1024:g} GiB" if size >= 1024 * MIB else f"{jobs} x {size / MIB:.0f} MiB"
    mib = section.number("service_rss_mib", rss / MIB)
    rate = section.number("service_local_upload_mb_s", jobs * size / seconds / 1e6)
    section.rows.append(
        [
            f"service uploading {label} at once into the local store (sparse sources), "
            f"{rate:.0f} MB/s in all, {cpu:.0f} s CPU, {idle / MIB:.0f} MiB before",
            f"{mib:.0f} MiB",
        ]
    )
    section.targets.append(Target(f"service peak RSS, {label}", f"{mib:.0f} MiB", "< 150 MB", rss < 150e6))


def measure(
    section: Section,
    memory: Section,
    held: glance_api.Held,
    deck: Imagedeck,
    work: Path,
    sizes: dict[str, Any],
) -> None:
    measure_glance(section, held, deck, work, sizes["service_transfer"], sizes["service_rounds"])
    measure_memory(memory, work, sizes["service_big"])
