"""Image commands on a real local store: listing, filters, show, set, delete, lifecycle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli_kit import Cli, Result

Maker = Callable[..., str]

GLANCE_FIELDS = {
    "id",
    "name",
    "status",
    "disk_format",
    "container_format",
    "size",
    "virtual_size",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "visibility",
    "protected",
    "os_hidden",
    "owner",
    "min_disk",
    "min_ram",
    "tags",
    "created_at",
    "updated_at",
}


def one_line_error(result: Result, *fragments: str) -> None:
    """Exit 1 and exactly one line on stderr, in imagedeck's shape, naming the fragments."""
    assert result.code == 1, result
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("imagedeck: ")
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0]


def test_ls_on_empty_store(cli: Cli) -> None:
    result = cli("ls")
    assert result.code == 0
    assert result.out.strip() == "no images"
    assert cli("ls", "--json").json() == []


def test_ls_table_and_json_use_glance_fields(cli: Cli, make_image: Maker) -> None:
    image_id = make_image("alpha", "ubuntu-24.04", b"u" * 3000, os_distro="ubuntu", tags=["lts"])
    table = cli("ls")
    assert table.code == 0
    header, row = table.out.splitlines()
    assert header.split()[:4] == ["ID", "Name", "Status", "Disk"]
    assert image_id in row and "ubuntu-24.04" in row and "active" in row and "2.9 KiB" in row

    data = cli("ls", "--json").json()
    assert len(data) == 1
    record = data[0]
    assert record.keys() >= GLANCE_FIELDS
    assert record["id"] == image_id
    assert record["size"] == 3000
    assert record["os_distro"] == "ubuntu"  # properties at top level, as Glance shows them
    assert record["tags"] == ["lts"]
    assert record["owner"]
    assert "properties" not in record
    # --json may also come before the command
    assert cli("--json", "ls").json() == data


def test_ls_filters_and_sorting(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "b-raw", b"r" * 2048, tags=["x", "y"], os_distro="debian")
    make_image("alpha", "a-queued", None, tags=["x"])
    make_image("alpha", "c-big", b"b" * 600_000, protected=True)

    def names(*argv: str) -> list[str]:
        result = cli("ls", "--json", *argv)
        assert result.code == 0, result.err
        return [image["name"] for image in result.json()]

    assert names("--sort", "name:asc") == ["a-queued", "b-raw", "c-big"]
    assert names("--sort", "name:desc") == ["c-big", "b-raw", "a-queued"]
    assert names("--status", "queued") == ["a-queued"]
    assert sorted(names("--status", "queued,active")) == ["a-queued", "b-raw", "c-big"]
    assert names("--tag", "x", "--tag", "y") == ["b-raw"]
    assert names("--size-min", "100K") == ["c-big"]
    assert names("--size-max", "4K") == ["b-raw"]
    assert names("--protected") == ["c-big"]
    assert sorted(names("--unprotected")) == ["a-queued", "b-raw"]
    assert names("--property", "os_distro=debian") == ["b-raw"]
    assert names("--name", "b-raw") == ["b-raw"]
    assert names("--sort", "name", "--limit", "2") == ["a-queued", "b-raw"]
    assert names("--created-at", "gt:2000-01-01T00:00:00Z", "--sort", "name") == [
        "a-queued",
        "b-raw",
        "c-big",
    ]
    assert names("--created-at", "lt:2000-01-01T00:00:00Z") == []
    assert names("--disk-format", "qcow2") == []


