"""Sections 3 and 4 (transfer part): imagedeck vs curl on Glance, vs cp + sha512sum locally."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shlex
import time
from pathlib import Path

from imagedeck.stores.clouds import get_cloud
from imagedeck.stores.glance import GlanceStore
from imagedeck.transfers import DownloadJob, TransferManager, TransferState, UploadJob

from . import glance_api
from .common import MIB, BenchError, Imagedeck, Section, Target, mb_s, run_timed


def _uploaded_id(stdout: str) -> str:
    """The new image's id from ``imagedeck --json upload`` (a job record holding the image)."""
    data = json.loads(stdout)
    return data["image"]["id"] if "image" in data else data["id"]


def _sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as data:
        while chunk := data.read(4 * MIB):
            digest.update(chunk)
    return digest.hexdigest()


def _curl_upload(held: glance_api.Held, path: Path, name: str) -> tuple[float, str]:
    image_id = glance_api.create_image(held, name)
    done = run_timed(
        [
            "curl",
            "-sS",
            "-f",
            "-T",
            str(path),
            "-H",
            "Expect:",
            "-H",
            "Content-Type: application/octet-stream",
            "-H",
            f"X-Auth-Token: {held.token}",
            f"{held.glance}/v2/images/{image_id}/file",
        ]
    )
    return done.wall, image_id


def _curl_download(held: glance_api.Held, image_id: str, to: Path | None = None) -> tuple[float, str]:
    """``curl | sha512sum``; with ``to``, ``curl | tee to | sha512sum``, which also writes the file."""
    tee = f" | tee {shlex.quote(str(to))}" if to is not None else ""
    script = (
        f"curl -sS -f -H {shlex.quote('X-Auth-Token: ' + held.token)} "
        f"{shlex.quote(f'{held.glance}/v2/images/{image_id}/file')}{tee} | sha512sum"
    )
    done = run_timed(["bash", "-o", "pipefail", "-c", script])
    return done.wall, done.stdout.split()[0]


async def _engine(deck: Imagedeck, path: Path, name: str, out: Path) -> tuple[float, float, str]:
    """In-process transfer engine: upload then verified download; seconds for each."""
    cloud = get_cloud("lab-alice", environ={"OS_CLIENT_CONFIG_FILE": str(deck.clouds_yaml)})
    store = GlanceStore(cloud, token_cache=deck.work / "engine-tokens")
    await store.open()
    manager = TransferManager()
    try:
        start = time.perf_counter()
        upload = UploadJob(store, path, {"name": name, "disk_format": "raw", "container_format": "bare"})
        await manager.wait(manager.submit(upload))
        up = time.perf_counter() - start
        if upload.state != TransferState.DONE:
            raise BenchError(f"engine upload ended {upload.state}: {upload.message}")
        image_id = upload.image_id  # type: ignore[attr-defined]
        start = time.perf_counter()
        download = DownloadJob(store, image_id, out)
        await manager.wait(manager.submit(download))
        down = time.perf_counter() - start
        if download.state != TransferState.DONE:
            raise BenchError(f"engine download ended {download.state}: {download.message}")
        return up, down, image_id
    finally:
        await store.close()


