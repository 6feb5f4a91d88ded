"""The openstack command and the request recorded for each change: exact, quoted, one safe line."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from imagedeck.history.commands import (
    add_member_command,
    create_command,
    member_status_command,
    shell_word,
    tag_command,
    update_command,
    update_request,
    without_password,
)
from imagedeck.history.entry import Entry, FieldChange, Place, Request
from imagedeck.history.undo import field_clause
from imagedeck.model import Change

ID = "6607b53c-9f47-48d5-956e-af250a9ec831"
HOSTILE = [
    "it's",
    "a;rm -rf ~",
    "two\nlines",
    "\x1b]52;c;ZWNobyBoaQ==\x07",
    "$(id)`id`",
    "\u202egnp.exe",
    "a\\b",
]


def bash_words(line: str) -> list[str]:
    """The words bash reads from ``line`` (after its own quoting rules), one per line of output."""
    script = f"set -- {line.removeprefix('openstack ')}; for w; do printf '%s\\0' \"$w\"; done"
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout
    return out.decode().split("\0")[:-1]


@pytest.mark.parametrize("word", HOSTILE)
def test_a_hostile_word_stays_one_word_on_one_line(word: str) -> None:
    quoted = shell_word(word)
    assert "\n" not in quoted and "\x1b" not in quoted and "\x07" not in quoted and "\u202e" not in quoted
    assert bash_words(f"x {quoted}")[1:] == [word]


def test_plain_words_use_shlex_quote() -> None:
    assert shell_word("web golden") == shlex.quote("web golden") == "'web golden'"
    assert shell_word("hw_disk_bus=virtio") == "hw_disk_bus=virtio"


def test_update_command_sets_and_unsets() -> None:
    changes = [
        Change.add("hw_disk_bus", "virtio"),
        Change.remove("os_version"),
        Change.replace("visibility", "private"),
        Change.replace("protected", False),
        Change.replace("name", "web golden"),
        Change.replace("tags", ["b", "c"]),
    ]
    line = update_command(ID, changes, tags_before=["a", "b"])
    assert line == (
        f"openstack image set --property hw_disk_bus=virtio --private --unprotected --name 'web golden' "
        f"--tag c {ID} && openstack image unset --property os_version --tag a {ID}"
    )
    request = update_request(ID, changes)
    assert request.method == "PATCH" and request.path == f"/v2/images/{ID}"
    assert request.body[0] == {"op": "add", "path": "/hw_disk_bus", "value": "virtio"}
    assert request.body[1] == {"op": "remove", "path": "/os_version"}


def test_hostile_property_and_name_make_one_safe_line() -> None:
    changes = [Change.add("note", "x';reboot;'\n\x1b[2J"), Change.replace("name", "a\nb")]
    line = update_command(ID, changes)
    assert line.isprintable()
    assert bash_words(line) == [
        "image",
        "set",
        "--property",
        "note=x';reboot;'\n\x1b[2J",
        "--name",
        "a\nb",
        ID,
    ]


def test_member_tag_and_create_commands() -> None:
    assert add_member_command(ID, "beta") == f"openstack image add project {ID} beta"
    assert member_status_command(ID, "accepted") == f"openstack image set --accept {ID}"
    assert tag_command(ID, "a b", add=False) == f"openstack image unset --tag 'a b' {ID}"
    line = create_command({"name": "x;y", "disk_format": "raw", "container_format": "bare", "id": ID})
    assert line == f"openstack image create --disk-format raw --container-format bare --id {ID} 'x;y'"


def test_request_line_never_holds_a_raw_control_character() -> None:
    request = Request("PATCH", f"/v2/images/{ID}", [{"op": "add", "path": "/k", "value": "\x1b[31m\n"}])
    assert request.line().isprintable()


def test_preview_clauses() -> None:
    assert field_clause("hw_disk_bus", "virtio", "scsi") == "restores hw_disk_bus=virtio (now scsi)"
    assert field_clause("visibility", "private", "shared") == "makes the image private again (now shared)"
    assert field_clause("protected", True, False) == "protects the image again (now unprotected)"
    assert field_clause("os_version", None, "24.04") == "removes os_version (now os_version=24.04)"


def test_entry_round_trips_through_json() -> None:
    entry = Entry(
        id="abcd1234",
        time="2026-11-30T21:00:00Z",
        session="s1",
        place=Place("cloud:prod", "RegionOne", "p1", "alpha"),
        action="update",
        image_id=ID,
        image_name="web",
        changes=(FieldChange("tags", ["a"], ["a", "b"]),),
        request=update_request(ID, [Change.replace("tags", ["a", "b"])]),
        command=update_command(ID, [Change.replace("tags", ["a", "b"])], ["a"]),
    )
    assert Entry.from_json(entry.to_json()) == entry
    assert entry.summary() == "tags: a -> a, b"


def test_a_password_in_an_import_url_is_not_kept() -> None:
    assert (
        without_password("https://bob:s3cret@example.com:8443/x.img")
        == "https://bob:***@example.com:8443/x.img"
    )
    assert without_password("https://example.com/x.img?sig=1") == "https://example.com/x.img?sig=1"
