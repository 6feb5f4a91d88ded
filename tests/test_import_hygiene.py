"""Opening the app loads neither the network stack, the format inspector nor a transfer job.

They load when first needed (a cloud, an upload dialog's inspection, a transfer), so the
app starts on the local store without paying for them. Checked in a fresh interpreter.
"""

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("httpx", "oslo_utils", "imagedeck.stores.glance", "imagedeck.formats.inspect")
JOBS = ("upload", "download", "copy", "import_url", "convert")


def loaded_after(statement: str) -> list[str]:
    code = f"{statement}; import sys; print('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_importing_the_app_loads_no_network_inspector_or_job() -> None:
    modules = loaded_after("import imagedeck.app")
    heavy = [m for m in modules if m.startswith(HEAVY)]
    jobs = [m for m in modules if m in {f"imagedeck.transfers.{job}" for job in JOBS}]
    assert heavy == [] and jobs == []


def test_a_job_still_loads_on_first_use() -> None:
    modules = loaded_after("import imagedeck.transfers as t; t.UploadJob")
    assert "imagedeck.transfers.upload" in modules


def loaded_by_command(tmp_path: Path, *argv: str) -> list[str]:
    """Modules loaded by a fresh ``imagedeck`` process running ``argv`` (it exits normally)."""
    code = (
        "import sys, runpy; sys.argv = ['imagedeck', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('imagedeck', run_name='__main__')\n"
        "except SystemExit as end:\n    assert not end.code, end.code\n"
        "sys.stderr.write('\\n'.join(sorted(sys.modules)))"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}  # no config file: nothing to parse
    for name in ("IMAGEDECK_CONFIG", "OS_CLOUD"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.split()


def test_version_loads_only_the_parser(tmp_path: Path) -> None:
    modules = loaded_by_command(tmp_path, "--version")
    assert [m for m in modules if m.startswith(("yaml", "platformdirs", "httpx", "textual", "asyncio"))] == []
    assert [m for m in modules if m.startswith("imagedeck.")] == ["imagedeck.cli"]


def test_listing_a_local_store_loads_no_network_tui_or_job(tmp_path: Path) -> None:
    modules = loaded_by_command(tmp_path, "--store", str(tmp_path / "store"), "--project", "p", "ls")
    assert "imagedeck.stores.local" in modules
    assert [m for m in modules if m.startswith(("httpx", "yaml", "textual", "imagedeck.transfers"))] == []
