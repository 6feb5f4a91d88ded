"""Files a transfer writes on this machine, treated as hostile ground.

An image's name is chosen by whoever owns the image — for a share, another project —
so it never becomes a path as it is: `safe_file_name` reduces it to one harmless base
name. Whatever lies on disk already may be a trap: a ``.part`` that is a symbolic link
to ``~/.ssh/authorized_keys``, a hard link to someone's file, a fifo or a device. So
the ``.part`` is opened without following links and checked on the open descriptor
(`open_part`), an existing final name is left alone unless replacing it was asked for
(`check_target`), and the verified bytes get their final name by a rename, never by
writing through whatever the name points to (`publish`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from ..model import Conflict, Invalid, visible

PART_SUFFIX = ".part"
#: Bytes a file name may take (NAME_MAX on Linux and macOS), leaving room for ``.part``.
NAME_BYTES = 255 - len(PART_SUFFIX)
#: Characters a name may not start with: a hidden file, an option, a home directory.
_LEADING = ".-~_ "
_DOTS = re.compile(r"\.{2,}")
#: Errors of a file system that has no hard links; publishing then falls back to a rename.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV, errno.ENOSYS}


def _plain(char: str) -> str:
    """``char`` when a file name may hold it, else ``_`` (separators, controls, invisible)."""
    if char in ("/", "\\") or not char.isprintable() or 0xD800 <= ord(char) <= 0xDFFF:
        return "_"
    return char


def _clean(text: str | None) -> str:
    cleaned = _DOTS.sub(".", "".join(map(_plain, text or "")))
    return cleaned.lstrip(_LEADING).rstrip(" .")


def _cut_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes without splitting a character."""
    return text.encode()[: max(0, limit)].decode(errors="ignore")


def safe_file_name(name: str | None, fallback: str, extension: str | None = None) -> str:
    """One base name for a file made from ``name`` (an image's name), safe in any directory.

    Path separators, controls and invisible characters become ``_``, runs of dots one dot,
    and leading dots, dashes, tildes, underscores and spaces are dropped, so the result
    cannot leave the directory, hide itself or read as an option. An empty result falls
    back to ``fallback`` (the image id). ``extension`` is added unless the name already
    ends with it. The whole stays within `NAME_BYTES` bytes.
    """
    stem = _clean(name) or _clean(fallback) or "image"
    suffix = f".{ext}" if (ext := _clean(extension)) and not stem.endswith(f".{ext}") else ""
    suffix = _cut_bytes(suffix, NAME_BYTES // 2)
    return _not_a_part(_cut_bytes(stem, NAME_BYTES - len(suffix.encode())).rstrip(" .") + suffix)


def _not_a_part(name: str) -> str:
    """``name`` unless it reads as another download's partial file (``x.part``): ``x_part`` then.

    Otherwise a download of an image named ``x`` would resume from, and on a mismatch
    delete, the finished download of an image named ``x.part``.
    """
    if name.casefold().endswith(PART_SUFFIX):
        return name[: -len(PART_SUFFIX)] + "_" + name[-len(PART_SUFFIX) + 1 :]
    return name


def part_path(dest: Path) -> Path:
    """Where a download of ``dest`` collects its bytes until they are verified."""
    return dest.with_name(dest.name + PART_SUFFIX)


def _kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(dest: Path, *, replace: bool, hint: str = "") -> None:
    """Refuse to write ``dest`` if anything is there, or with ``replace`` if it is not a regular file.

    A symbolic link counts as itself, never as what it points to. ``hint`` ends the message
    (how to replace, where it applies).
    """
    try:
        info = os.lstat(dest)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise Invalid(
            f"{visible(dest)} is {_kind_of(info.st_mode)}; only a regular file is ever replaced, "
            "and it was left as it is"
        )
    if not replace:
        raise Conflict(f"{visible(dest)} already exists; it was left as it is{hint}")


def _problem(info: os.stat_result) -> str | None:
    """Why an existing ``.part`` is not one this user's earlier download left, or None."""
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind_of(info.st_mode)}"
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_nlink != 1:
        return f"has {info.st_nlink} names (hard links)"
    return None


def _refuse(part: Path, problem: str) -> Invalid:
    return Invalid(
        f"{visible(part)} {problem}, not a partial download: it was left as it is "
        "(remove it, or download to another name)"
    )


def open_part(part: Path) -> tuple[int, os.stat_result]:
    """A read-write descriptor of ``part`` (created empty if absent) and its identity.

    Never follows a symbolic link, and refuses a ``part`` that is not a regular file of
    this user with exactly one name, so neither a fresh download nor a resume can write
    through it. The caller closes the descriptor.
    """
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(part, flags | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        info = os.lstat(part)
        if (problem := _problem(info)) is not None:
            raise _refuse(part, problem) from None
        try:
            fd = os.open(part, flags | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise _refuse(part, "is a symbolic link") from None
            raise
    try:
        opened = os.fstat(fd)
        if (problem := _problem(opened)) is not None:
            raise _refuse(part, problem)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, opened


def same_file(path: Path, identity: os.stat_result | None) -> bool:
    """Whether ``path`` is still the very file ``identity`` was taken of (not a link to it).

    A freed inode number is handed out again at once, so a link or another user's file put
    in its place can carry the same number: the kind of file and its owner must match too.
    """
    if identity is None:
        return False
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    return _identity(info) == _identity(identity)


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_dev, info.st_ino, stat.S_IFMT(info.st_mode), info.st_uid


def remove_own(path: Path, identity: os.stat_result | None) -> bool:
    """Delete ``path`` only if it is the file this transfer made; whether it was deleted."""
    if not same_file(path, identity):
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def publish(part: Path, dest: Path, *, replace: bool, identity: os.stat_result | None = None) -> None:
    """Give the verified ``part`` the name ``dest``, durably, by a rename or a new link.

    Without ``replace`` an existing ``dest`` (even one that appeared meanwhile) stays as it
    is; with it only a regular file is replaced, never written through. ``identity`` is the
    file the bytes were verified in: a ``part`` swapped for a link or another file since
    then never gets the final name.
    """
    if identity is not None and not same_file(part, identity):
        raise _swapped(part)
    if replace:
        check_target(dest, replace=True)
        os.replace(part, dest)
        if identity is not None and not same_file(dest, identity):
            raise Invalid(
                f"{visible(part)} was replaced while it was published, so {visible(dest)} "
                "does not hold the verified download: remove it and download again"
            )
    else:
        _link_new(part, dest, identity)
    directory = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _link_new(part: Path, dest: Path, identity: os.stat_result | None) -> None:
    """``dest`` as a new name of ``part`` (fails if ``dest`` exists), then ``part`` unnamed."""
    try:
        os.link(part, dest, follow_symlinks=False)
    except FileExistsError:
        check_target(dest, replace=False)
        raise Conflict(f"{visible(dest)} already exists; it was left as it is") from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        check_target(dest, replace=False)
        os.replace(part, dest)
        return
    if identity is not None and not same_file(dest, identity):
        os.unlink(dest)  # the name just made, for whatever took the place of the verified file
        raise _swapped(part)
    os.unlink(part)


def _swapped(part: Path) -> Invalid:
    return Invalid(
        f"{visible(part)} was replaced by something else after its bytes were verified; "
        "nothing got the final name and it was left as it is"
    )


__all__ = [
    "NAME_BYTES",
    "PART_SUFFIX",
    "check_target",
    "open_part",
    "part_path",
    "publish",
    "remove_own",
    "safe_file_name",
    "same_file",
]
