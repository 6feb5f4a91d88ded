"""CliContext: stores opened once and closed, output modes, second stores by name."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from imagedeck.cli.context import CliContext
from imagedeck.config import ConfigError, Settings
from imagedeck.model import Forbidden, Image


def context(tmp_path: Path, **kwargs) -> CliContext:
    settings = Settings(store_path=tmp_path / "main", project="alpha", **kwargs)
    return CliContext(settings=settings, stdout=io.StringIO(), stderr=io.StringIO())


async def test_store_is_opened_once_and_second_stores_by_name(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    store = await ctx.open_store()
    assert await ctx.open_store() is store
    other = await ctx.open_store_for(f"local:{tmp_path / 'copy'}")
    assert other is not store
    assert await ctx.open_store_for(f"local:{tmp_path / 'copy'}") is other
    by_path = await ctx.open_store_for(str(tmp_path / "third"))
    assert (await by_path.whoami()).project_id == "alpha"
    created = await other.create_image({"name": "x", "disk_format": "raw", "container_format": "bare"})
    assert await store.all_images() == []
    assert [i.id for i in await other.all_images()] == [created.id]
    await ctx.close()
    assert (tmp_path / "copy").is_dir() and (tmp_path / "third").is_dir()
    with pytest.raises(ConfigError):
        await ctx.open_store_for("cloud:")


def test_emit_and_note_follow_the_output_mode(tmp_path: Path) -> None:
    human = context(tmp_path)
    human.emit(Image(id="i", name="n"))
    human.note("done")
    text = human.out.getvalue()
    assert text.startswith("id ") and text.endswith("done\n")
    assert human.is_tty is False

    machine = context(tmp_path)
    machine.json = True
    machine.emit([Image(id="i", name="n", properties={"k": "v"})], "ignored table")
    machine.note("not on stdout in JSON mode")
    assert json.loads(machine.out.getvalue())[0]["k"] == "v"
    machine.warn("careful")
    assert machine.err.getvalue() == "imagedeck: warning: careful\n"


def test_read_only_refuses_writes(tmp_path: Path) -> None:
    context(tmp_path).check_writable("upload")
    with pytest.raises(Forbidden, match="upload refused"):
        context(tmp_path, read_only=True).check_writable("upload")
