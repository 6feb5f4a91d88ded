"""A hostile name on the real Glance: alice (project alpha) shares it with bob (project beta),
and everything bob's CLI prints about it is safe on a terminal, one line per image."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from imagedeck.demo.images import write_image
from tests.cli.hostile_kit import assert_terminal_safe, table_rows
from tests.cli_kit import Cli, Result
from tests.lab import Lab

pytestmark = pytest.mark.lab


def safe(result: Result) -> Result:
    assert result.code == 0, result
    assert_terminal_safe(result.out)
    assert_terminal_safe(result.err)
    return result


def test_hostile_name_shared_on_real_glance(
    lab: Lab, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    marker = uuid.uuid4().hex[:8]
    name = (
        f"evil-{marker}\x1b]0;owned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[2J"
        f"\n00000000-fake-row  active\u202egnp.exe\x9b31m\u2066[link=x]"
    )
    tag = f"t\r\n{marker}\x1b[A"
    source = write_image(tmp_path / "disk.raw", "raw", 1 << 20)

    def alice(*argv: str) -> Any:
        return cli("--cloud", "lab-alice", *argv, store=False)

    def bob(*argv: str) -> Any:
        return cli("--cloud", "lab-bob", *argv, store=False)

    up = alice(
        "upload",
        str(source),
        "--name",
        name,
        "--visibility",
        "shared",
        "--tag",
        tag,
        "--property",
        f"note={name}",
        "--json",
    )
    assert up.code == 0, up.err
    image_id = up.json()["image"]["id"]
    try:
        assert up.json()["image"]["name"] == name  # Glance keeps it as given; --json shows it exactly
        safe(alice("share", image_id, lab.project_ids["beta"]))

        waiting = safe(bob("shares", "--status", "pending"))
        rows = [line for line in table_rows(waiting.out) if image_id in line]
        assert len(rows) == 1 and "\\x1b]0;owned\\x07" in rows[0] and "…" in rows[0]  # cut to fit
        assert not any(line.startswith("00000000-fake-row") for line in table_rows(waiting.out))

        shown = safe(bob("show", image_id))
        assert f"name              evil-{marker}\\x1b]0;owned\\x07" in shown.out
        assert f"t\\r\\n{marker}\\x1b[A" in shown.out and "\\u202egnp.exe\\x9b31m\\u2066" in shown.out

        safe(bob("accept", image_id))
        listing = safe(bob("ls"))
        assert len(table_rows(listing.out)) == 1 + len(bob("ls", "--json").json())
        assert sum(image_id in line for line in table_rows(listing.out)) == 1
        assert bob("show", name, "--json").json()["id"] == image_id
    finally:
        assert alice("delete", image_id).code == 0
