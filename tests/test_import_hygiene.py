"""Opening the app loads neither the network stack, the format inspector nor a transfer job.

They load when first needed (a cloud, an upload dialog's inspection, a transfer), so the
app starts on the local store without paying for them. Checked in a fresh interpreter.
"""

import subprocess
import sys

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
