"""``imagedeck inspect``: the inspector's verdict, the exit status scripts rely on."""

from __future__ import annotations

from pathlib import Path

from imagedeck.demo.images import image_bytes, write_image
from tests.cli_kit import Cli

GIB = 1 << 30


def test_safe_qcow2_report(cli: Cli, tmp_path: Path) -> None:
    path = write_image(tmp_path / "disk.qcow2", "qcow2", 3 * GIB)
    result = cli("inspect", str(path))
    assert result.code == 0, result.err
    assert result.err == ""
    lines = dict(line.split(None, 1) for line in result.out.splitlines())
    assert lines["detected_format"] == "qcow2"
    assert lines["virtual_size"] == "3.0 GiB (3,221,225,472 bytes)"
    assert lines["suggested_min_disk"] == "3 GiB"
    assert lines["safe"] == "yes"

    data = cli("inspect", str(path), "--json", "--disk-format", "qcow2").json()
    assert data["detected_format"] == "qcow2" and data["declared_format"] == "qcow2"
    assert data["virtual_size"] == 3 * GIB
    assert data["safe"] is True and data["failures"] == [] and data["mismatch"] is None


def test_qcow2_declared_raw_is_a_mismatch(cli: Cli, tmp_path: Path) -> None:
    path = write_image(tmp_path / "disk.img", "qcow2", GIB)
    result = cli("inspect", str(path), "--disk-format", "raw")
    assert result.code == 1
    assert "mismatch" in result.out
    [line] = result.err.splitlines()
    assert line.startswith(f"imagedeck: format mismatch: {path}: DANGER: qcow2 content declared raw")


def test_truncated_header_is_unsafe(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cut.qcow2"
    path.write_bytes(image_bytes("qcow2", GIB)[:60])
    result = cli("inspect", str(path), "--json")
    assert result.code == 1
    data = result.json()
    assert data["safe"] is False
    assert [f["check"] for f in data["failures"]] == ["incomplete"]
    [line] = result.err.splitlines()
    assert line.startswith(f"imagedeck: unsafe: {path}: incomplete header")


def test_missing_file_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("inspect", str(tmp_path / "nope.img"))
    assert result.code == 1
    assert result.err.splitlines() == [f"imagedeck: not found: {tmp_path / 'nope.img'}: no such file"]
