"""The property catalog: known keys, value checks, did-you-mean and completion."""

from __future__ import annotations

import pytest

from imagedeck.catalog import PropertyCatalog, PropertyDef, builtin_catalog, namespace_definitions


@pytest.fixture(scope="module")
def catalog() -> PropertyCatalog:
    return builtin_catalog()


def test_builtin_knows_hardware_os_and_lifecycle_keys(catalog: PropertyCatalog) -> None:
    for key in (
        "hw_disk_bus",
        "hw_scsi_model",
        "hw_vif_model",
        "hw_firmware_type",
        "hw_machine_type",
        "hw_video_model",
        "hw_rng_model",
        "hw_qemu_guest_agent",
        "hw_cpu_sockets",
        "os_type",
        "os_distro",
        "os_version",
        "os_secure_boot",
        "architecture",
        "hypervisor_type",
        "img_config_drive",
        "image_build_date",
        "image_original_user",
        "image_source",
        "image_description",
        "replace_frequency",
        "provided_until",
        "uuid_validity",
        "hotfix_hours",
        "patchlevel",
    ):
        assert catalog.known(key), key


def test_glance_reserved_keys_are_never_unknown(catalog: PropertyCatalog) -> None:
    for key in (
        "os_hash_algo",
        "os_hash_value",
        "owner_specified.openstack.sha256",
        "os_glance_failed_import",
        "stores",
        "trait:CUSTOM_GPU",
        "trait:HW_CPU_X86_AVX2",
    ):
        assert catalog.known(key), key
        assert catalog.did_you_mean(key) == []


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("hypervisor-type", "hypervisor_type"),
        ("hw_disk_buss", "hw_disk_bus"),
        ("HW_Disk_Bus", "hw_disk_bus"),
        ("os_distr", "os_distro"),
        ("hw_scsi_modle", "hw_scsi_model"),
    ],
)
def test_did_you_mean(catalog: PropertyCatalog, typo: str, meant: str) -> None:
    assert not catalog.known(typo)
    assert catalog.did_you_mean(typo)[0] == meant


def test_a_custom_key_far_from_any_known_one_has_no_suggestion(catalog: PropertyCatalog) -> None:
    assert catalog.did_you_mean("company_cost_centre") == []


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("hw_disk_bus", "virtio", None),
        ("hw_disk_bus", "virtoi", "hw_disk_bus must be one of scsi, virtio,"),
        ("hw_vif_multiqueue_enabled", "True", None),
        ("hw_vif_multiqueue_enabled", "maybe", "must be true or false"),
        ("hw_cpu_sockets", "2", None),
        ("hw_cpu_sockets", "0", "must be a whole number of at least 1, not '0'"),
        ("hw_cpu_sockets", "two", "must be a whole number, not 'two'"),
        ("hotfix_hours", "-1", "of at least 0"),
        ("provided_until", "2027-06-30", None),
        ("provided_until", "next year", "must match the pattern"),
        ("uuid_validity", "last-3", None),
        ("os_distro", "almalinux", None),  # suggested values are not enforced
        ("company_cost_centre", "x", None),  # unknown keys have no values to check
    ],
)
def test_validate(catalog: PropertyCatalog, key: str, value: str, expected: str | None) -> None:
    problem = catalog.validate(key, value)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_range_and_array_items() -> None:
    prop = PropertyDef("hw_video_ram", type="integer", minimum=0, maximum=64)
    assert prop.validate("65") == "hw_video_ram must be a whole number from 0 to 64, not '65'"
    listy = PropertyDef("os_features", type="array", enum=("a", "b"))
    assert listy.validate("a, b") is None
    assert "must be one of a, b" in (listy.validate("a,c") or "")


def test_completion_by_prefix(catalog: PropertyCatalog) -> None:
    found = catalog.complete("hw_disk")
    assert found[0] == "hw_disk_bus"
    assert all(name.startswith("hw_disk") for name in found)
    assert catalog.complete("zz_") == []


def test_metadefs_namespace_with_objects_and_arrays() -> None:
    body = {
        "namespace": "OS::Compute::Example",
        "properties": {
            "hw_boot_menu": {"title": "Boot menu", "type": "string", "enum": ["true", "false"]},
            "hw_mem_mb": {"type": "integer", "minimum": 1, "maximum": 4},
        },
        "objects": [
            {"name": "thing", "properties": {"hw_list": {"type": "array", "items": {"enum": ["x"]}}}}
        ],
    }
    defs = {d.name: d for d in namespace_definitions(body)}
    assert set(defs) == {"hw_boot_menu", "hw_mem_mb", "hw_list"}
    assert defs["hw_boot_menu"].enum == ("true", "false")
    assert defs["hw_boot_menu"].namespace == "OS::Compute::Example"
    assert defs["hw_mem_mb"].validate("5") is not None
    assert defs["hw_list"].validate("y") is not None


def test_catalog_round_trips_through_json(catalog: PropertyCatalog) -> None:
    again = PropertyCatalog.from_json(catalog.to_json())
    assert again.properties == catalog.properties
    assert again.source == "imported"
    with pytest.raises(ValueError, match="not a property catalog"):
        PropertyCatalog.from_json({"nothing": 1})
