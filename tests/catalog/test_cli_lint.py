"""``imagedeck lint``, ``catalog`` and the checks ``set --property`` makes, on a local store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_kit import Cli, Result, isolate, run

GIB = 1024**3


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    isolate(tmp_path, monkeypatch)

    def imagedeck(*argv: str) -> Result:
        return run(capsys, ["--store", str(tmp_path / "store"), "--project", "alpha", *argv])

    return imagedeck


@pytest.fixture
def images(tmp_path: Path) -> None:
    from tests.cli.conftest import add_image

    store = tmp_path / "store"
    add_image(store, "alpha", "bad", None, hw_disk_bus="floppy", **{"hypervisor-type": "kvm"})
    add_image(store, "alpha", "good", None, hw_disk_bus="scsi", os_distro="debian")
    add_image(store, "beta", "theirs", None, admin=True, visibility="public", hw_disk_bus="floppy")


def test_lint_all_of_the_projects_images(cli: Cli, images: None) -> None:
    result = cli("lint")
    assert result.code == 1, result.err
    assert "hypervisor-type is misspelt: the property is hypervisor_type" in result.out
    assert "must be one of scsi, virtio" in result.out
    assert "theirs" not in result.out  # another project's public image is not ours to lint
    assert result.out.rstrip().endswith("2 images: 1 with errors, 1 clean")


def test_lint_exit_codes_and_json(cli: Cli, images: None) -> None:
    assert cli("lint", "good").code == 0
    data = cli("lint", "good", "--required", "scs", "--json")
    assert data.code == 1
    body = data.json()
    assert body["catalog"]["source"] == "builtin"
    keys = {f["key"] for f in body["images"][0]["findings"]}
    assert {"image_build_date", "replace_frequency", "min_disk"} <= keys
    assert "hw_disk_bus" not in keys and "os_distro" not in keys
    usage = cli("lint", "--required", "os distro")
    assert usage.code == 2 and "no spaces" in usage.err


def test_lint_required_from_the_config(cli: Cli, images: None, tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("lint_required: [os_distro]\n")
    monkeypatch.setenv("IMAGEDECK_CONFIG", str(config))
    assert cli("lint", "good").code == 0
    found = cli("lint", "good", "--required", "image_family", "--json").json()["images"][0]["findings"]
    assert [f["key"] for f in found] == ["image_family"]


def test_set_refuses_typos_and_bad_values(cli: Cli, images: None) -> None:
    typo = cli("set", "good", "--property", "hw_disk_buss=scsi")
    assert typo.code == 1 and "did you mean hw_disk_bus?" in typo.err and "Traceback" not in typo.err
    bad = cli("set", "good", "--property", "hw_disk_bus=virtoi", "--allow-unknown")
    assert bad.code == 1 and "must be one of" in bad.err and "Nothing was changed" in bad.err
    unknown = cli("set", "good", "--property", "cost_centre=42")
    assert unknown.code == 1 and "--allow-unknown" in unknown.err
    assert "cost_centre" not in cli("show", "good", "--json").json()

    allowed = cli("set", "good", "--property", "cost_centre=42", "--allow-unknown", "--json")
    assert allowed.code == 0 and allowed.json()["cost_centre"] == "42"
    assert "set anyway because of --allow-unknown" in allowed.err.lower()
    # what an image already holds is not checked again when something else changes
    assert cli("set", "bad", "--name", "bad-2", "--property", "os_distro=debian").code == 0


def test_catalog_lists_and_import_needs_a_cloud(cli: Cli) -> None:
    listed = cli("catalog")
    assert listed.code == 0 and "hw_disk_bus" in listed.out and "built-in" in listed.out
    assert any(p["name"] == "hw_scsi_model" for p in cli("catalog", "--json").json()["properties"])
    assert "needs --from-cloud" in cli("catalog", "import").err


def test_a_hostile_name_or_key_stays_on_its_own_line(cli: Cli, tmp_path: Path) -> None:
    from tests.cli.conftest import add_image

    add_image(tmp_path / "store", "alpha", "x\x1b]0;t\x07[/]\n../evil", None, **{"hw_disk_buss\n[/]": "v\nw"})
    result = cli("lint")
    assert "\x1b" not in result.out
    lines = result.out.splitlines()
    assert len(lines) == 4  # catalog, the image, its one finding, the summary
    assert lines[1].startswith("x\\x1b]0;t\\x07[/]\\n../evil (")
