"""A real terminal: run ``python -m imagedeck --demo`` in tmux, type keys, read the screen.

This is what a person sees: the list, a filter, the help screen, accepting a share and
quitting. Each step polls ``capture-pane`` until the expected text appears or a
deadline passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """One detached tmux session running imagedeck."""

    def __init__(self, command: str, env: dict[str, str], width: int = 120, height: int = 36) -> None:
        self.name = f"imagedeck-{uuid.uuid4().hex[:8]}"
        self.env = env
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command],
            check=True,
            env=env,
            cwd=ROOT,
        )

    def screen(self) -> str:
        done = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, env=self.env
        )
        return done.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True, env=self.env)
            time.sleep(0.05)  # a person's keystrokes arrive one at a time

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True, env=self.env)

    def wait_for(self, predicate, what: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if predicate(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}; screen was:\n{text}")
            time.sleep(0.1)

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "has-session", "-t", self.name], capture_output=True, env=self.env
            ).returncode
            == 0
        )

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, env=self.env)


@pytest.fixture
def terminal(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "IMAGEDECK_", "OS_"))}
    env.update(
        TERM="xterm-256color",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        TMUX_TMPDIR=str(tmp_path),
    )
    env.pop("NO_COLOR", None)
    term = Terminal(f"{sys.executable} -m imagedeck --demo", env)
    yield term
    term.close()


def test_demo_in_a_real_terminal(terminal: Terminal) -> None:
    terminal.wait_for(lambda s: "cirros" in s and "project demo" in s, "the image list")
    screen = terminal.wait_for(lambda s: "Pending (" in s, "the sharing pane")
    pending = int(screen.split("Pending (")[1].split(")")[0])
    assert pending >= 1

    terminal.keys("/")
    # Type only once the filter line has focus: earlier keys would act as commands.
    terminal.wait_for(lambda s: "filter:" in s, "the filter line")
    terminal.type("cirros")
    screen = terminal.wait_for(lambda s: "ubuntu" not in s.split("Pending")[0], "the filtered list")
    assert "cirros" in screen
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "ubuntu" in s, "the list without filter")

    terminal.keys("?")
    terminal.wait_for(lambda s: "esc clears then closes" in s and "Main screen" in s, "the help screen")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "esc clears then closes" not in s, "help closed")

    terminal.keys("Tab", "Tab")
    terminal.wait_for(lambda s: "Accept" in s.splitlines()[-1], "the sharing pane's keys in the footer")
    terminal.keys("a")
    terminal.wait_for(lambda s: f"Pending ({pending - 1})" in s, "one share fewer pending")

    terminal.keys("q")
    deadline = time.monotonic() + 15
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive()
