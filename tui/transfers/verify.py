"""Comparing what a store recorded with what imagedeck hashed while the bytes went by."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..model import Image
from .errors import VerificationFailed


def recorded_sha512(image: Image) -> str | None:
    """The sha512 the store recorded (``os_hash_value``), which proves the bytes alone, or None."""
    if image.os_hash_value and image.os_hash_algo in (None, "sha512"):
        return image.os_hash_value
    return None


def records_sha512(image: Image) -> bool:
    return recorded_sha512(image) is not None


def recorded_mismatches(image: Image, md5: str | None, sha512: str | None) -> list[str]:
    """Each hash the store recorded for ``image`` that differs from the local one.

    A local hash of None was not computed and is not compared; the caller makes sure
    the one the store recorded was computed.
    """
    problems: list[str] = []
    if image.checksum and md5 is not None and image.checksum != md5:
        problems.append(f"md5 recorded {image.checksum}, computed {md5}")
    recorded = recorded_sha512(image)
    if recorded is not None and sha512 is not None and recorded != sha512:
        problems.append(f"sha512 recorded {recorded[:16]}…, computed {sha512[:16]}…")
    return problems


def has_hashes(image: Image) -> bool:
    return bool(image.checksum or image.os_hash_value)


def check_recorded(image: Image, md5: str | None, sha512: str | None, where: str) -> None:
    """Raise `VerificationFailed` when ``where`` recorded other hashes than the local ones."""
    problems = recorded_mismatches(image, md5, sha512)
    if problems:
        raise VerificationFailed(f"{where} received different bytes than were sent ({'; '.join(problems)})")


def file_md5(path: Path) -> str:
    """The md5 of a whole file (blocking: call it in a thread)."""
    with open(path, "rb") as data:
        return hashlib.file_digest(data, lambda: hashlib.md5(usedforsecurity=False)).hexdigest()
