"""Lint an image's metadata against a property catalog.

Findings are what a person would want to hear before a server fails to boot or a
property silently does nothing: a misspelt or unknown key, a value the compute service
will not take, settings that contradict each other, and keys a policy requires that are
missing. Errors are what a careful operator would not publish; warnings may be intended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from ..model import Image, Invalid
from .builtin import SCS_REQUIRED
from .properties import PropertyCatalog

ERROR = "error"
WARNING = "warning"

#: Presets of required keys a ``--required`` list or the ``lint_required`` setting may name.
PRESETS = {"scs": SCS_REQUIRED}

#: Core fields that count as missing while they hold 0.
_COUNTED_FIELDS = ("min_disk", "min_ram")

#: Machine types of QEMU's i440fx board, which cannot boot UEFI firmware with secure boot and
#: is refused with uefi by the compute service on x86.
_I440FX = re.compile(r"^(pc|pc-i440fx.*|.*-i440fx.*)$")

GIB = 1024**3


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str
    key: str
    message: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def required_keys(spec: str | Iterable[str]) -> tuple[str, ...]:
    """Keys named by ``spec``: comma-separated keys and preset names (``scs``)."""
    words = spec.split(",") if isinstance(spec, str) else list(spec)
    keys: dict[str, None] = {}
    for word in (w.strip() for w in words):
        if not word:
            continue
        if word.lower() in PRESETS:
            keys.update(dict.fromkeys(PRESETS[word.lower()]))
        elif any(char.isspace() for char in word):
            raise Invalid(f"a required key has no spaces: {word!r} (presets: {', '.join(PRESETS)})")
        else:
            keys[word] = None
    return tuple(keys)


def key_findings(key: str, value: str, catalog: PropertyCatalog) -> list[Finding]:
    """What is wrong with one property: its key's spelling, or its value."""
    if catalog.known(key):
        problem = catalog.validate(key, value)
        return [Finding(ERROR, key, problem)] if problem else []
    if spelt := catalog.misspelling_of(key):
        return [Finding(ERROR, key, f"{key} is misspelt: the property is {spelt}")]
    if close := catalog.did_you_mean(key):
        return [Finding(ERROR, key, f"{key} is not a known property; did you mean {' or '.join(close)}?")]
    return [Finding(WARNING, key, f"{key} is not a known property ({catalog.note or catalog.source})")]


def lint(image: Image, catalog: PropertyCatalog, required: Iterable[str] = ()) -> list[Finding]:
    """Every finding about ``image``, errors first, then in key order."""
    findings: list[Finding] = []
    for key in sorted(image.properties):
        findings += key_findings(key, image.properties[key], catalog)
    findings += contradictions(image)
    findings += missing(image, required)
    return sorted(findings, key=lambda f: (f.severity != ERROR, f.key))


def contradictions(image: Image) -> list[Finding]:
    """Settings that cannot all hold at once."""
    props = image.properties
    found: list[Finding] = []
    firmware = props.get("hw_firmware_type", "").strip().lower()
    machine = props.get("hw_machine_type", "").strip().lower()
    if firmware == "uefi" and machine and _I440FX.match(machine):
        found.append(
            Finding(
                ERROR, "hw_machine_type", f"hw_firmware_type=uefi needs q35, not the i440fx machine {machine}"
            )
        )
    if firmware == "bios" and props.get("os_secure_boot", "").strip().lower() == "required":
        found.append(
            Finding(ERROR, "os_secure_boot", "os_secure_boot=required needs hw_firmware_type=uefi, not bios")
        )
    if image.min_disk and image.virtual_size and image.min_disk * GIB < image.virtual_size:
        needed = -(-image.virtual_size // GIB)
        found.append(
            Finding(
                ERROR,
                "min_disk",
                f"min_disk {image.min_disk} GiB is smaller than the virtual size; it needs at least {needed}",
            )
        )
    return found


def missing(image: Image, required: Iterable[str]) -> list[Finding]:
    """Required keys the image does not have (a core count of 0 counts as unset)."""
    found = []
    for key in required:
        if key in _COUNTED_FIELDS:
            absent = not getattr(image, key)
        elif key in image.__dataclass_fields__ and key != "properties":
            absent = getattr(image, key) in (None, "", [])
        else:
            absent = not image.properties.get(key, "").strip()
        if absent:
            found.append(Finding(ERROR, key, f"{key} is required but not set"))
    return found


def worst(findings: Iterable[Finding]) -> str | None:
    """``error``, ``warning`` or None: the most severe finding."""
    severities = {f.severity for f in findings}
    return ERROR if ERROR in severities else WARNING if severities else None


__all__ = [
    "ERROR",
    "PRESETS",
    "WARNING",
    "Finding",
    "contradictions",
    "key_findings",
    "lint",
    "missing",
    "required_keys",
    "worst",
]
