"""The local store's directory, checked and made ready before its catalog opens.

Layout: ``catalog.sqlite`` (plus SQLite's ``-wal`` and ``-shm``), ``blobs/<image_id>``
and, once recovery found data no image owns, ``quarantine/<time>/``. A new store is
private, directories 0700 and files 0600 whatever the umask (SQLite gives its journal
files the catalog's mode): it may hold a cloud's private images. An existing store keeps
the modes its owner chose, with a warning when other users can get in. The catalog and
the blobs folder are written to, so neither may be a link to somewhere else.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..model import Invalid, NotFound, visible
from .local_blobs import FILE_MODE, BlobDir, io_error
from .local_recovery import DIR_MODE

CATALOG_NAME = "catalog.sqlite"
BLOBS_NAME = "blobs"
QUARANTINE_NAME = "quarantine"


def prepare_writable(root: Path) -> bool:
    """Make ``root`` ready for its catalog to open for writing; True when it may be created.

    Refuses, before changing anything, a catalog missing beside image data: opening
    would start an empty catalog, and recovery would then find every file orphaned.
    A new store's directory and empty catalog are made here; its blobs folder once the
    catalog has opened (`make_blobs_dir`).
    """
    what = f"cannot create the local store at {root}"
    _make_private_dir(root, what, parents=True)
    catalog, blobs = root / CATALOG_NAME, root / BLOBS_NAME
    _refuse_links(catalog, blobs)
    has_data = BlobDir(blobs).has_data()
    try:
        _regular_catalog(catalog)
    except FileNotFoundError:
        if has_data:
            raise Invalid(
                f"the local store at {root} has image data in {BLOBS_NAME}/ but no {CATALOG_NAME}; "
                f"nothing was changed: restore the catalog from a backup, or move {blobs} away"
            ) from None
        _create_private_file(catalog, what)
    except OSError as exc:
        raise io_error(exc, f"cannot read the catalog of the local store at {root}") from None
    return not has_data


def make_blobs_dir(root: Path) -> None:
    """The blobs folder of a store whose catalog opened, made 0700 if missing."""
    _make_private_dir(root / BLOBS_NAME, f"cannot create the local store at {root}")


def check_read_only(root: Path) -> None:
    """Refuse, without creating or changing anything, a ``root`` that holds no store."""
    try:
        info = os.stat(root)
    except FileNotFoundError:
        raise NotFound(f"there is no local store at {root} (a read-only open creates none)") from None
    except OSError as exc:
        raise io_error(exc, f"cannot read the local store at {root}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise Invalid(f"{root} is not a local store: it is not a directory")
    catalog = root / CATALOG_NAME
    _refuse_links(catalog, root / BLOBS_NAME)
    try:
        size = _regular_catalog(catalog).st_size
    except FileNotFoundError:
        raise NotFound(
            f"{root} is not a local store: it has no {CATALOG_NAME} (a read-only open creates none)"
        ) from None
    except OSError as exc:
        raise io_error(exc, f"cannot read the catalog of the local store at {root}") from None
    if size == 0:
        raise Invalid(f"the catalog {catalog} is empty: {root} holds no images to show")


def mode_warnings(root: Path) -> list[str]:
    """A warning when users other than the owner may enter the store's directory."""
    try:
        mode = stat.S_IMODE(os.stat(root).st_mode)
    except OSError:
        return []
    if not mode & 0o077:
        return []
    return [
        f"the local store at {root} is open to other users (mode {mode:04o}); "
        f"chmod 700 {root} keeps its images private"
    ]


def _regular_catalog(catalog: Path) -> os.stat_result:
    """The catalog's status; refuses a directory, pipe or device there (SQLite would fail or hang)."""
    info = os.lstat(catalog)
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "special file")
        raise Invalid(
            f"{visible(str(catalog))} is a {kind}, not a catalog file; nothing was changed: "
            "move it away, or restore the catalog from a backup"
        )
    return info


_KINDS = {
    stat.S_IFDIR: "directory",
    stat.S_IFIFO: "named pipe",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "device",
    stat.S_IFBLK: "device",
    stat.S_IFLNK: "symbolic link",
}


def _refuse_links(*paths: Path) -> None:
    for path in paths:
        if path.is_symlink():
            raise Invalid(
                f"{path} is a symbolic link; imagedeck does not use a store's catalog or data "
                "folder through a link: put the real file or folder there"
            )


def _make_private_dir(path: Path, what: str, *, parents: bool = False) -> None:
    """Create ``path`` 0700 if missing (its parents with the usual modes); keep an existing one."""
    try:
        if parents:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise io_error(exc, what) from None
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise Invalid(f"{what}: {path} exists and is not a directory") from None
        return
    except OSError as exc:
        raise io_error(exc, what) from None
    os.chmod(path, DIR_MODE)  # exactly 0700: a umask only ever takes bits away


def _create_private_file(path: Path, what: str) -> None:
    """An empty 0600 file (never through a link): SQLite then gives its journals the same mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        return  # another process made it meanwhile
    except OSError as exc:
        raise io_error(exc, what) from None
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
