"""A local store's property catalog: the built-in one, or a cloud's metadefs saved beside it.

``imagedeck catalog import --from-cloud NAME`` writes ``property-catalog.json`` into the
store directory (0600, replaced whole, never through a link); the store then validates
and lints against that cloud's definitions offline. Recovery only looks inside
``blobs/``, so the file is never taken for stray image data.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from ..catalog import PropertyCatalog, builtin_catalog
from ..model import Invalid
from .base import ImageStore
from .local_blobs import FILE_MODE, io_error

CATALOG_FILE = "property-catalog.json"


def read_catalog_file(root: Path) -> PropertyCatalog:
    """The catalog saved in ``root``, or the built-in one when none was saved."""
    path = root / CATALOG_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return builtin_catalog()
    except OSError as exc:
        raise io_error(exc, f"cannot read the property catalog {path}") from None
    with os.fdopen(fd, "rb") as file:
        raw = file.read()
    try:
        catalog = PropertyCatalog.from_json(json.loads(raw), source="imported")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise Invalid(
            f"the property catalog {path} is damaged ({exc}); import it again, "
            "or remove it to use the built-in catalog"
        ) from None
    return catalog


def write_catalog_file(root: Path, catalog: PropertyCatalog) -> Path:
    """Save ``catalog`` in the store at ``root``, replacing any saved before."""
    path = root / CATALOG_FILE
    part = root / f".{CATALOG_FILE}.part"
    data = json.dumps(catalog.to_json(), indent=1, ensure_ascii=False).encode("utf-8")
    try:
        part.unlink(missing_ok=True)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(part, path)
    except OSError as exc:
        raise io_error(exc, f"cannot write the property catalog {path}") from None
    return path


class LocalCatalogFile(ImageStore):
    """`property_catalog` for `LocalStore`, read once from its directory."""

    path: Path
    _catalog: PropertyCatalog | None = None

    async def property_catalog(self) -> PropertyCatalog:
        if self._catalog is None:
            self._catalog = await asyncio.to_thread(read_catalog_file, self.path)
        return self._catalog

    async def save_property_catalog(self, catalog: PropertyCatalog) -> Path:
        """Keep ``catalog`` as this store's own from now on; returns the file written."""
        if getattr(self, "read_only", False):
            raise Invalid(f"{self.label} is read-only; the property catalog cannot be saved")
        written = await asyncio.to_thread(write_catalog_file, self.path, catalog)
        self._catalog = catalog.renamed("imported", catalog.note)
        return written


__all__ = ["CATALOG_FILE", "LocalCatalogFile", "read_catalog_file", "write_catalog_file"]