def measure_glance(
    section: Section, memory: Section, held: glance_api.Held, deck: Imagedeck, work: Path, size: int, big: int
) -> None:
    """1 GiB-class round trips: CLI, engine in-process and curl; then peak RSS with a ``big`` sparse file."""
    source = work / "pattern.raw"
    from .common import write_pattern_file

    write_pattern_file(source, size)
    expected = _sha512(source)
    env = deck.env()
    created: list[str] = []
    try:
        curl_up, curl_id = _curl_upload(held, source, "bench-curl")
        created.append(curl_id)
        curl_down, digest = _curl_download(held, curl_id)
        if digest != expected:
            raise BenchError("curl's download does not match the source")
        tee_out = work / "curl-download.raw"
        tee_down, digest = _curl_download(held, curl_id, tee_out)
        tee_out.unlink()
        if digest != expected:
            raise BenchError("curl | tee's download does not match the source")

        up = run_timed(
            deck.argv(
                "--cloud",
                "lab-alice",
                "--json",
                "upload",
                str(source),
                "--name",
                "bench-cli",
                "--disk-format",
                "raw",
            ),
            env,
        )
        cli_id = _uploaded_id(up.stdout)
        created.append(cli_id)
        out = work / "cli-download.raw"
        down = run_timed(deck.argv("--cloud", "lab-alice", "download", cli_id, "-o", str(out)), env)
        if _sha512(out) != expected:
            raise BenchError("imagedeck's download does not match the source")
        out.unlink()

        eng_up, eng_down, eng_id = asyncio.run(_engine(deck, source, "bench-engine", work / "engine.raw"))
        created.append(eng_id)
        (work / "engine.raw").unlink()
    finally:
        for image_id in created:
            glance_api.delete_image(held, image_id)
        source.unlink(missing_ok=True)

    rates = {
        "curl_up": mb_s(size, curl_up),
        "curl_down": mb_s(size, curl_down),
        "tee_down": mb_s(size, tee_down),
        "cli_up": mb_s(size, up.wall),
        "cli_down": mb_s(size, down.wall),
        "engine_up": mb_s(size, eng_up),
        "engine_down": mb_s(size, eng_down),
    }
    for key, value in rates.items():
        section.number(f"glance_{key}_{size // MIB}MiB", value)
    label = f"{size / MIB:,.0f} MiB"
    section.rows += [
        [f"Glance upload {label}", "curl -T (Expect: off)", f"{rates['curl_up']:.0f}", "1.00"],
        [
            f"Glance upload {label}",
            "imagedeck upload (CLI, whole command)",
            f"{rates['cli_up']:.0f}",
            f"{rates['cli_up'] / rates['curl_up']:.2f}",
        ],
        [
            f"Glance upload {label}",
            "transfer engine (in-process UploadJob)",
            f"{rates['engine_up']:.0f}",
            f"{rates['engine_up'] / rates['curl_up']:.2f}",
        ],
        [
            f"Glance verified download {label}",
            "curl \\| tee FILE \\| sha512sum (writes the file; no fsync)",
            f"{rates['tee_down']:.0f}",
            "1.00",
        ],
        [
            f"Glance verified download {label}",
            "curl \\| sha512sum (writes no file)",
            f"{rates['curl_down']:.0f}",
            f"{rates['curl_down'] / rates['tee_down']:.2f}",
        ],
        [
            f"Glance verified download {label}",
            "imagedeck download (CLI, to a file)",
            f"{rates['cli_down']:.0f}",
            f"{rates['cli_down'] / rates['tee_down']:.2f}",
        ],
        [
            f"Glance verified download {label}",
            "transfer engine (in-process DownloadJob)",
            f"{rates['engine_down']:.0f}",
            f"{rates['engine_down'] / rates['tee_down']:.2f}",
        ],
    ]
    for kind, word, base in (("up", "upload", "curl_up"), ("down", "verified download", "tee_down")):
        ratio = rates[f"cli_{kind}"] / rates[base]
        section.targets.append(
            Target(f"Glance {word} {label}, CLI vs curl", f"{ratio:.0%}", ">= 90%", ratio >= 0.9)
        )
        ratio = rates[f"engine_{kind}"] / rates[base]
        section.targets.append(
            Target(f"Glance {word} {label}, engine vs curl", f"{ratio:.0%}", ">= 90%", ratio >= 0.9)
        )
    for label_rss, value in (("CLI upload", up.peak_rss), ("CLI download", down.peak_rss)):
        memory.rows.append([f"{label_rss} of {label} (Glance)", f"{value / MIB:.0f} MiB"])
    _memory_big(memory, held, deck, work, big)


