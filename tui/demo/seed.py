"""A throwaway local store full of realistic images, projects and shares.

``imagedeck --demo`` opens the TUI on it so that a newcomer sees every pane populated:
the demo project's own images, public ones, shares waiting for an answer, and shares
the demo project made to others. Tests and screenshots use the same data.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..config import Settings
from ..model import MemberStatus
from ..stores import ImageStore
from ..stores.local_catalog import stamped_as
from .images import image_bytes

#: The project the demo runs as, and the others that own images shared with it.
DEMO_PROJECT = "demo"
OTHER_PROJECTS = ("research", "ops")


@dataclass(frozen=True, slots=True)
class Sample:
    """One image of the demo catalog and what happens to it after upload."""

    name: str
    owner: str
    disk_format: str
    #: disk size the VM sees; sparse formats stay small on disk, raw and vhd do not
    virtual_size: int
    visibility: str = "shared"
    container_format: str = "bare"
    properties: dict[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    protected: bool = False
    min_disk: int = 0
    min_ram: int = 0
    #: project -> the answer that project gives to the share
    shares: dict[str, str] = field(default_factory=dict)
    deactivated: bool = False
    #: left without data, as an upload that never happened
    queued: bool = False
    #: how long ago it was made (and last changed), so ages, sorting and time filters mean something
    age: timedelta = timedelta(days=1)


def _linux(distro: str, version: str, bus: str = "virtio") -> dict[str, str]:
    return {
        "os_distro": distro,
        "os_version": version,
        "os_type": "linux",
        "architecture": "x86_64",
        "hw_disk_bus": bus,
    }


MIB = 1024 * 1024
GIB = 1024 * MIB
PENDING, ACCEPTED, REJECTED = MemberStatus.PENDING, MemberStatus.ACCEPTED, MemberStatus.REJECTED

CATALOG: tuple[Sample, ...] = (
    Sample(
        "ubuntu-24.04-server",
        "ops",
        "qcow2",
        int(3.5 * GIB),
        visibility="public",
        properties=_linux("ubuntu", "24.04") | {"hw_qemu_guest_agent": "yes"},
        tags=("lts", "cloud-init"),
        min_disk=4,
        min_ram=1024,
        age=timedelta(days=12),
    ),
    Sample(
        "debian-12-genericcloud",
        "ops",
        "qcow2",
        3 * GIB,
        visibility="public",
        properties=_linux("debian", "12"),
        tags=("cloud-init",),
        protected=True,
        min_disk=3,
        min_ram=512,
        age=timedelta(days=40),
    ),
    Sample(
        "cirros-0.6.2",
        "demo",
        "qcow2",
        112 * MIB,
        visibility="private",
        properties=_linux("cirros", "0.6.2"),
        tags=("test", "tiny"),
        min_ram=64,
        age=timedelta(days=95),
    ),
    Sample(
        "demo-app-golden",
        "demo",
        "qcow2",
        8 * GIB,
        properties=_linux("ubuntu", "24.04") | {"app_version": "2.3.1"},
        tags=("golden",),
        min_disk=8,
        min_ram=2048,
        shares={"research": PENDING, "ops": ACCEPTED},
        age=timedelta(days=2, hours=3),
    ),
    Sample(
        "centos-stream-9",
        "demo",
        "raw",
        2 * MIB,
        visibility="private",
        properties=_linux("centos", "9"),
        tags=("cloud-init",),
        min_disk=10,
        age=timedelta(days=21),
    ),
    Sample(
        "legacy-appliance",
        "demo",
        "vmdk",
        16 * GIB,
        visibility="private",
        properties={"architecture": "x86_64", "hw_disk_bus": "scsi", "vmware_adaptertype": "lsiLogic"},
        deactivated=True,
        age=timedelta(days=400),
    ),
    Sample(
        "build-in-progress",
        "demo",
        "qcow2",
        20 * GIB,
        visibility="private",
        queued=True,
        tags=("wip",),
        age=timedelta(minutes=20),
    ),
    Sample(
        "windows-server-2022-eval",
        "research",
        "vhd",
        8 * MIB,
        properties={
            "os_distro": "windows",
            "os_version": "2022",
            "os_type": "windows",
            "architecture": "x86_64",
            "hw_disk_bus": "sata",
            "hw_firmware_type": "uefi",
        },
        tags=("eval",),
        min_disk=40,
        min_ram=4096,
        shares={"demo": PENDING},
        age=timedelta(days=5),
    ),
    Sample(
        "fedora-40-cloud",
        "research",
        "raw",
        3 * MIB,
        properties=_linux("fedora", "40"),
        tags=("cloud-init",),
        min_disk=5,
        shares={"demo": PENDING},
        age=timedelta(hours=6),
    ),
    Sample(
        "alpine-3.20-virt",
        "ops",
        "iso",
        0,
        properties=_linux("alpine", "3.20", bus="ide"),
        tags=("installer",),
        shares={"demo": PENDING},
        age=timedelta(days=1, hours=2),
    ),
    Sample(
        "rocky-9-genericcloud",
        "research",
        "vmdk",
        10 * GIB,
        properties=_linux("rocky", "9", bus="scsi"),
        tags=("cloud-init",),
        min_disk=10,
        shares={"demo": ACCEPTED},
        age=timedelta(days=60),
    ),
    Sample(
        "freebsd-14.1",
        "ops",
        "vdi",
        5 * GIB,
        properties={
            "os_distro": "freebsd",
            "os_version": "14.1",
            "os_type": "bsd",
            "architecture": "x86_64",
            "hw_disk_bus": "sata",
        },
        shares={"demo": REJECTED},
        age=timedelta(days=130),
    ),
)


@dataclass(frozen=True, slots=True)
class DemoStore:
    """Where the demo store was made and whom it was made for."""

    path: Path
    project: str
    projects: tuple[str, ...]
    image_count: int

    def settings(self, base: Settings) -> Settings:
        """``base`` pointed at this store, acting as the demo project."""
        return base.replace(store_path=self.path, cloud=None, project=self.project, admin=False)


def demo_image_id(name: str) -> str:
    """The same id for the same sample on every run, so screenshots and docs agree."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"imagedeck-demo/{name}"))


