"""``imagedeck usage``, ``tasks`` and ``cache`` through the real entry point, on a local store and
on the lab."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from imagedeck.stores.local import LocalStore
from tests.cli_kit import isolate, run
from tests.lab import Lab


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate(tmp_path, monkeypatch)
    path = tmp_path / "store"

    async def seed() -> None:
        async with LocalStore(path, "alpha") as store:
            await store.create_image({"name": "plain", "disk_format": "raw", "container_format": "bare"})

    asyncio.run(seed())
    monkeypatch.setenv("IMAGEDECK_STORE", str(path))
    monkeypatch.setenv("IMAGEDECK_PROJECT", "alpha")
    return path


def test_on_the_local_store_usage_has_no_limits_tasks_none_and_the_cache_is_not_there(local, capsys) -> None:
    done = run(capsys, ["usage"])
    assert done.code == 0 and "sets no quota limits" in done.out
    assert run(capsys, ["usage", "--json"]).json() == []
    tasks = run(capsys, ["tasks", "plain"])
    assert tasks.code == 0 and "has no tasks" in tasks.out
    cache = run(capsys, ["cache", "ls"])
    assert (
        cache.code == 1
        and cache.err.startswith("imagedeck: not available: local:")
        and "no image cache" in cache.err
    )
    refused = run(capsys, ["--read-only", "cache", "clear"])
    assert refused.code == 1 and "cache clear refused: imagedeck is in read-only mode" in refused.err


@pytest.fixture
def lab_env(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))


def test_usage_on_the_lab_prints_the_numbers(lab_env, capsys) -> None:
    table = run(capsys, ["--cloud", "lab-carol", "usage"])
    assert table.code == 0, table.err
    lines = {line.split()[0]: line.split()[1:] for line in table.out.splitlines()[1:]}
    assert lines["image_count_total"][1] == "2" and lines["image_size_total"][2:4] == ["4", "MiB"]
    data = run(capsys, ["--cloud", "lab-carol", "usage", "--json"]).json()
    assert {"resource": "image_count_total", "used": 0, "limit": 2} in data
    none = run(capsys, ["--cloud", "lab-alice", "usage"])
    assert "sets no quota limits" in none.out


def test_cache_as_a_member_is_one_line_saying_it_is_for_admins(lab_env, capsys) -> None:
    done = run(capsys, ["--cloud", "lab-alice", "cache", "ls"])
    assert done.code == 1
    assert (
        done.err.strip()
        == "imagedeck: not available: cloud:lab-alice: the image cache is managed by the cloud's admins only"
    )
    listed = run(capsys, ["--cloud", "lab-admin", "cache", "ls", "--json"])
    assert listed.code == 0, listed.err
    assert set(listed.json()) == {"cached", "queued"}
