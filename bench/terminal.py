"""A real terminal for the TUI figures: a private tmux server, one session per measurement."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from .common import BenchError

_SERVERS = itertools.count(1)
ROW = re.compile(r"bench-\d{5}")


class Tmux:
    """imagedeck running in a tmux pane of ``width`` x ``height`` on a private server socket."""

    def __init__(self, argv: list[str], env: dict[str, str], width: int = 120, height: int = 36) -> None:
        self.socket = f"imagedeck-bench-{os.getpid()}-{next(_SERVERS)}"  # a fresh server each time
        self.name = "bench"
        keep = {
            k: v
            for k, v in env.items()
            if k in ("PYTHONPATH", "OS_CLIENT_CONFIG_FILE", "HOME", "PATH", "LANG", "LC_ALL")
            or k.startswith("XDG_")
        }
        command = (
            "exec env "
            + " ".join(shlex.quote(f"{k}={v}") for k, v in keep.items())
            + " "
            + " ".join(shlex.quote(a) for a in argv)
        )
        self.started = time.perf_counter()
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command)
        self.pid = int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def screen(self, styled: bool = False) -> list[str]:
        """The pane's text; ``styled`` keeps colours and attributes, so a moved cursor counts too."""
        return self._tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", self.name).splitlines()

    def list_area(self, width: int = 76) -> list[str]:
        """The image list's rows (left column, below the header)."""
        return [line[:width] for line in self.screen()[2:-2]]

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def wait_rows(self, timeout: float = 60) -> float:
        """Seconds from session start until an image row is on screen (polled every ~5 ms)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if any(ROW.search(line) for line in self.list_area()):
                return time.perf_counter() - self.started
            self.check_alive()
            time.sleep(0.003)
        raise BenchError(f"no image rows on screen after {timeout} s:\n" + "\n".join(self.screen()))

    def names(self) -> list[str]:
        """The image names in the list's rows on screen (ages and styles ignored)."""
        return [found.group(0) for line in self.list_area() if (found := ROW.search(line))]

    def time_key(
        self, key: str, done: Callable[[list[str], list[str]], bool] | None = None, timeout: float = 10
    ) -> float:
        """Seconds from sending ``key`` until ``done(names_before, names_now)`` holds.

        By default: until the names on screen differ. Names, not the raw screen, so that a
        ticking age column cannot pass for the key's effect.
        """
        done = done or (lambda before, now: now != before)
        before = self.names()
        start = time.perf_counter()
        self.keys(key)
        deadline = start + timeout
        while time.perf_counter() < deadline:
            if done(before, self.names()):
                return time.perf_counter() - start
        raise BenchError(
            f"key {key!r} did not change the list on screen in {timeout} s:\n" + "\n".join(self.screen())
        )

    def wait_for(self, text: str, timeout: float = 180, poke: str | None = None) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if poke:
                self.keys(poke)
            if any(text in line for line in self.screen()):
                return
            self.check_alive()
            time.sleep(0.3)
        raise BenchError(f"{text!r} never appeared:\n" + "\n".join(self.screen()))

    def check_alive(self) -> None:
        if not Path(f"/proc/{self.pid}").exists():
            raise BenchError("imagedeck exited:\n" + "\n".join(self.screen()))

    def peak_rss(self) -> int:
        """VmHWM of the process in the pane, in bytes."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise BenchError("no VmHWM in /proc status")

    def pipe_to(self, path: Path | None) -> None:
        """Copy everything the app writes to the terminal into ``path`` (None stops)."""
        if path is None:
            self._tmux("pipe-pane", "-t", self.name)
        else:
            self._tmux("pipe-pane", "-o", "-t", self.name, f"cat >> {shlex.quote(str(path))}")

    def close(self) -> None:
        socket_path = self._tmux("display-message", "-p", "#{socket_path}").strip()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        Path(socket_path).unlink(missing_ok=True)  # tmux leaves the socket file behind

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
