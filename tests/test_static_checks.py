"""The type checker, the linter and the formatter accept the tree, with the settings in pyproject.toml.

The core layers are checked strictly there, so a value of the wrong type from outside cannot
slip through them unnoticed; a finding here names the file and line to fix.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def test_mypy_finds_no_type_error() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing_to_fix() -> None:
    result = run(
        "ruff", "check", "--no-cache", "--output-format", "concise", "tui", "tests", "bench", "scripts"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_file_is_formatted() -> None:
    result = run("ruff", "format", "--no-cache", "--check", "tui", "tests", "bench", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr
