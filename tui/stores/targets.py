"""A second store named by one word: ``local:PATH`` or a path, ``cloud:NAME`` or a cloud name.

The CLI's ``copy --to`` and the app's copy dialog name destinations the same way, so a
word means the same store in both.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TypeVar

from ..model import ImageDeckError
from . import StoreChoice, open_store
from .base import ImageStore

Choice = TypeVar("Choice", bound=StoreChoice)


def local_target(path: Path | str) -> str:
    """The word naming the local store in directory ``path``."""
    return f"local:{path}"


def cloud_target(name: str) -> str:
    """The word naming a cloud of clouds.yaml."""
    return f"cloud:{name}"


def target_settings(settings: Choice, target: str) -> Choice:
    """``settings`` pointed at ``target``; a local store acts as the same project.

    ``local:PATH``, or anything that looks like a path (``./x``, ``/x``, ``~/x``), is a
    local store; ``cloud:NAME`` or a bare name is a cloud from clouds.yaml.
    """
    kind, sep, rest = target.partition(":")
    if sep and kind == "local":
        return settings.replace(store_path=rest, cloud=None)
    if sep and kind == "cloud":
        return settings.replace(cloud=rest)
    if target.startswith(("/", ".", "~")):
        return settings.replace(store_path=target, cloud=None)
    return settings.replace(cloud=target)


async def open_target(settings: StoreChoice, target: str) -> ImageStore:
    """Build and open the store ``target`` names; nothing stays open when that fails."""
    return await opened(open_store(target_settings(settings, target)))


async def opened(store: ImageStore) -> ImageStore:
    """``store``, opened; closed again (and the error raised) when opening fails."""
    try:
        await store.open()
    except BaseException:
        with contextlib.suppress(ImageDeckError, OSError):
            await store.close()
        raise
    return store


__all__ = ["cloud_target", "local_target", "open_target", "opened", "target_settings"]