async def _chunks(data: bytes, size: int = MIB) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _local(path: Path, project: str, *, admin: bool = False) -> ImageStore:
    from ..stores.local import LocalStore

    return LocalStore(path, project, admin=admin)


async def seed_demo(path: Path) -> DemoStore:
    """Fill an empty directory with the demo catalog; returns how to open it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    projects = (DEMO_PROJECT, *OTHER_PROJECTS)
    # Admin stores for every project: public images and deactivation need the role.
    stores = {name: _local(path, name, admin=True) for name in projects}
    for store in stores.values():
        await store.open()
    try:
        ids = {name: (await store.whoami()).project_id for name, store in stores.items()}
        now = datetime.now(UTC)
        for sample in CATALOG:
            with stamped_as(now - sample.age):
                await _add(stores, ids, sample)
    finally:
        for store in stores.values():
            await store.close()
    return DemoStore(path=path, project=DEMO_PROJECT, projects=projects, image_count=len(CATALOG))


async def _add(stores: dict[str, ImageStore], ids: dict[str, str], sample: Sample) -> None:
    owner = stores[sample.owner]
    fields: dict[str, object] = {
        "id": demo_image_id(sample.name),
        "name": sample.name,
        "disk_format": sample.disk_format,
        "container_format": sample.container_format,
        "visibility": sample.visibility,
        "min_disk": sample.min_disk,
        "min_ram": sample.min_ram,
        "tags": list(sample.tags),
        "protected": sample.protected,
        **sample.properties,
    }
    image = await owner.create_image(fields)
    if not sample.queued:
        data = image_bytes(sample.disk_format, sample.virtual_size)
        await owner.upload(image.id, _chunks(data), len(data))
    for project, answer in sample.shares.items():
        await owner.add_member(image.id, ids[project])
        if answer != MemberStatus.PENDING:
            await stores[project].set_member_status(image.id, ids[project], answer)
    if sample.deactivated:
        await owner.deactivate(image.id)


__all__ = ["CATALOG", "DEMO_PROJECT", "OTHER_PROJECTS", "DemoStore", "Sample", "demo_image_id", "seed_demo"]
