"""How the command fails: one line on stderr, the right exit status, never a traceback.

Real subprocesses of ``python -m imagedeck`` check what a shell sees; in-process runs with an
injected fault check the last-resort handlers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_kit import Cli

ROOT = Path(__file__).resolve().parents[2]


def imagedeck(tmp_path: Path, *argv: str, env: dict[str, str] | None = None):
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("IMAGEDECK_", "OS_"))
    }
    environment.update(
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tui", *argv],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_subprocess_exit_codes_and_messages(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    version = imagedeck(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("imagedeck ")

    empty = imagedeck(tmp_path, "--store", store, "ls", "--json")
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.strip() == "[]"

    missing = imagedeck(tmp_path, "--store", store, "show", "no-such-image")
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == ["imagedeck: not found: no image with id or name 'no-such-image'"]

    usage = imagedeck(tmp_path, "--store", store, "ls", "--limit", "x")
    assert usage.returncode == 2 and "usage:" in usage.stderr

    bad = tmp_path / "bad.yaml"
    bad.write_text("keymap: [\n")
    broken = imagedeck(tmp_path, "ls", env={"IMAGEDECK_CONFIG": str(bad)})
    assert broken.returncode == 1
    assert len(broken.stderr.splitlines()) == 1
    assert broken.stderr.startswith(f"imagedeck: config: config file {bad} is not valid YAML")

    for result in (empty, missing, usage, broken):
        assert "Traceback" not in result.stderr


def test_subprocess_read_only_from_environment_store(tmp_path: Path) -> None:
    env = {"IMAGEDECK_STORE": str(tmp_path / "envstore"), "IMAGEDECK_PROJECT": "alpha"}
    refused = imagedeck(tmp_path, "--read-only", "delete", "anything", env=env)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "imagedeck: forbidden: delete refused: imagedeck is in read-only mode "
        "(drop --read-only or set read_only: false in the config file)"
    ]


def test_unexpected_error_is_one_line_with_a_debug_hint(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from imagedeck.stores.local import LocalStore

    async def broken(self, image_id):  # fault injection: a bug deep in a store
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(LocalStore, "get_image", broken)
    result = cli("show", "x")
    assert result.code == 1
    assert result.err.splitlines() == [
        "imagedeck: internal error: RuntimeError: disk on fire (rerun with IMAGEDECK_DEBUG=1 for a traceback)"
    ]
    monkeypatch.setenv("IMAGEDECK_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli("show", "x")


def test_interrupt_exits_130_quietly(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from imagedeck.stores.local import LocalStore

    async def interrupted(self, image_id):  # fault injection: Ctrl+C mid-request
        raise KeyboardInterrupt

    monkeypatch.setattr(LocalStore, "get_image", interrupted)
    result = cli("show", "x")
    assert result.code == 130
    assert result.err == "" and result.out == ""