@pytest.mark.parametrize(
    "argv",
    [
        ["ls", "--sort", "colour"],
        ["ls", "--size-min", "lots"],
        ["ls", "--status", "sleeping"],
        ["ls", "--created-at", "soon:2020"],
        ["ls", "--property", "novalue"],
        ["ls", "--protected", "--unprotected"],
        ["show"],
        ["frobnicate"],
        ["set", "x", "--min-disk", "-1"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert "usage:" in result.err
    assert "Traceback" not in result.err


def test_store_and_cloud_together_is_a_usage_error(cli: Cli, store_dir) -> None:
    result = cli("--store", str(store_dir), "--cloud", "prod", "ls", store=False)
    assert result.code == 2
    assert "--store and --cloud" in result.err


def test_show_by_id_and_name(cli: Cli, make_image: Maker) -> None:
    image_id = make_image("alpha", "debian-12", b"d" * 1024, architecture="x86_64")
    by_name = cli("show", "debian-12")
    assert by_name.code == 0
    assert f"id                {image_id}" in by_name.out
    assert "architecture" in by_name.out and "x86_64" in by_name.out
    assert "1.0 KiB (1,024 bytes)" in by_name.out
    data = cli("show", image_id, "--json").json()
    assert data.keys() >= GLANCE_FIELDS
    assert data["name"] == "debian-12" and data["architecture"] == "x86_64"
    assert data["checksum"] and data["os_hash_algo"] == "sha512"


def test_ambiguous_and_missing_names(cli: Cli, make_image: Maker) -> None:
    first = make_image("alpha", "twin")
    second = make_image("alpha", "twin")
    result = cli("show", "twin")
    one_line_error(result, "invalid", "matches 2 images", first, second)
    one_line_error(cli("show", "nothing-like-this"), "not found", "nothing-like-this")
    assert cli("show", first).code == 0


def test_set_computes_changes_from_the_current_image(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "web", tags=["old", "keep"], os_distro="ubuntu", hw_disk_bus="ide")
    result = cli(
        "set",
        "web",
        "--json",
        "--name",
        "web-2",
        "--min-disk",
        "5",
        "--min-ram",
        "512",
        "--property",
        "os_distro=debian",  # replace an existing property
        "--property",
        "os_version=12",  # add a missing one
        "--unset-property",
        "hw_disk_bus",
        "--tag",
        "new",
        "--untag",
        "old",
        "--hidden",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["name"] == "web-2"
    assert data["min_disk"] == 5 and data["min_ram"] == 512
    assert data["os_distro"] == "debian" and data["os_version"] == "12"
    assert "hw_disk_bus" not in data
    assert sorted(data["tags"]) == ["keep", "new"]
    assert data["os_hidden"] is True
    # hidden images leave the default listing and show up with --hidden
    assert cli("ls", "--json").json() == []
    assert [i["name"] for i in cli("ls", "--hidden", "--json").json()] == ["web-2"]
    assert cli("set", "web-2", "--unhidden", "--json").json()["os_hidden"] is False


def test_set_refusals(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "img")
    one_line_error(cli("set", "img"), "nothing to change")
    one_line_error(cli("set", "img", "--unset-property", "nope"), "no property 'nope'")
    one_line_error(cli("set", "img", "--untag", "nope"), "no tag 'nope'")
    one_line_error(cli("set", "img", "--visibility", "public"), "public")  # admin only


def test_protected_image_cannot_be_deleted_until_unprotected(cli: Cli, make_image: Maker) -> None:
    image_id = make_image("alpha", "precious")
    assert cli("set", "precious", "--protected", "--json").json()["protected"] is True
    refused = cli("delete", "precious")
    assert refused.code == 1
    assert "cannot delete precious" in refused.err and "Traceback" not in refused.err
    assert cli("show", image_id).code == 0
    assert cli("set", "precious", "--unprotected").code == 0
    deleted = cli("delete", "precious")
    assert deleted.code == 0
    assert deleted.out.strip() == f"deleted precious ({image_id})"
    assert cli("show", image_id).code == 1


def test_delete_several_reports_each_failure(cli: Cli, make_image: Maker) -> None:
    keep = make_image("alpha", "keep", protected=True)
    gone = make_image("alpha", "gone")
    result = cli("delete", "gone", "missing", "keep", "--json")
    assert result.code == 1
    report = result.json()
    assert report["deleted"] == [{"id": gone, "name": "gone"}]
    assert [f["image"] for f in report["failed"]] == ["missing", "keep"]
    assert [f["error"] for f in report["failed"]] == ["not found", "forbidden"]
    assert len(result.err.splitlines()) == 2
    assert [i["id"] for i in cli("ls", "--json").json()] == [keep]


def test_deactivate_and_reactivate_by_the_owner_only(cli: Cli, make_image: Maker) -> None:
    image_id = make_image("alpha", "vm", visibility="shared")
    assert cli("share", "vm", "beta").code == 0 and cli("accept", "vm", project="beta").code == 0
    one_line_error(cli("deactivate", image_id, project="beta"), "forbidden")
    result = cli("deactivate", "vm")
    assert result.code == 0, result.err
    assert "status deactivated" in result.out
    assert cli("show", "vm", "--json").json()["status"] == "deactivated"
    back = cli("reactivate", "vm", "--json")
    assert back.code == 0 and back.json()["status"] == "active"


def test_read_only_refuses_every_write(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "ro")
    for argv in (
        ["set", "ro", "--name", "x"],
        ["delete", "ro"],
        ["deactivate", "ro"],
        ["share", "ro", "beta"],
        ["unshare", "ro", "beta"],
        ["accept", "ro"],
    ):
        one_line_error(cli("--read-only", *argv), "forbidden", "read-only")
    assert cli("--read-only", "show", "ro").code == 0
    assert cli("show", "ro", "--json").json()["name"] == "ro"


def test_broken_config_is_one_line(cli: Cli, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("max_transfers: [\n")
    monkeypatch.setenv("IMAGEDECK_CONFIG", str(config))
    one_line_error(cli("ls"), "config:", str(config))


def test_ls_visibility_owner_and_container_filters(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "pub", admin=True, visibility="public", container_format="ovf")
    make_image("alpha", "priv", visibility="private")
    make_image("beta", "theirs", visibility="shared")
    assert cli("share", "theirs", "alpha", project="beta").code == 0

    def names(*argv: str, project: str = "alpha") -> list[str]:
        result = cli("ls", "--json", "--sort", "name", *argv, project=project)
        assert result.code == 0, result.err
        return [image["name"] for image in result.json()]

    assert names() == ["priv", "pub"]
    assert names("--visibility", "public") == ["pub"]
    assert names("--visibility", "private") == ["priv"]
    assert names("--container-format", "ovf,ova") == ["pub"]
    assert names("--visibility", "shared", "--member-status", "pending") == ["theirs"]
    assert names("--visibility", "all", "--member-status", "all") == ["priv", "pub", "theirs"]
    assert names("--owner", "beta", "--visibility", "all", "--member-status", "all") == ["theirs"]
    assert names(project="beta") == ["pub", "theirs"]


def test_help_lists_every_command_and_exits_0(cli: Cli, tmp_path) -> None:
    result = cli("--help", store=False)
    assert result.code == 0
    for command in (
        "ls",
        "show",
        "inspect",
        "set",
        "delete",
        "deactivate",
        "reactivate",
        "members",
        "share",
        "unshare",
        "accept",
        "reject",
        "pending",
        "shares",
        "upload",
        "download",
        "import",
        "copy",
        "convert",
    ):
        assert f"\n    {command} " in result.out
    assert str(tmp_path / "xdg-config" / "imagedeck" / "config.yaml") in result.out
