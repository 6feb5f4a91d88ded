"""The demo store: every pane of the app has something to show, from each project's side."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC
from pathlib import Path

import pytest

from imagedeck.config import load_settings
from imagedeck.demo.seed import CATALOG, DEMO_PROJECT, demo_image_id, seed_demo
from tests.cli_kit import Cli


@pytest.fixture
def demo(store_dir: Path):
    return asyncio.run(seed_demo(store_dir))


def by_name(records: list[dict]) -> dict[str, dict]:
    return {record["name"]: record for record in records}


def test_demo_project_view(demo, cli: Cli) -> None:
    assert demo.project == DEMO_PROJECT
    assert demo.image_count == len(CATALOG) >= 12
    listed = by_name(cli("ls", "--json", project="demo").json())
    # own images, the public ones and the accepted share; not pending or rejected shares
    assert {
        "cirros-0.6.2",
        "demo-app-golden",
        "ubuntu-24.04-server",
        "debian-12-genericcloud",
        "rocky-9-genericcloud",
    } <= listed.keys()
    assert not {"windows-server-2022-eval", "fedora-40-cloud", "freebsd-14.1"} & listed.keys()
    assert len({record["disk_format"] for record in listed.values()}) >= 3
    assert listed["ubuntu-24.04-server"]["visibility"] == "public"
    assert listed["ubuntu-24.04-server"]["os_distro"] == "ubuntu"
    assert listed["debian-12-genericcloud"]["protected"] is True
    assert listed["legacy-appliance"]["status"] == "deactivated"
    assert listed["build-in-progress"]["status"] == "queued"
    assert listed["cirros-0.6.2"]["status"] == "active"
    assert listed["cirros-0.6.2"]["id"] == demo_image_id("cirros-0.6.2")  # same on every run
    assert listed["cirros-0.6.2"]["size"] > 0 and listed["cirros-0.6.2"]["os_hash_value"]
    # real images: the store's inspector read each one's virtual size from its header
    assert listed["ubuntu-24.04-server"]["virtual_size"] == int(3.5 * 2**30)
    assert listed["ubuntu-24.04-server"]["size"] < 2**20  # sparse qcow2
    assert listed["rocky-9-genericcloud"]["virtual_size"] == 10 * 2**30

    shares = cli("shares", "--json", project="demo").json()
    every = [*listed.values(), *(i for group in shares.values() for i in group)]
    assert {i["disk_format"] for i in every} == {"qcow2", "raw", "vmdk", "vhd", "iso", "vdi"}
    assert sorted(i["name"] for i in shares["pending"]) == [
        "alpine-3.20-virt",
        "fedora-40-cloud",
        "windows-server-2022-eval",
    ]
    assert [i["name"] for i in shares["accepted"]] == ["rocky-9-genericcloud"]
    assert [i["name"] for i in shares["rejected"]] == ["freebsd-14.1"]

    members = {
        m["member_id"]: m["status"]
        for m in cli("members", "demo-app-golden", "--json", project="demo").json()
    }
    assert members == {"research": "pending", "ops": "accepted"}


def test_other_projects_view(demo, cli: Cli) -> None:
    research = cli("shares", "--json", project="research").json()
    assert [i["name"] for i in research["pending"]] == ["demo-app-golden"]
    ops = by_name(cli("ls", "--json", project="ops").json())
    assert "demo-app-golden" in ops  # accepted by ops
    assert "cirros-0.6.2" not in ops  # demo's private image
    # a pending share can be answered by name from the receiving side
    assert cli("accept", "demo-app-golden", project="research").code == 0
    assert "demo-app-golden" in by_name(cli("ls", "--json", project="research").json())


def test_demo_settings_point_at_the_store(demo, store_dir: Path) -> None:
    settings = demo.settings(load_settings({}, environ={"OS_CLOUD": "prod"}))
    assert settings.store_path == store_dir
    assert settings.cloud is None
    assert settings.project == "demo"
    assert settings.admin is False


def test_demo_flag_with_a_command_uses_a_throwaway_store(cli: Cli) -> None:
    result = cli("--demo", "ls", "--json", store=False)
    assert result.code == 0, result.err
    assert "cirros-0.6.2" in by_name(result.json())


def test_demo_with_another_store_is_a_usage_error(cli: Cli) -> None:
    result = cli("--demo", "--cloud", "prod", "ls", store=False)
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "imagedeck: --demo uses its own throwaway store; leave out --store and --cloud"
    )
    assert cli("--demo", "ls").code == 2  # the fixture adds --store


def test_demo_as_another_project(cli: Cli) -> None:
    result = cli("--demo", "--project", "research", "shares", "--json", store=False)
    assert result.code == 0, result.err
    assert [i["name"] for i in result.json()["pending"]] == ["demo-app-golden"]


def test_demo_images_have_the_ages_of_their_samples(demo, cli: Cli) -> None:
    from datetime import datetime

    listed = by_name(cli("ls", "--json", project="demo").json())
    now = datetime.now(UTC)
    for sample in CATALOG:
        record = listed.get(sample.name)
        if record is None:
            continue  # a share the demo project has not accepted
        created = datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
        assert abs((now - created) - sample.age).total_seconds() < 120, sample.name
        assert record["updated_at"] == record["created_at"]
    # newest first by default, so the list reads like a history
    names = [record["name"] for record in cli("ls", "--json", project="demo").json()]
    assert names[0] == "build-in-progress" and names[-1] == "legacy-appliance"


def test_seeding_leaves_the_catalog_clock_on_the_wall_clock(demo) -> None:
    from datetime import datetime

    from imagedeck.stores.local_catalog import now_stamp

    stamp = datetime.strptime(now_stamp(), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60


def test_demo_changes_are_logged_inside_its_throwaway_directory(cli: Cli, tmp_path: Path) -> None:
    before = dict(os.environ)
    result = cli("--demo", "set", "cirros-0.6.2", "--property", "hw_disk_bus=virtio", store=False)
    assert result.code == 0, result.err
    assert not list((tmp_path / "xdg-state").rglob("*")), "the demo wrote to the user's state directory"
    assert dict(os.environ) == before
