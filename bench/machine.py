"""What the figures were measured on: CPU, cores, memory, OS, Python and tool versions."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import imagedeck


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def _dist(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe(lab_venv: Path | None) -> list[tuple[str, str]]:
    """(item, value) pairs for the machine table of RESULTS.md."""
    mem_kib = _first("/proc/meminfo", "MemTotal").split()[0]
    rows = [
        ("CPU", _first("/proc/cpuinfo", "model name")),
        ("Cores (online)", str(os.cpu_count())),
        ("RAM", f"{int(mem_kib) / 1024 / 1024:.1f} GiB" if mem_kib.isdigit() else "unknown"),
        ("OS", f"{_os_name()}, kernel {platform.release()}"),
        ("Python", platform.python_version()),
        ("imagedeck", imagedeck.__version__),
        ("textual", _dist("textual")),
        ("httpx", _dist("httpx")),
        ("curl", _version(["curl", "--version"])),
        ("tmux", _version(["tmux", "-V"])),
    ]
    if lab_venv is not None:
        py = str(lab_venv / "bin" / "python")
        code = (
            "from importlib import metadata as m;"
            "print(' '.join(f'{n}=={m.version(n)}' for n in "
            "('keystone','glance','python-openstackclient','openstacksdk')))"
        )
        rows.append(("OpenStack (lab venv)", _version([py, "-c", code])))
    return rows
