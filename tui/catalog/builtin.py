"""The properties imagedeck knows without asking a cloud: the local store's catalog, and
what a cloud's metadata definitions are merged into (they leave out the lifecycle keys
and, for non-admins, the operating-system ones).

Written from the documentation of Nova's and Glance's useful image properties and of the
SCS image-metadata standard (scs-0102); the values are those the compute service reads.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .properties import PropertyCatalog, PropertyDef

_HW = "hardware"
_OS = "operating system"
_SCS = "SCS lifecycle"
_NOVA = "snapshot"

_DATE = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?Z?)?$"
_BOOL = {"type": "boolean"}


def _p(name: str, namespace: str, description: str, **kw: Any) -> PropertyDef:
    for key in ("enum", "suggestions"):
        if key in kw:
            kw[key] = tuple(kw[key].split())
    return PropertyDef(name=name, namespace=namespace, description=description, **kw)


_DEFINITIONS = (
    # -- hardware the guest sees
    _p(
        "hw_disk_bus",
        _HW,
        "Bus the root disk is attached with.",
        enum="scsi virtio uml xen ide usb fdc sata lxc",
    ),
    _p(
        "hw_cdrom_bus", _HW, "Bus a CD-ROM is attached with.", enum="scsi virtio uml xen ide usb fdc sata lxc"
    ),
    _p(
        "hw_floppy_bus",
        _HW,
        "Bus a floppy is attached with.",
        enum="scsi virtio uml xen ide usb fdc sata lxc",
    ),
    _p(
        "hw_rescue_bus",
        _HW,
        "Bus the rescue disk is attached with.",
        enum="scsi virtio uml xen ide usb fdc sata lxc",
    ),
    _p("hw_rescue_device", _HW, "Device type of the rescue disk.", enum="disk cdrom floppy"),
    _p(
        "hw_scsi_model",
        _HW,
        "SCSI controller model; virtio-scsi for virtio SCSI disks.",
        enum="virtio-scsi lsilogic lsisas1068 buslogic vmpvscsi",
    ),
    _p(
        "hw_vif_model",
        _HW,
        "Network card model.",
        enum="virtio e1000 e1000e ne2k_pci pcnet rtl8139 igb lan9118 netfront spapr-vlan vmxnet3 "
        "VirtualE1000 VirtualE1000e VirtualPCNet32 VirtualVmxnet VirtualVmxnet3 VirtualSriovEthernetCard",
    ),
    _p("hw_vif_multiqueue_enabled", _HW, "One network queue per vCPU (virtio).", **_BOOL),
    _p("hw_firmware_type", _HW, "Firmware the guest boots with.", enum="bios uefi"),
    _p(
        "hw_machine_type",
        _HW,
        "QEMU machine type, e.g. q35 or pc-i440fx-8.2 (pc is i440fx).",
        suggestions="q35 pc virt pseries s390-ccw-virtio",
    ),
    _p("hw_video_model", _HW, "Graphics adapter.", enum="vga cirrus vmvga xen qxl virtio gop none bochs"),
    _p("hw_video_ram", _HW, "Video RAM in MiB (limited by the flavor).", type="integer", minimum=0),
    _p("hw_rng_model", _HW, "Random-number device given to the guest.", enum="virtio"),
    _p(
        "hw_qemu_guest_agent", _HW, "The image runs the QEMU guest agent (quiesced snapshots).", enum="yes no"
    ),
    _p(
        "hw_watchdog_action",
        _HW,
        "What the watchdog does when the guest hangs.",
        enum="disabled reset poweroff pause none",
    ),
    _p("hw_pointer_model", _HW, "Pointer device.", enum="usbtablet"),
    _p("hw_input_bus", _HW, "Bus of input devices.", enum="usb virtio"),
    _p("hw_boot_menu", _HW, "Show the firmware boot menu.", **_BOOL),
    _p("hw_cpu_sockets", _HW, "Preferred vCPU sockets.", type="integer", minimum=1),
    _p("hw_cpu_cores", _HW, "Preferred cores per socket.", type="integer", minimum=1),
    _p("hw_cpu_threads", _HW, "Preferred threads per core.", type="integer", minimum=1),
    _p("hw_cpu_max_sockets", _HW, "Most vCPU sockets the guest supports.", type="integer", minimum=1),
    _p("hw_cpu_max_cores", _HW, "Most cores per socket the guest supports.", type="integer", minimum=1),
    _p("hw_cpu_max_threads", _HW, "Most threads per core the guest supports.", type="integer", minimum=1),
    _p("hw_cpu_policy", _HW, "Pin vCPUs to host CPUs.", enum="shared dedicated mixed"),
    _p("hw_cpu_thread_policy", _HW, "How pinned vCPUs use host SMT siblings.", enum="prefer isolate require"),
    _p("hw_numa_nodes", _HW, "Guest NUMA nodes.", type="integer", minimum=1),
    _p(
        "hw_mem_page_size",
        _HW,
        "Memory page size: small, large, any or a size in KiB.",
        suggestions="small large any 2048 1048576",
    ),
    _p("hw_mem_encryption", _HW, "Encrypt guest memory (AMD SEV).", **_BOOL),
    _p("hw_pmu", _HW, "Expose a virtual performance monitoring unit.", **_BOOL),
    _p("hw_tpm_model", _HW, "Virtual TPM model.", enum="tpm-tis tpm-crb"),
    _p("hw_tpm_version", _HW, "Virtual TPM version.", enum="1.2 2.0"),
    _p("hw_serial_port_count", _HW, "Serial ports of the guest.", type="integer", minimum=0),
    _p("hw_time_hpet", _HW, "Give the guest an HPET timer.", **_BOOL),
    _p("hw_ipxe_boot", _HW, "Boot with iPXE.", **_BOOL),
    _p("hw_viommu_model", _HW, "Virtual IOMMU model.", enum="intel smmuv3 virtio auto"),
    _p("hw_virtio_packed_ring", _HW, "Use virtio packed rings.", **_BOOL),
    _p("hw_ephemeral_encryption", _HW, "Encrypt ephemeral disks.", **_BOOL),
    _p("hw_locked_memory", _HW, "Lock guest memory in host RAM.", **_BOOL),
    _p("hw_auto_disk_config", _HW, "Grow the root partition at boot.", enum="disabled enabled"),
    _p(
        "hw_architecture",
        _HW,
        "Architecture the guest is emulated as.",
        suggestions="x86_64 aarch64 ppc64le s390x i686 armv7l riscv64",
    ),
    _p(
        "hw_emulation_architecture",
        _HW,
        "Architecture to emulate on a host of another one.",
        enum="x86_64 aarch64 ppc64le s390x i686 armv7l",
    ),
    # -- the operating system inside
    _p(
        "architecture",
        _OS,
        "CPU architecture the image needs.",
        enum="aarch64 alpha armv7l cris i686 ia64 lm32 m68k microblaze microblazeel mips mipsel mips64 "
        "mips64el openrisc parisc parisc64 ppc ppc64 ppc64le ppcemb riscv32 riscv64 s390 s390x sh4 "
        "sh4eb sparc sparc64 unicore32 x86_64 xtensa xtensaeb",
    ),
    _p(
        "hypervisor_type",
        _OS,
        "Hypervisor the image is built for.",
        enum="hyperv ironic lxc qemu uml vmware xen kvm baremetal vz",
    ),
    _p(
        "os_type",
        _OS,
        "Kind of operating system (ephemeral disk formatting, Windows clock).",
        enum="linux windows",
    ),
    _p(
        "os_distro",
        _OS,
        "Distribution, lower case as the compute service names it.",
        suggestions="arch centos debian fedora freebsd gentoo mandrake mandriva mes msdos netbsd netware "
        "openbsd opensolaris opensuse rhel sled ubuntu windows almalinux rocky alpine flatcar",
    ),
    _p("os_version", _OS, "Distribution version, e.g. 24.04 or 12.", pattern=r"\S"),
    _p("os_secure_boot", _OS, "Boot with UEFI secure boot.", enum="required disabled optional"),
    _p("os_require_quiesce", _OS, "Snapshots must quiesce the file systems.", **_BOOL),
    _p("os_admin_user", _OS, "Administrator account whose password set-password changes."),
    _p("os_command_line", _OS, "Kernel command line (with kernel_id)."),
    _p(
        "os_purpose",
        _OS,
        "What the image is for (SCS).",
        enum="generic oldgeneric minimal capinode k8snode gpu network appliance custom",
    ),
    _p("kernel_id", _OS, "Image id of the kernel to boot with (AMI-style images)."),
    _p("ramdisk_id", _OS, "Image id of the ramdisk to boot with (AMI-style images)."),
    _p("vm_mode", _OS, "Virtual machine ABI.", enum="hvm xen exe uml"),
    _p("auto_disk_config", _OS, "Grow the root partition at boot (Xen).", **_BOOL),
    _p("img_config_drive", _OS, "Whether instances need a config drive.", enum="optional mandatory"),
    _p("img_hv_type", _OS, "Hypervisor the image is for.", enum="hyperv ironic lxc qemu uml vmware xen kvm"),
    _p("img_hv_requested_version", _OS, "Hypervisor version the image needs."),
    _p("img_hide_hypervisor_id", _OS, "Hide the hypervisor from the guest's CPUID.", **_BOOL),
    _p("img_owner_id", _OS, "Project the image was made for."),
    _p("img_signature", _OS, "Signature of the image data (image signing)."),
    _p(
        "img_signature_hash_method",
        _OS,
        "Hash the signature was made over.",
        enum="SHA-224 SHA-256 SHA-384 SHA-512",
    ),
    _p(
        "img_signature_key_type",
        _OS,
        "Key type of the signature.",
        enum="RSA-PSS DSA ECC_SECP384R1 ECC_SECP521R1 ECC_SECT409K1 ECC_SECT409R1 ECC_SECT571K1 "
        "ECC_SECT571R1",
    ),
    _p("img_signature_certificate_uuid", _OS, "Key manager id of the signing certificate."),
    _p("img_use_agent", _OS, "The image runs a guest agent.", **_BOOL),
    _p("img_version", _OS, "Version of the image itself."),
    _p("cinder_encryption_key_id", _OS, "Key of an encrypted volume's image."),
    _p(
        "cinder_encryption_key_deletion_policy",
        _OS,
        "Delete the key with the image.",
        enum="on_image_deletion do_not_delete",
    ),
    _p(
        "vmware_adaptertype",
        _OS,
        "Disk adapter of a VMware image.",
        enum="lsiLogic lsiLogicsas busLogic ide paraVirtual",
    ),
    _p("vmware_disktype", _OS, "Disk layout of a VMware image.", enum="sparse preallocated streamOptimized"),
    _p("vmware_ostype", _OS, "VMware guest OS identifier, e.g. otherLinux64Guest."),
    _p("image_family", _OS, "Family of images this one is a version of."),
    # -- SCS image-metadata lifecycle and origin
    _p("image_build_date", _SCS, "When the image was built (YYYY-MM-DD [hh:mm[:ss]], UTC).", pattern=_DATE),
    _p("image_original_user", _SCS, "Default login user of the image (none when there is none)."),
    _p("image_source", _SCS, "URL the image can be downloaded from, or private."),
    _p("image_description", _SCS, "URL or text with release notes about the image."),
    _p(
        "replace_frequency",
        _SCS,
        "How often an image of this name is replaced.",
        enum="yearly quarterly monthly weekly daily critical_bug never",
    ),
    _p(
        "provided_until",
        _SCS,
        "Date until which this name is provided: YYYY-MM-DD, none or notice.",
        pattern=r"^(\d{4}-\d{2}-\d{2}|none|notice)$",
    ),
    _p(
        "uuid_validity",
        _SCS,
        "How long this id stays usable: none, last-N, YYYY-MM-DD, notice or forever.",
        pattern=r"^(none|notice|forever|last-\d+|\d{4}-\d{2}-\d{2})$",
    ),
    _p(
        "hotfix_hours",
        _SCS,
        "Hours within which a critical fix is provided (0: best effort).",
        type="integer",
        minimum=0,
    ),
    _p("patchlevel", _SCS, "Patch level of the operating system, when the build date is not enough."),
    _p("maintained_until", _SCS, "Date until which the vendor maintains the system.", pattern=_DATE),
    _p("license_included", _SCS, "The flavor fee includes the licence.", **_BOOL),
    _p("license_required", _SCS, "Bring your own licence.", **_BOOL),
    _p("subscription_included", _SCS, "A maintenance subscription is included.", **_BOOL),
    _p("subscription_required", _SCS, "A maintenance subscription is needed for fixes.", **_BOOL),
    _p("l1_support_contact", _SCS, "Where to ask for support with this image."),
    # -- what the compute service writes on snapshots
    _p(
        "image_type",
        _NOVA,
        "snapshot or backup, for images the compute service made.",
        suggestions="snapshot backup image",
    ),
    _p("instance_uuid", _NOVA, "Server the snapshot was taken of."),
    _p("base_image_ref", _NOVA, "Image the snapshotted server was booted from."),
    _p("image_location", _NOVA, "Where a snapshot came from."),
    _p("image_state", _NOVA, "State of a snapshot's upload."),
    _p("owner_id", _NOVA, "Project of the snapshotted server."),
    _p("user_id", _NOVA, "User who took the snapshot."),
    _p("boot_roles", _NOVA, "Roles of the user who took the snapshot."),
    _p("block_device_mapping", _NOVA, "Volumes of a volume-backed snapshot (JSON)."),
    _p("bdm_v2", _NOVA, "Block-device mapping version 2.", **_BOOL),
    _p("root_device_name", _NOVA, "Root device of the snapshotted server."),
)


@cache
def builtin_catalog() -> PropertyCatalog:
    """The built-in catalog (built once; it never changes)."""
    return PropertyCatalog.of(_DEFINITIONS, "builtin", "built-in catalog")


#: Properties the SCS image-metadata standard (scs-0102 v1) makes mandatory; min_disk and
#: min_ram are core fields and count as missing while 0.
SCS_REQUIRED = (
    "architecture",
    "min_disk",
    "min_ram",
    "os_distro",
    "os_version",
    "hw_disk_bus",
    "replace_frequency",
    "provided_until",
    "uuid_validity",
    "image_source",
    "image_description",
    "image_build_date",
    "image_original_user",
)

__all__ = ["SCS_REQUIRED", "builtin_catalog"]
