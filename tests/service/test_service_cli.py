"""``--detach`` hands a transfer to the service; ``imagedeck transfers`` follows and lists it."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagedeck.service.paths import ServicePaths
from service_support import MIB, random_file, sha512
from tests.cli_kit import run


def test_detached_upload_and_download_followed_by_transfers(
    paths: ServicePaths, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEDECK_CONFIG", str(tmp_path / "config.yaml"))
    (tmp_path / "config.yaml").write_text("token_cache: false\n")
    where = ["--store", str(tmp_path / "store"), "--project", "alpha"]
    source = random_file(tmp_path / "disk.raw", 2 * MIB)
    assert run(capsys, [*where, "transfers"]).out == "no transfers\n"  # and no service started for it
    assert not paths.socket.exists()

    sent = run(capsys, [*where, "upload", str(source), "--name", "detached", "--detach"])
    assert sent.code == 0 and sent.out.strip() == "t1"
    assert "transfers watch t1" in sent.err
    watched = run(capsys, [*where, "transfers", "watch", "t1"])
    assert watched.code == 0 and watched.out.startswith("t1 done: uploaded as")

    fetched = run(
        capsys, [*where, "--json", "download", "detached", "-o", str(tmp_path / "back.raw"), "--detach"]
    )
    assert fetched.json() == {"job": "t2"}
    assert run(capsys, [*where, "transfers", "watch"]).code == 0
    assert sha512(tmp_path / "back.raw") == sha512(source)

    listed = run(capsys, [*where, "--json", "transfers"]).json()
    assert [(job["id"], job["kind"], job["state"]) for job in listed] == [
        ("t1", "upload", "done"),
        ("t2", "download", "done"),
    ]
    refused = run(capsys, [*where, "transfers", "retry", "t1"])
    assert refused.code == 1 and "only a failed or cancelled one can be retried" in refused.err
    assert run(capsys, [*where, "transfers", "forget"]).out == "forgot 2 finished transfer(s)\n"
