"""Optional facts from ``qemu-img info``: richer than the inspector, never required.

qemu-img runs only on files the inspector found safe, always with an explicit driver
(``-f``) so qemu never probes the content itself, with ``--force-share`` so a disk in use
by a VM can be read, and under a timeout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .names import QEMU_DRIVER

TIMEOUT_S = 10.0


def qemu_img_info(
    path: Path, disk_format: str, timeout: float = TIMEOUT_S
) -> tuple[dict[str, Any] | None, str | None]:
    """``(info, None)`` from ``qemu-img info --output=json``, or ``(None, why not)``.

    ``(None, None)`` means there is nothing to ask: no qemu-img here, or a format qemu
    has no driver for.
    """
    exe = shutil.which("qemu-img")
    driver = QEMU_DRIVER.get(disk_format)
    if exe is None or driver is None:
        return None, None
    command = [exe, "info", "--output=json", "--force-share", "-f", driver, str(path)]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
    except subprocess.TimeoutExpired:
        return None, f"qemu-img info gave no answer within {timeout:g} s"
    except OSError as exc:
        return None, f"qemu-img could not run: {exc.strerror or exc}"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, "qemu-img could not open it: " + (lines[-1] if lines else f"exit {done.returncode}")
    try:
        info = json.loads(done.stdout)
    except ValueError:
        return None, "qemu-img info printed no JSON"
    return (info, None) if isinstance(info, dict) else (None, "qemu-img info printed no JSON object")
