"""Shared fixtures for the app's tests: a demo-like local store in tmp_path with fixed ids
and times, settings pointing every path at tmp_path, a fixed clock, and app builders."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.formats import overriding
from imagedeck.stores import local_catalog
from imagedeck.stores.local import LocalStore
from tui_support import DEMO_PROJECT, fixed_clock, record_notes

OTHER_PROJECTS = ("research", "ops")
KIB = 1024


@dataclass(frozen=True)
class Sample:
    """One image of the test catalog and what happens to it after upload."""

    name: str
    owner: str
    disk_format: str
    size: int
    visibility: str = "shared"
    tags: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    protected: bool = False
    min_disk: int = 0
    min_ram: int = 0
    shares: dict[str, str] = field(default_factory=dict)
    deactivated: bool = False
    queued: bool = False


def _os(distro: str, version: str) -> dict[str, str]:
    return {"os_distro": distro, "os_version": version, "architecture": "x86_64"}


#: Like the demo: own images, public ones, and shares in every state, in both directions.
CATALOG = (
    Sample(
        "ubuntu-24.04-server",
        "ops",
        "qcow2",
        640 * KIB,
        visibility="public",
        tags=("lts", "cloud-init"),
        properties=_os("ubuntu", "24.04"),
        min_disk=4,
        min_ram=1024,
    ),
    Sample(
        "debian-12-genericcloud",
        "ops",
        "qcow2",
        512 * KIB,
        visibility="public",
        tags=("cloud-init",),
        properties=_os("debian", "12"),
        protected=True,
    ),
    Sample(
        "cirros-0.6.2",
        "demo",
        "qcow2",
        96 * KIB,
        visibility="private",
        tags=("test", "tiny"),
        properties=_os("cirros", "0.6.2"),
        min_ram=64,
    ),
    Sample(
        "demo-app-golden",
        "demo",
        "qcow2",
        768 * KIB,
        tags=("golden",),
        properties=_os("ubuntu", "24.04") | {"app_version": "2.3.1"},
        min_disk=8,
        min_ram=2048,
        shares={"research": "pending", "ops": "accepted"},
    ),
    Sample(
        "centos-stream-9",
        "demo",
        "raw",
        384 * KIB,
        visibility="private",
        tags=("cloud-init",),
        properties=_os("centos", "9"),
        min_disk=10,
    ),
    Sample(
        "legacy-appliance",
        "demo",
        "vmdk",
        256 * KIB,
        visibility="private",
        properties={"hw_disk_bus": "scsi", "vmware_adaptertype": "lsiLogic"},
        deactivated=True,
    ),
    Sample("build-in-progress", "demo", "qcow2", 0, visibility="private", tags=("wip",), queued=True),
    Sample(
        "windows-server-2022-eval",
        "research",
        "vhdx",
        896 * KIB,
        tags=("eval",),
        properties={"os_distro": "windows", "os_type": "windows"},
        min_disk=40,
        min_ram=4096,
        shares={"demo": "pending"},
    ),
    Sample(
        "fedora-40-cloud",
        "research",
        "raw",
        448 * KIB,
        tags=("cloud-init",),
        properties=_os("fedora", "40"),
        shares={"demo": "pending"},
    ),
    Sample(
        "alpine-3.20-virt",
        "ops",
        "iso",
        320 * KIB,
        tags=("installer",),
        properties=_os("alpine", "3.20"),
        shares={"demo": "pending"},
    ),
    Sample(
        "rocky-9-genericcloud",
        "research",
        "vmdk",
        576 * KIB,
        tags=("cloud-init",),
        properties=_os("rocky", "9"),
        shares={"demo": "accepted"},
    ),
    Sample(
        "freebsd-14.1",
        "ops",
        "vdi",
        352 * KIB,
        properties=_os("freebsd", "14.1"),
        shares={"demo": "rejected"},
    ),
)


def sample_bytes(sample: Sample) -> bytes:
    """Deterministic bytes per image, so hashes are the same on every run."""
    seed = hashlib.sha512(sample.name.encode()).digest()
    return (seed * (sample.size // len(seed) + 1))[: sample.size]


#: Catalog times start here and advance 37 minutes per write.
FIRST_STAMP = datetime(2026, 5, 20, 8, 0, 0, tzinfo=UTC)


def image_id(name: str) -> str:
    """The same id for the same sample name on every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"imagedeck-test/{name}"))


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No config, theme, cloud or colour preference of the developer leaks into a test."""
    for name in ("IMAGEDECK_CONFIG", "IMAGEDECK_STORE", "IMAGEDECK_PROJECT", "OS_CLOUD", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))  # the action log


@pytest.fixture(autouse=True)
def recorded_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app's notifications are readable by `tui_support.notes`."""
    record_notes(monkeypatch)


@pytest.fixture
def fixed_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalog timestamps from a counter, so snapshots show the same times and ages."""
    counter = itertools.count()

    def stamp() -> str:
        moment = FIRST_STAMP + timedelta(minutes=37 * next(counter))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    monkeypatch.setattr(local_catalog, "now_stamp", stamp)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def seed(path: Path, samples: tuple[Sample, ...] = CATALOG) -> None:
    """The demo catalog with ids derived from names (the demo seeder picks random ones)."""
    projects = (DEMO_PROJECT, *OTHER_PROJECTS)
    stores = {name: LocalStore(path, name, admin=True) for name in projects}
    try:
        for sample in samples:
            owner = stores[sample.owner]
            fields = {
                "id": image_id(sample.name),
                "name": sample.name,
                "disk_format": sample.disk_format,
                "container_format": "bare",
                "visibility": sample.visibility,
                "min_disk": sample.min_disk,
                "min_ram": sample.min_ram,
                "tags": list(sample.tags),
                "protected": sample.protected,
                **sample.properties,
            }
            image = await owner.create_image(fields)
            if not sample.queued:
                data = sample_bytes(sample)
                with overriding(allow_unsafe=True, force_format=True):  # stand-in bytes, not real images
                    await owner.upload(image.id, _chunks(data), len(data))
            for project, answer in sample.shares.items():
                await owner.add_member(image.id, project)
                if answer != "pending":
                    await stores[project].set_member_status(image.id, project, answer)
            if sample.deactivated:
                await owner.deactivate(image.id)
    finally:
        for store in stores.values():
            await store.close()


@pytest.fixture
def store_path(tmp_path: Path, fixed_stamps: None) -> Path:
    path = tmp_path / "store"
    asyncio.run(seed(path))
    return path


@pytest.fixture
def settings(tmp_path: Path, store_path: Path) -> Settings:
    return Settings(
        store_path=store_path,
        cloud=None,
        project=DEMO_PROJECT,
        themes_dir=tmp_path / "themes",
        token_cache=False,
    )


@pytest.fixture
def make_app(settings: Settings) -> Iterator[Callable[..., ImageDeckApp]]:
    """Build an app on the seeded store; keyword arguments change the settings."""

    def build(**changes: object) -> ImageDeckApp:
        chosen = settings.replace(**changes) if changes else settings
        store = LocalStore(chosen.store_path, chosen.project, admin=chosen.admin)
        return ImageDeckApp(chosen, store, clock=fixed_clock, environ={})

    yield build
