"""A real terminal on a hostile store: the bytes imagedeck writes hold none of the data's escapes.

tmux records every byte the app sends (``pipe-pane``) while a person moves through images
named with title, clipboard, clear-screen and hyperlink sequences, opens their detail and
the sharing pane, and accepts a share whose name holds markup. None of those sequences
may be in the recording, and the window title must stay the app's own.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from hostile_support import ME, PAYLOADS, seed_hostile
from test_terminal_smoke import Terminal


def terminal_env(tmp_path: Path) -> dict[str, str]:
    """The environment of `test_terminal_smoke`'s terminal: nothing of the developer's leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "IMAGEDECK_", "OS_", "NO_COLOR"))}
    env.update(
        TERM="xterm-256color",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        TMUX_TMPDIR=str(tmp_path),
    )
    return env


def in_detail(screen: str) -> bool:
    """The footer shows neither the list's keys nor the sharing pane's: the detail pane has focus."""
    footer = screen.splitlines()[-1]
    return "Sort" not in footer and "Accept" not in footer


def test_hostile_names_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    store = tmp_path / "store"
    asyncio.run(seed_hostile(store))
    record = tmp_path / "bytes.out"
    term = Terminal(f"{sys.executable} -m imagedeck --store {store} --project {ME}", terminal_env(tmp_path))
    try:
        subprocess.run(
            ["tmux", "pipe-pane", "-o", "-t", term.name, f"cat >> {record}"], check=True, env=term.env
        )
        term.wait_for(lambda s: "project beta" in s and "Pending (" in s, "the image list and the shares")
        term.keys("w", "j", "j", "Enter")  # every column, then the detail pane
        term.wait_for(lambda s: "Virtual size" in s and in_detail(s), "the detail pane focused")
        term.keys("Tab")
        term.wait_for(lambda s: "Accept" in s.splitlines()[-1], "the sharing pane's keys")
        pending = int(term.screen().split("Pending (")[1].split(")")[0])
        for _ in range(4):  # each share's detail, back to the sharing pane
            term.keys("j", "Enter")
            term.wait_for(in_detail, "the detail pane focused")
            term.keys("Tab")
            term.wait_for(lambda s: "Accept" in s.splitlines()[-1], "the sharing pane's keys again")
        term.keys("a")
        term.wait_for(lambda s: f"{pending - 1} shares waiting" in s, "one share fewer pending")
        term.keys("Escape")
        term.wait_for(lambda s: "Sort" in s.splitlines()[-1], "the list focused")
        term.keys("C-d")  # a protected hostile image: the refusal is a notification naming it
        term.wait_for(lambda s: "protected" in s, "the refusal")
        assert term.alive()
        deadline = time.monotonic() + 10  # tmux hands the bytes to the recorder a little later
        while b"PWNED-TITLE" not in record.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.1)
        title = subprocess.run(
            ["tmux", "display", "-p", "-t", term.name, "#{pane_title}"],
            capture_output=True,
            text=True,
            env=term.env,
            check=True,
        ).stdout
        term.keys("q")
        deadline = time.monotonic() + 15
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        term.close()
    written = record.read_bytes()
    assert len(written) > 10_000  # the recording holds the whole session
    assert [payload for payload in PAYLOADS if payload in written] == []
    assert "PWNED" not in title and "OWNED" not in title
    assert b"\\x1b]0;PWNED-TITL" in written  # the names were drawn, as readable escapes
