"""Command-line words that are not UTF-8, absurd numbers, and the output sinks themselves."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagedeck.cli import _fail, main
from imagedeck.cli.context import CliContext
from imagedeck.cli.images import byte_size, non_negative
from imagedeck.cli.sharing import share
from imagedeck.config import Settings
from imagedeck.model import Image, Invalid, Member, parse_byte_size, visible
from tests.cli.hostile_kit import SNIPPETS, assert_terminal_safe, hostile_text
from tests.cli_kit import Cli, Result

Maker = Any

NOT_UTF8 = os.fsdecode(b"disk-\xff.img")  # what Python makes of such a file name: "disk-\udcff.img"


def usage_error(result: Result, *fragments: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err and result.out == ""
    assert_terminal_safe(result.err)
    last = result.err.splitlines()[-1]
    for fragment in fragments:
        assert fragment in last, last


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (("set", "IMG", "--name", "\udcff"), "--name"),
        (("set", "IMG", "--property", "k=\udcff"), "--property"),
        (("set", "IMG", "--property", "\udc80=v"), "--property"),
        (("set", "IMG", "--tag", "a\udcffb"), "--tag"),
        (("ls", "--owner", "\udcff"), "--owner"),
        (("show", "\udcff"), "IMAGE"),
        (("share", "IMG", "\udcff"), "PROJECT"),
        (("--project", "\udcff", "ls"), "--project"),
    ],
)
def test_metadata_that_is_not_utf8_is_a_usage_error(
    cli: Cli, make_image: Maker, argv: tuple[str, ...], option: str
) -> None:
    image_id = make_image("alpha", "img", visibility="shared")
    argv = tuple(image_id if word == "IMG" else word for word in argv)
    usage_error(cli(*argv), f"{option} is not valid UTF-8", "\\xff" if "\udcff" in "".join(argv) else "\\x80")
    assert cli("show", image_id, "--json").json()["name"] == "img"


def test_upload_metadata_that_is_not_utf8_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "disk.raw"
    source.write_bytes(b"\0" * 4096)
    usage_error(cli("upload", str(source), "--name", "\udcff"), "--name is not valid UTF-8")
    usage_error(cli("upload", str(source), "--tag", "\udcff"), "--tag is not valid UTF-8")
    assert cli("ls", "--json").json() == []


def test_upload_of_a_file_named_in_bytes_that_are_not_utf8(cli: Cli, tmp_path: Path) -> None:
    """The image is named after the file, with each undecodable byte as U+FFFD."""
    source = tmp_path / NOT_UTF8
    source.write_bytes(b"\0" * 4096)
    done = cli("upload", str(source), "--disk-format", "raw", "--json")
    assert done.code == 0, done.err
    assert done.json()["image"]["name"] == "disk-\ufffd.img"


def test_import_timeout_must_be_a_finite_number(cli: Cli) -> None:
    for value in ("nan", "inf", "-1", "0"):
        usage_error(cli("import", "http://127.0.0.1:1/x", "--timeout", value), "--timeout")


def test_file_names_that_are_not_utf8_print_visibly(cli: Cli, tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/disk-\xff.img"))
    path.write_bytes(b"\0" * 4096)
    inspected = cli("inspect", str(path))
    assert inspected.code == 0, inspected
    assert_terminal_safe(inspected.out)
    assert "disk-\\xff.img" in inspected.out

    missing = cli("inspect", str(tmp_path / NOT_UTF8) + ".gone")
    assert missing.code == 1 and "disk-\\xff.img.gone" in missing.err
    assert_terminal_safe(missing.err)
    unsafe = cli("inspect", str(path), "--disk-format", "qcow2")
    assert unsafe.code == 1 and "disk-\\xff.img" in unsafe.err
    assert_terminal_safe(unsafe.err)


@pytest.mark.parametrize(
    "size", ["1" + "0" * 400 + "G", "99999999999999999999999P", "8E", "9223372036854775808", "8192P"]
)
def test_absurd_sizes_are_usage_errors(cli: Cli, size: str) -> None:
    usage_error(cli("ls", "--size-min", size), "--size-min", "not a size")
    usage_error(cli("ls", "--size-max", size), "--size-max")


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648", "-1", "nan", "inf", "1e3"])
def test_absurd_counts_are_usage_errors(cli: Cli, make_image: Maker, number: str) -> None:
    image_id = make_image("alpha", "img")
    usage_error(cli("set", image_id, "--min-disk", number), "--min-disk")
    usage_error(cli("ls", "--limit", number), "--limit")


def test_size_parsing_is_exact_and_bounded() -> None:
    assert parse_byte_size("8191.999P") == 8191999 * 2**50 // 1000  # float would lose the last digits
    assert parse_byte_size("9223372036854775807") == 2**63 - 1
    assert parse_byte_size("1.5G") == 3 << 29 and parse_byte_size("0.5") == 0
    for text in ("9223372036854775808", "8E", "1" * 5000, "nan", "inf", "-1G", "1e3", "1.G"):
        assert parse_byte_size(text) is None
        with pytest.raises(argparse.ArgumentTypeError):
            byte_size(text)
    assert non_negative("2147483647") == 2**31 - 1
    with pytest.raises(argparse.ArgumentTypeError):
        non_negative("2147483648")


def test_streams_that_cannot_encode_a_name_escape_it(
    make_image: Maker, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image_id = make_image("alpha", "ünïcode-名前")
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii", errors="strict"))
    code = main(["--store", str(store_dir), "--project", "alpha", "show", image_id])
    sys.stdout.flush()
    assert code == 0
    assert b"\\xfcn\\xefcode-\\u540d\\u524d" in raw.getvalue()


# -- the sinks ------------------------------------------------------------------------


def context(tmp_path: Path, **settings: Any) -> CliContext:
    return CliContext(
        settings=Settings(store_path=tmp_path, project="alpha", **settings),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


@given(text=hostile_text(surrogates=True, max_size=400))
def test_sinks_make_text_visible_once(text: str) -> None:
    assert visible(visible(text)) == visible(text)
    ctx = context(Path("unused"))
    ctx.note(text)
    ctx.note(visible(text))
    ctx.warn(text)
    ctx.error(visible(text))
    ctx.emit(None, text)
    out, err = ctx.out.getvalue(), ctx.err.getvalue()  # type: ignore[attr-defined]
    assert out.split("\n")[:2] == [visible(text), visible(text)]
    assert err.split("\n")[:2] == [f"imagedeck: warning: {visible(text)}", f"imagedeck: {visible(text)}"]
    assert_terminal_safe(out)
    assert_terminal_safe(err)


@given(
    name=hostile_text(surrogates=True),
    member=hostile_text(surrogates=True),
    extra=st.lists(st.sampled_from(SNIPPETS), max_size=3).map("".join),
)
def test_renderers_keep_one_line_per_row(name: str, member: str, extra: str) -> None:
    from imagedeck.cli import output

    images = [
        Image(id="i1", name=name, owner=member + extra, tags=[name, extra]),
        Image(id="i2", name=extra or None, properties={name: member}),
    ]
    table = output.image_table(images)
    assert len(table.split("\n")) == 3
    assert_terminal_safe(table)
    details = output.image_details(images[1])
    assert len(details.split("\n")) == 20
    assert_terminal_safe(details)
    members = output.member_table([Member(image_id="i1", member_id=member), Member("i1", name)])
    assert len(members.split("\n")) == 3
    assert_terminal_safe(members)


def test_fatal_error_line_is_visible(capsys: pytest.CaptureFixture[str]) -> None:
    _fail("not found: no image named 'a\x1b]52;c;eA==\x07\nb\u202e\udcff'")
    err = capsys.readouterr().err
    assert err == "imagedeck: not found: no image named 'a\\x1b]52;c;eA==\\x07\\nb\\u202e\\xff'\n"


# -- share with a project nobody could look up ----------------------------------------


class _Store:
    """Just enough of a store for ``share``: the project lookup answers as told."""

    label = "cloud lab"

    def __init__(self, lookup: Any) -> None:
        self.lookup = lookup
        self.added: list[str] = []

    async def get_image(self, ref: str) -> Image:
        return Image(id=ref, name="golden", visibility="shared")

    async def resolve_project(self, name_or_id: str) -> str:
        return self.lookup(name_or_id)

    async def add_member(self, image_id: str, member_id: str) -> Member:
        self.added.append(member_id)
        return Member(image_id=image_id, member_id=member_id)


def _share(ctx: CliContext, store: _Store, member: str) -> int:
    ctx._store = store  # type: ignore[assignment]
    return asyncio.run(share(argparse.Namespace(image="img-1", member=member), ctx))


def test_share_takes_the_id_the_store_resolves_without_second_guessing(tmp_path: Path) -> None:
    ctx = context(tmp_path, cloud="lab")
    dashed = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    assert _share(ctx, _Store(lambda ref: ref), dashed) == 0
    assert ctx.err.getvalue() == ""  # type: ignore[attr-defined]
    assert f"with {dashed}: pending" in ctx.out.getvalue()  # type: ignore[attr-defined]


def test_share_with_a_name_that_cannot_be_looked_up_fails(tmp_path: Path) -> None:
    def refuse(name: str) -> str:
        raise Invalid(f"cannot look up a project named {name!r}; give the project's id")

    store = _Store(refuse)
    with pytest.raises(Invalid, match="give the project's id"):
        _share(context(tmp_path, cloud="lab"), store, "not-a-project")
    assert store.added == []
