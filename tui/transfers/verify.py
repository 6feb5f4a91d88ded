"""Comparing what a store recorded with what imagedeck hashed while the bytes went by."""

from __future__ import annotations

from ..model import Image
from .errors import VerificationFailed


def recorded_mismatches(image: Image, md5: str, sha512: str) -> list[str]:
    """Each hash the store recorded for ``image`` that differs from the local one."""
    problems: list[str] = []
    if image.checksum and image.checksum != md5:
        problems.append(f"md5 recorded {image.checksum}, computed {md5}")
    if image.os_hash_value and image.os_hash_algo in (None, "sha512") and image.os_hash_value != sha512:
        problems.append(f"sha512 recorded {image.os_hash_value[:16]}…, computed {sha512[:16]}…")
    return problems


def has_hashes(image: Image) -> bool:
    return bool(image.checksum or image.os_hash_value)


def check_recorded(image: Image, md5: str, sha512: str, where: str) -> None:
    """Raise `VerificationFailed` when ``where`` recorded other hashes than the local ones."""
    problems = recorded_mismatches(image, md5, sha512)
    if problems:
        raise VerificationFailed(f"{where} received different bytes than were sent ({'; '.join(problems)})")
