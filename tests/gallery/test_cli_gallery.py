"""The fleet and gallery commands over local stores: output, dry runs, errors and usage."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cli_kit import Result, isolate, run
from gallery_support import add_image
from imagedeck.model import ImageQuery
from imagedeck.stores.local import LocalStore


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Two local stores: east holds web-1..3 (family web) and a hostile name; west holds web-1."""
    isolate(tmp_path, monkeypatch)

    async def seed() -> None:
        async with LocalStore(tmp_path / "east", "alpha") as east:
            for n in (1, 2, 3):
                await add_image(east, f"web-{n}", n, image_family="web", image_build_date=f"2026-0{n}-01")
            await add_image(east, "evil\x1b[31m\u202e", 9)
        async with LocalStore(tmp_path / "west", "alpha") as west:
            await add_image(west, "web-1", 1, image_family="web", image_build_date="2026-01-01")

    asyncio.run(seed())
    return f"local:{tmp_path / 'east'}", f"local:{tmp_path / 'west'}"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    return run(capsys, ["--project", "alpha", *argv])


def test_fleet_shows_each_content_per_place_and_hostile_names_visibly(places, capsys) -> None:  # type: ignore[no-untyped-def]
    east, west = places
    result = cli(capsys, "fleet", "--place", east, "--place", west)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\u202e" not in result.out
    assert "\\x1b" in result.out
    line = next(line for line in result.out.splitlines() if " web-1 " in line)
    assert line.count("active") == 2
    line = next(line for line in result.out.splitlines() if " web-2 " in line)
    assert "active" in line and "missing" in line


def test_fleet_json_has_columns_and_rows(places, capsys) -> None:  # type: ignore[no-untyped-def]
    east, west = places
    data = cli(capsys, "fleet", "--json", "--place", east, "--place", west).json()
    assert [c["place"] for c in data["columns"]] == [east, west]
    web1 = next(r for r in data["rows"] if r["name"] == "web-1")
    assert {cell["presence"] for cell in web1["cells"].values()} == {"active"}


def test_fleet_with_a_down_place_warns_and_shows_the_rest(places, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    east, _ = places
    (tmp_path / "file").write_text("x")
    result = cli(capsys, "fleet", "--place", east, "--place", f"local:{tmp_path / 'file'}")
    assert result.code == 0
    assert "warning" in result.err and "not read" in result.out and "web-3" in result.out


def test_families_marks_the_latest(places, capsys) -> None:  # type: ignore[no-untyped-def]
    east, _ = places
    data = cli(capsys, "families", "--json", "--place", east).json()
    web = next(f for f in data if f["family"] == "web")
    assert [(v["name"], v["latest"]) for v in web["versions"]] == [
        ("web-3", True),
        ("web-2", False),
        ("web-1", False),
    ]
    assert web["versions"][0]["grouped_by"] == "property image_family"


def test_retire_is_a_dry_run_unless_yes(places, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    east, _ = places
    result = cli(capsys, "retire", "web", "--keep", "1", "--place", east)
    assert result.code == 0 and "nothing changed" in result.out

    async def hidden() -> int:
        async with LocalStore(tmp_path / "east", "alpha") as store:
            return len(await store.all_images(ImageQuery(os_hidden=True)))

    assert asyncio.run(hidden()) == 0
    assert cli(capsys, "retire", "web", "--keep", "1", "--place", east, "--yes").code == 0
    assert asyncio.run(hidden()) == 2


def test_promote_then_families_shows_the_promoted_latest(places, capsys) -> None:  # type: ignore[no-untyped-def]
    east, _ = places
    assert cli(capsys, "promote", "web-1", "--place", east).code == 0
    data = cli(capsys, "families", "--json", "--place", east).json()
    web = next(f for f in data if f["family"] == "web")
    assert [v["name"] for v in web["versions"] if v["latest"]] == ["web-1"]


def test_replicate_to_a_local_place_reports_each_target(places, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    east, west = places
    result = cli(
        capsys, "replicate", "web-3", "--from", east, "--to", west, "--to", f"local:{tmp_path / 'new'}"
    )
    assert result.code == 0, result.err
    assert result.out.count("completed") == 2 and "streamed copy" in result.out
    data = cli(capsys, "replicate", "web-3", "--from", east, "--to", west, "--json").json()
    assert data["targets"][0]["status"] == "completed" and set(data["ids"]) == {east, west}


def test_errors_are_one_line_and_usage_exits_2(places, capsys) -> None:  # type: ignore[no-untyped-def]
    east, _ = places
    bad = cli(capsys, "fleet", "--place", "prod:")
    assert bad.code == 1 and len(bad.err.strip().splitlines()) == 1 and "place" in bad.err
    missing = cli(capsys, "retire", "nope", "--keep", "1", "--place", east)
    assert missing.code == 1 and "no image of family" in missing.err
    assert cli(capsys, "retire", "web", "--place", east).code == 2  # --keep is required
    assert cli(capsys, "replicate", "web-1").code == 2  # --to is required
    assert cli(capsys, "retire", "web", "--keep", "0", "--place", east).code == 1
