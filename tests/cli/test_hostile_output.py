"""Names, properties, tags and member ids another project wrote, through every CLI output.

alpha owns images with hostile metadata and shares them with beta; every human-readable
line either project sees must be safe to print on a terminal, and a listing keeps exactly
one line per image. ``--json`` keeps the text exactly as stored.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from imagedeck.model import cell_width
from tests.cli.conftest import add_image
from tests.cli.hostile_kit import assert_terminal_safe, hostile_text, table_rows, widest
from tests.cli_kit import Result, run

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # each example runs the CLI many times
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def safe(result: Result, code: int = 0) -> Result:
    assert result.code == code, result
    assert "Traceback" not in result.err
    assert_terminal_safe(result.out)
    assert_terminal_safe(result.err)
    return result


class Projects:
    """Runs ``imagedeck --store DIR --project P ...`` on a store of its own."""

    def __init__(self, capsys: pytest.CaptureFixture[str], store: Path) -> None:
        self.capsys = capsys
        self.store = store

    def __call__(self, project: str, *argv: str) -> Result:
        return run(self.capsys, ["--store", str(self.store), "--project", project, *argv])


def property_key(text: str) -> str:
    """A property name a patch can address (no ``/`` or ``~``) and ``K=V`` can carry (no ``=``)."""
    return "p-" + text.translate(str.maketrans("", "", "/~="))


@pytest.fixture
def fresh(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """A new store per generated example."""
    return lambda: Projects(capsys, tmp_path / uuid.uuid4().hex)


@SETTINGS
@given(
    name=hostile_text(),
    key=hostile_text(max_size=60).map(property_key),
    value=hostile_text(max_size=2000),
    tag=hostile_text(),
    member=hostile_text(),
)
def test_every_output_is_terminal_safe(fresh, name: str, key: str, value: str, tag: str, member: str) -> None:
    cli = fresh()
    hostile = add_image(cli.store, "alpha", name, visibility="shared", tags=[tag], **{key: value})
    plain = add_image(cli.store, "alpha", "plain")

    listing = safe(cli("alpha", "ls"))
    assert len(table_rows(listing.out)) == 3  # header + one line per image, whatever the name
    assert widest(listing.out) < 250  # a long name is cut in the table
    assert [i["name"] for i in cli("alpha", "ls", "--json").json()].count(name) == 1

    shown = safe(cli("alpha", "show", hostile))
    assert len(table_rows(shown.out)) == 20  # one line per field, whatever the values hold
    assert cli("alpha", "show", hostile, "--json").json()[key] == value

    safe(cli("alpha", "share", hostile, "beta"))
    safe(cli("alpha", "share", hostile, member))
    members = safe(cli("alpha", "members", hostile))
    assert len(table_rows(members.out)) == 3

    waiting = safe(cli("beta", "shares"))
    assert waiting.out.startswith("pending (1)\n") and len(table_rows(waiting.out.split("\n\n")[0])) == 3
    safe(cli("beta", "accept", hostile))
    safe(cli("alpha", "unshare", hostile, member))

    safe(cli("alpha", "set", hostile, "--property", f"{key}={value}", f"--tag={tag}"))
    safe(cli("alpha", "set", hostile, f"--name={name + name}"))  # = keeps a leading dash a value
    safe(cli("alpha", "deactivate", hostile))
    safe(cli("alpha", "reactivate", hostile))

    safe(cli("alpha", "show", name), code=1)  # the name is gone: one safe line on stderr
    safe(cli("beta", "delete", hostile, name), code=1)  # not the owner; no such name
    deleted = safe(cli("alpha", "delete", plain, hostile))
    assert len(table_rows(deleted.out)) == 2


@SETTINGS
@given(name=hostile_text())
def test_errors_naming_hostile_arguments_are_one_safe_line(fresh, name: str) -> None:
    cli = fresh()
    for argv in (
        ("show", name),
        ("members", name),
        ("accept", name),
        ("set", name, "--tag", "x"),
        ("ls", "--sort", name),
        ("ls", "--size-min", name),
        ("ls", name),
    ):
        result = cli("alpha", *argv)
        assert result.code in (1, 2), result
        assert result.out == "" and "Traceback" not in result.err
        assert_terminal_safe(result.err)
        if result.code == 1:
            assert len(table_rows(result.err)) == 1


def test_table_columns_line_up_in_terminal_cells(fresh) -> None:
    cli = fresh()
    for name in ("日本語のイメージ", "plain", "e\u0301\u0301"):
        add_image(cli.store, "alpha", name)
    lines = table_rows(safe(cli("alpha", "ls")).out)
    starts = {cell_width(line[: line.index("active")]) for line in lines[1:]}
    assert len(starts) == 1, lines
    assert cell_width(lines[0][: lines[0].index("Status")]) in starts
