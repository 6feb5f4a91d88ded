"""Run the real ``imagedeck`` entry point in-process, away from the developer's own setup."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from imagedeck.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


#: The ``cli`` fixtures: ``cli(*argv, **options) -> Result``.
Cli = Callable[..., Result]


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real config, store, cloud, token cache or project of the person running the tests."""
    for name in list(os.environ):
        if name.startswith(("IMAGEDECK_", "OS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))  # the action log


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Result:
    """``imagedeck ARGV``: its exit code and what it printed."""
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
