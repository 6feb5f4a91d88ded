"""The benchmark suite's smoke mode runs in CI so that it cannot rot.

It drives the real lab, the real CLI in subprocesses, the TUI in tmux and with Pilot, curl and
the openstack command, at tiny sizes, and checks that every measurement produced a number and
that the results file holds every section and a verdict for each target.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import run
from tests.lab import Lab

SECTIONS = [
    "1. Listing",
    "2. TUI",
    "3. Transfers on loopback",
    "4. Memory",
    "5. Responsiveness",
    "6. Terminal traffic",
    "Targets",
]


@pytest.mark.lab
def test_smoke_run_measures_every_section(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    status = run.main(["--smoke", "--out", str(out), "--work", str(tmp_path / "work")], lab=lab)
    text = out.read_text()
    assert status == 0, text[text.find("## Measurements that failed") :]
    for title in SECTIONS:
        assert f"## {title}\n" in text
    assert "Measurements that failed" not in text
    targets = text[text.index("## Targets") :]
    verdicts = re.findall(r"\| (met|\*\*missed\*\*) \|", targets)
    assert len(verdicts) >= 10
    assert re.search(r"\| CPU \| .+ \|", text)
    assert re.search(r"\| 20 \| \d+\.\d\d \| \d+\.\d\d \|", text), (
        "listing row with imagedeck and openstack times"
    )
