"""Where the transfer service keeps its socket, lock, journal and log, and the checks that
keep another user out of them.

The socket and lock live in the user's runtime directory (``$XDG_RUNTIME_DIR/imagedeck``,
else ``imagedeck-$UID`` under the temp directory, which anyone may pre-create: so its owner,
mode and kind are checked before use). The journal and the log live in the user's state
directory. ``IMAGEDECK_RUNTIME_DIR`` and ``IMAGEDECK_STATE_DIR`` name others.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ..history.log import STATE_ENV
from ..model import Forbidden

RUNTIME_ENV = "IMAGEDECK_RUNTIME_DIR"
#: Seconds the service waits with no job and no client before it exits.
IDLE_ENV = "IMAGEDECK_SERVICE_IDLE"
DEFAULT_IDLE = 60.0


@dataclass(frozen=True, slots=True)
class ServicePaths:
    """The files of one service: one per user, or per pair of directories a test chose."""

    runtime: Path
    state: Path

    @property
    def socket(self) -> Path:
        return self.runtime / "service.sock"

    @property
    def lock(self) -> Path:
        return self.runtime / "service.lock"

    @property
    def journal(self) -> Path:
        return self.state / "transfers.sqlite"

    @property
    def log(self) -> Path:
        return self.state / "service.log"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServicePaths:
        environ = os.environ if environ is None else environ
        runtime = environ.get(RUNTIME_ENV)
        if runtime:
            return cls(Path(runtime), Path(environ.get(STATE_ENV) or _state_dir()))
        xdg = environ.get("XDG_RUNTIME_DIR")
        base = Path(xdg) / "imagedeck" if xdg else Path(tempfile.gettempdir()) / f"imagedeck-{os.getuid()}"
        return cls(base, Path(environ.get(STATE_ENV) or _state_dir()))

    def prepare(self) -> None:
        """Create both directories (0700) or refuse ones another user could reach."""
        private_dir(self.runtime)
        private_dir(self.state)


def idle_seconds(environ: Mapping[str, str] | None = None) -> float:
    environ = os.environ if environ is None else environ
    try:
        return max(0.1, float(environ.get(IDLE_ENV, DEFAULT_IDLE)))
    except ValueError:
        return DEFAULT_IDLE


def _state_dir() -> Path:
    return Path(platformdirs.user_state_dir("imagedeck"))


def private_dir(path: Path) -> None:
    """Make ``path`` a directory only this user can use, or say why it cannot be one."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    check_private(path, os.lstat(path), kind="directory")


def check_private(path: Path, info: os.stat_result, *, kind: str) -> None:
    """Refuse a symlink, the wrong kind of file, another owner, or access for others."""
    if stat.S_ISLNK(info.st_mode):
        raise Forbidden(f"{path} is a symbolic link: the transfer service refuses to use it")
    wanted = stat.S_ISDIR if kind == "directory" else stat.S_ISSOCK
    if not wanted(info.st_mode):
        raise Forbidden(f"{path} is not a {kind}: move it away and start again")
    if info.st_uid != os.getuid():
        raise Forbidden(
            f"{path} belongs to user id {info.st_uid}, not to you: the transfer service refuses to use it"
        )
    if info.st_mode & 0o077:
        raise Forbidden(
            f"{path} can be used by other users (mode {stat.S_IMODE(info.st_mode):o}): "
            f"run chmod 700 {path} or remove it"
        )


__all__ = [
    "DEFAULT_IDLE",
    "IDLE_ENV",
    "RUNTIME_ENV",
    "STATE_ENV",
    "ServicePaths",
    "check_private",
    "idle_seconds",
    "private_dir",
]
