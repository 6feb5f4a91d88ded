"""``imagedeck log`` and ``imagedeck undo`` end to end on the local store."""

from __future__ import annotations

import json
from collections.abc import Callable

from imagedeck.history import ActionLog
from tests.cli_kit import Cli


def shown(cli: Cli, image_id: str) -> dict:
    result = cli("show", image_id, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_set_log_undo_restores_the_value(cli: Cli, make_image: Callable[..., str]) -> None:
    image_id = make_image("alpha", "web", hw_disk_bus="virtio", visibility="private")
    assert cli("set", image_id, "--property", "hw_disk_bus=scsi", "--visibility", "shared").code == 0

    log = cli("log", "--limit", "1")
    assert log.code == 0
    assert "hw_disk_bus: virtio -> scsi" in log.out and "visibility: private -> shared" in log.out
    assert f"openstack image set --shared --property hw_disk_bus=scsi {image_id}" in log.out
    assert f"PATCH /v2/images/{image_id} " in log.out

    dry = cli("undo", "--dry-run")
    assert dry.code == 0
    assert "makes the image private again (now shared), restores hw_disk_bus=virtio (now scsi)" in dry.out
    assert shown(cli, image_id)["hw_disk_bus"] == "scsi"

    done = cli("undo", "--yes")
    assert done.code == 0, done.err
    after = shown(cli, image_id)
    assert (after["hw_disk_bus"], after["visibility"]) == ("virtio", "private")

    entries = json.loads(cli("log", "--json", "--limit", "2").out)
    assert entries[0]["undo_of"] == entries[1]["id"]
    assert entries[0]["changes"][1] == {
        "name": "hw_disk_bus",
        "before": "scsi",
        "after": "virtio",
        "kind": "field",
    }


def test_undo_is_refused_when_the_image_changed_since(cli: Cli, make_image: Callable[..., str]) -> None:
    image_id = make_image("alpha", "web")
    assert cli("set", image_id, "--property", "os_distro=debian").code == 0
    first = json.loads(cli("log", "--json", "--limit", "1").out)[0]["id"]
    assert cli("set", image_id, "--property", "os_distro=ubuntu").code == 0

    refused = cli("undo", first, "--yes")
    assert refused.code == 1
    assert "changed since entry" in refused.err and "os_distro is now ubuntu, not debian" in refused.err
    assert "--force" in refused.err and "Traceback" not in refused.err
    assert shown(cli, image_id)["os_distro"] == "ubuntu"

    forced = cli("undo", first, "--yes", "--force")
    assert forced.code == 0, forced.err
    assert "os_distro" not in shown(cli, image_id)


def test_undo_steps_back_and_shares_and_states_come_back(cli: Cli, make_image: Callable[..., str]) -> None:
    image_id = make_image("alpha", "web")
    assert cli("share", image_id, "beta").code == 0
    assert cli("deactivate", image_id).code == 0
    assert cli("undo", "--yes").code == 0  # the deactivation first
    assert shown(cli, image_id)["status"] == "active"
    assert cli("undo", "--yes").code == 0  # then the share
    assert json.loads(cli("members", image_id, "--json").out) == []
    nothing = cli("undo", "--yes")
    assert nothing.code == 1 and "nothing to undo at local:" in nothing.err


def test_deletes_cannot_be_undone_and_other_places_are_refused(
    cli: Cli, make_image: Callable[..., str]
) -> None:
    image_id = make_image("alpha", "web")
    assert cli("set", image_id, "--min-ram", "512").code == 0
    beta = cli("undo", "--yes", project="beta")
    assert beta.code == 1 and "nothing to undo" in beta.err
    set_entry = json.loads(cli("log", "--json", "--limit", "1").out)[0]["id"]
    elsewhere = cli("undo", set_entry, "--yes", project="beta")
    assert elsewhere.code == 1 and "as alpha, not here" in elsewhere.err

    assert cli("delete", image_id).code == 0
    delete_entry = json.loads(cli("log", "--json", "--limit", "1").out)[0]
    assert delete_entry["action"] == "delete"
    assert delete_entry["command"] == f"openstack image delete {image_id}"
    refused = cli("undo", delete_entry["id"], "--yes")
    assert refused.code == 1 and "a deleted image cannot be brought back" in refused.err
    gone = cli("undo", set_entry, "--yes")
    assert gone.code == 1 and "is gone" in gone.err


def test_hostile_names_reach_the_terminal_escaped(cli: Cli, make_image: Callable[..., str]) -> None:
    image_id = make_image("alpha", "ok")
    hostile = "x\x1b]0;pwned\x07\nforged row"
    assert cli("set", image_id, "--name", hostile, "--property", "os_distro=\x1b[2J").code == 0
    log = cli("log")
    assert "\x1b" not in log.out and "\x07" not in log.out
    assert "forged row" not in log.out.split("\n")[0] and "\\x1b]0;pwned\\x07\\nforged row" in log.out
    assert "--name $'x\\x1b]0;pwned\\x07\\x0aforged row'" in log.out


def test_corrupt_lines_warn_once(cli: Cli, make_image: Callable[..., str], action_log: ActionLog) -> None:
    image_id = make_image("alpha", "web")
    assert cli("set", image_id, "--min-disk", "2").code == 0
    with action_log.path.open("a") as file:
        file.write("{not json\n")
    log = cli("log")
    assert log.code == 0 and "min_disk: 0 -> 2" in log.out
    assert log.err.count("warning: skipped 1 unreadable line of the action log") == 1


def test_without_a_terminal_undo_asks_for_yes(cli: Cli, make_image: Callable[..., str]) -> None:
    image_id = make_image("alpha", "web")
    assert cli("set", image_id, "--protected").code == 0
    result = cli("undo")
    assert result.code == 1 and "add --yes" in result.err
    assert shown(cli, image_id)["protected"] is True