def _memory_big(memory: Section, held: glance_api.Held, deck: Imagedeck, work: Path, size: int) -> None:
    """Peak RSS of the CLI moving a ``size`` sparse file up and back down (wait4's ru_maxrss)."""
    source = work / "sparse.raw"
    with open(source, "wb") as sparse:
        sparse.truncate(size)
    env = deck.env()
    label = f"{size / MIB / 1024:g} GiB" if size >= 1024 * MIB else f"{size / MIB:.0f} MiB"
    image_id = None
    try:
        up = run_timed(
            deck.argv(
                "--cloud",
                "lab-alice",
                "--json",
                "upload",
                str(source),
                "--name",
                "bench-sparse",
                "--disk-format",
                "raw",
            ),
            env,
        )
        image_id = _uploaded_id(up.stdout)
        out = work / "sparse-download.raw"
        down = run_timed(deck.argv("--cloud", "lab-alice", "download", image_id, "-o", str(out)), env)
        if out.stat().st_size != size:
            raise BenchError("the sparse download has the wrong size")
        out.unlink()
    finally:
        source.unlink(missing_ok=True)
        if image_id:
            glance_api.delete_image(held, image_id)
    for what, timed in (("upload", up), ("download", down)):
        mib = memory.number(f"rss_{what}_{size // MIB}MiB", timed.peak_rss / MIB)
        memory.rows.append(
            [
                f"CLI {what} of {label} (Glance, sparse source, {mb_s(size, timed.wall):.0f} MB/s)",
                f"{mib:.0f} MiB",
            ]
        )
        memory.targets.append(
            Target(f"peak RSS, {label} {what}", f"{mib:.0f} MiB", "< 150 MB", timed.peak_rss < 150e6)
        )


def measure_local(section: Section, deck: Imagedeck, work: Path, size: int) -> None:
    """Local store upload/download vs cp + sha512sum of the same file on the same disk."""
    source = work / "local-pattern.raw"
    from .common import write_pattern_file

    write_pattern_file(source, size)
    store = work / "local-transfer-store"
    env = deck.env()
    base = ["--store", str(store), "--project", "bench"]
    try:
        copy = work / "copy.raw"
        cp_up = run_timed(
            [
                "bash",
                "-c",
                f"cp {shlex.quote(str(source))} {shlex.quote(str(copy))} && "
                f"sha512sum {shlex.quote(str(copy))}",
            ]
        ).wall
        copy.unlink()
        up = run_timed(
            deck.argv(
                *base, "--json", "upload", str(source), "--name", "bench-local", "--disk-format", "raw"
            ),
            env,
        )
        image_id = _uploaded_id(up.stdout)
        out = work / "local-download.raw"
        down = run_timed(deck.argv(*base, "download", image_id, "-o", str(out)), env)
        if _sha512(out) != _sha512(source):
            raise BenchError("local download does not match the source")
        out.unlink()
        blob = max(store.rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else -1)
        cp_down = run_timed(
            [
                "bash",
                "-c",
                f"cp {shlex.quote(str(blob))} {shlex.quote(str(copy))} && sha512sum {shlex.quote(str(copy))}",
            ]
        ).wall
        copy.unlink()
    finally:
        source.unlink(missing_ok=True)
        for path in sorted(store.rglob("*"), reverse=True) if store.exists() else []:
            path.unlink() if path.is_file() else path.rmdir()
    label = f"{size / MIB:,.0f} MiB"
    rates = {
        "cp_up": mb_s(size, cp_up),
        "up": mb_s(size, up.wall),
        "cp_down": mb_s(size, cp_down),
        "down": mb_s(size, down.wall),
    }
    for key, value in rates.items():
        section.number(f"local_{key}_{size // MIB}MiB", value)
    section.rows += [
        [f"local store upload {label}", "cp + sha512sum", f"{rates['cp_up']:.0f}", "1.00"],
        [
            f"local store upload {label}",
            "imagedeck upload (CLI)",
            f"{rates['up']:.0f}",
            f"{rates['up'] / rates['cp_up']:.2f}",
        ],
        [f"local store download {label}", "cp + sha512sum", f"{rates['cp_down']:.0f}", "1.00"],
        [
            f"local store download {label}",
            "imagedeck download (CLI, verified)",
            f"{rates['down']:.0f}",
            f"{rates['down'] / rates['cp_down']:.2f}",
        ],
    ]
    for kind, word in (("up", "upload"), ("down", "verified download")):
        ratio = rates[kind] / rates[f"cp_{kind}"]
        section.targets.append(
            Target(
                f"local store {word} {label}, CLI vs cp + sha512sum", f"{ratio:.0%}", ">= 90%", ratio >= 0.9
            )
        )
    os.sync()
