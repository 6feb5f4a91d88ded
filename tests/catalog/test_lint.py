"""Lint: unknown and misspelt keys, bad values, contradictions and required keys."""

from __future__ import annotations

import pytest

from imagedeck.catalog import ERROR, SCS_REQUIRED, WARNING, builtin_catalog, lint, required_keys, worst
from imagedeck.model import Image, Invalid

GIB = 1024**3


def image(**properties: str) -> Image:
    return Image(id="i1", name="web", properties=dict(properties))


def by_key(found: list) -> dict[str, tuple[str, str]]:
    return {f.key: (f.severity, f.message) for f in found}


def test_a_clean_image_has_no_findings() -> None:
    clean = image(hw_disk_bus="scsi", hw_scsi_model="virtio-scsi", os_hash_algo="sha512", os_distro="debian")
    assert lint(clean, builtin_catalog()) == []
    assert worst([]) is None


def test_misspelt_unknown_and_invalid() -> None:
    found = by_key(
        lint(
            image(
                **{
                    "hypervisor-type": "kvm",
                    "hw_disk_buss": "scsi",
                    "cost_centre": "42",
                    "hw_disk_bus": "floppy",
                }
            ),
            builtin_catalog(),
        )
    )
    assert found["hypervisor-type"] == (ERROR, "hypervisor-type is misspelt: the property is hypervisor_type")
    assert found["hw_disk_buss"][0] == ERROR and "did you mean hw_disk_bus?" in found["hw_disk_buss"][1]
    assert found["cost_centre"][0] == WARNING
    assert found["hw_disk_bus"][0] == ERROR and "must be one of scsi, virtio" in found["hw_disk_bus"][1]


@pytest.mark.parametrize("machine", ["pc", "pc-i440fx-8.2", "PC-I440FX-2.11"])
def test_uefi_on_i440fx_contradicts(machine: str) -> None:
    found = by_key(lint(image(hw_firmware_type="uefi", hw_machine_type=machine), builtin_catalog()))
    assert found["hw_machine_type"][0] == ERROR
    assert lint(image(hw_firmware_type="uefi", hw_machine_type="q35"), builtin_catalog()) == []


def test_bios_with_required_secure_boot_contradicts() -> None:
    found = by_key(lint(image(hw_firmware_type="bios", os_secure_boot="required"), builtin_catalog()))
    assert "needs hw_firmware_type=uefi" in found["os_secure_boot"][1]


def test_min_disk_smaller_than_virtual_size() -> None:
    small = Image(id="i", min_disk=1, virtual_size=3 * GIB + 1)
    assert by_key(lint(small, builtin_catalog()))["min_disk"][1].endswith("needs at least 4")
    assert lint(Image(id="i", min_disk=4, virtual_size=3 * GIB + 1), builtin_catalog()) == []


def test_required_keys_and_the_scs_preset() -> None:
    assert required_keys("scs") == SCS_REQUIRED
    assert required_keys("os_distro, scs,image_family")[-1] == "image_family"
    with pytest.raises(Invalid):
        required_keys("os distro")
    found = by_key(
        lint(
            Image(id="i", min_ram=512, properties={"os_distro": "debian"}),
            builtin_catalog(),
            required_keys("scs"),
        )
    )
    assert "min_disk" in found and "min_ram" not in found and "os_distro" not in found
    assert found["image_build_date"] == (ERROR, "image_build_date is required but not set")


def test_errors_come_first() -> None:
    found = lint(image(zz_custom="1", hw_disk_bus="nope"), builtin_catalog())
    assert [f.severity for f in found] == [ERROR, WARNING]
    assert worst(found) == ERROR
