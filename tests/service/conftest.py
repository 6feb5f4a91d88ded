"""Each test gets a service of its own: private runtime and state directories, a short idle
time, and whatever service process it started killed at the end."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagedeck.service.client import ServiceClient
from imagedeck.service.paths import ServicePaths
from service_support import service_pid


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServicePaths]:
    # A socket path must stay under about 100 bytes: the runtime directory is short.
    runtime = Path(tempfile.mkdtemp(prefix="idsvc-"))
    chosen = ServicePaths(runtime, tmp_path / "state")
    monkeypatch.setenv("IMAGEDECK_RUNTIME_DIR", str(chosen.runtime))
    monkeypatch.setenv("IMAGEDECK_STATE_DIR", str(chosen.state))
    monkeypatch.setenv("IMAGEDECK_SERVICE_IDLE", "3")
    monkeypatch.delenv("IMAGEDECK_SERVICE_RATE_LIMIT", raising=False)
    yield chosen
    pid = service_pid(chosen)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def client(paths: ServicePaths) -> ServiceClient:
    return ServiceClient(paths)
