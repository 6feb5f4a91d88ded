"""The CLI with ``--cloud`` against the real Keystone + Glance of the test lab.

alice (project alpha) uploads, edits and shares an image; bob (project beta) finds the
pending share, accepts it by name and downloads it byte-exact; alice cleans up.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from imagedeck.demo.images import write_image
from tests.cli_kit import Cli
from tests.lab import Lab

pytestmark = pytest.mark.lab


def test_share_flow_on_real_glance(
    lab: Lab, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    name = f"cli-{uuid.uuid4().hex[:8]}"
    source = write_image(tmp_path / "disk.qcow2", "qcow2", 64 << 20)

    def alice(*argv: str) -> Any:
        return cli("--cloud", "lab-alice", *argv, store=False)

    def bob(*argv: str) -> Any:
        return cli("--cloud", "lab-bob", *argv, store=False)

    uploaded = alice("upload", str(source), "--name", name, "--visibility", "shared", "--json")
    assert uploaded.code == 0, uploaded.err
    image_id = uploaded.json()["image"]["id"]
    try:
        shown = alice("show", name, "--json").json()
        assert shown["status"] == "active" and shown["disk_format"] == "qcow2"
        assert shown["owner"] == lab.project_ids["alpha"]
        assert shown["virtual_size"] == 64 << 20

        edited = alice("set", name, "--property", "os_distro=cirros", "--tag", "cli", "--json")
        assert edited.code == 0, edited.err
        assert edited.json()["os_distro"] == "cirros" and edited.json()["tags"] == ["cli"]
        assert [i["id"] for i in alice("ls", "--tag", "cli", "--name", name, "--json").json()] == [image_id]

        beta = lab.project_ids["beta"]
        shared = alice("share", name, beta, "--json")
        assert shared.code == 0, shared.err
        assert shared.json()["status"] == "pending"

        pending = bob("shares", "--status", "pending", "--json").json()["pending"]
        assert image_id in [i["id"] for i in pending]
        assert name not in [i["name"] for i in bob("ls", "--json").json()]
        accepted = bob("accept", name)
        assert accepted.code == 0, accepted.err
        assert name in [i["name"] for i in bob("ls", "--json").json()]
        assert {m["member_id"]: m["status"] for m in alice("members", name, "--json").json()} == {
            beta: "accepted"
        }

        target = tmp_path / "back.qcow2"
        downloaded = bob("download", name, "-o", str(target))
        assert downloaded.code == 0, downloaded.err
        assert target.read_bytes() == source.read_bytes()

        refused = bob("delete", name)
        assert refused.code == 1 and "cannot delete" in refused.err
        assert "Traceback" not in refused.err
        assert alice("unshare", name, beta).code == 0
        assert bob("show", image_id).code == 1
    finally:
        deleted = alice("delete", image_id)
    assert deleted.code == 0, deleted.err
    missing = alice("show", image_id)
    assert missing.code == 1
    assert missing.err.startswith("imagedeck: not found:")


def test_sharing_by_an_unresolvable_name_fails(
    lab: Lab, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    source = write_image(tmp_path / "disk.raw", "raw", 1 << 20)
    name = f"cli-{uuid.uuid4().hex[:8]}"
    up = cli(
        "--cloud",
        "lab-alice",
        "upload",
        str(source),
        "--name",
        name,
        "--visibility",
        "shared",
        "--json",
        store=False,
    )
    assert up.code == 0, up.err
    try:
        shared = cli("--cloud", "lab-alice", "share", name, "no-such-project", store=False)
        assert shared.code == 1 and shared.out == ""
        [line] = shared.err.splitlines()
        assert line.startswith("imagedeck: invalid: ") and "no-such-project" in line
        assert cli("--cloud", "lab-alice", "members", name, "--json", store=False).json() == []
    finally:
        assert cli("--cloud", "lab-alice", "delete", name, store=False).code == 0


def test_ls_limit_stops_paging_cleanly(
    lab: Lab,
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``--limit`` under the number of matches stops after the first page, while the store has
    already asked for the next one; nothing is left failing behind the output."""
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    tag = f"cli-{uuid.uuid4().hex[:8]}"

    def alice(*argv: str) -> Any:
        return cli("--cloud", "lab-alice", *argv, store=False)

    source = write_image(tmp_path / "disk.raw", "raw", 1 << 20)
    uploads = [alice("upload", str(source), "--name", f"{tag}-{n}", "--tag", tag, "--json") for n in range(3)]
    created = [result.json()["image"]["id"] for result in uploads]
    try:
        listed = alice("ls", "--tag", tag, "--sort", "name:asc", "--limit", "2", "--json")
        assert listed.code == 0 and listed.err == ""
        assert [i["name"] for i in listed.json()] == [f"{tag}-0", f"{tag}-1"]
        everything = alice("ls", "--tag", tag, "--json")
        assert sorted(i["id"] for i in everything.json()) == sorted(created)
        assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
    finally:
        assert alice("delete", *created).code == 0
