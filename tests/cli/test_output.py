"""Human formatting and argument parsing of the CLI, on fixed data and a fixed clock."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

import pytest

from imagedeck.cli import output
from imagedeck.cli.images import byte_size
from imagedeck.model import Image, Member

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", 100),
        ("1K", 1024),
        ("512M", 512 << 20),
        ("1G", 1 << 30),
        ("1.5GiB", 3 << 29),
        ("2t", 2 << 40),
        ("10 MB", 10 << 20),
    ],
)
def test_byte_size(text: str, expected: int) -> None:
    assert byte_size(text) == expected


@pytest.mark.parametrize("text", ["", "G", "1X", "-1", "one"])
def test_byte_size_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        byte_size(text)


def test_image_table_aligns_and_humanizes() -> None:
    images = [
        Image(
            id="11111111",
            name="ubuntu",
            status="active",
            disk_format="qcow2",
            size=3 << 30,
            visibility="public",
            protected=True,
            owner="ops",
            updated_at="2026-11-23T11:57:00Z",
        ),
        Image(id="22", name=None, status="queued", updated_at=None),
    ]
    lines = output.image_table(images, now=NOW).splitlines()
    assert lines[0].split() == list(output.IMAGE_COLUMNS)
    assert lines[1].split() == [
        "11111111",
        "ubuntu",
        "active",
        "qcow2",
        "3.0",
        "GiB",
        "public",
        "yes",
        "ops",
        "3",
        "minutes",
        "ago",
    ]
    assert lines[2].split() == ["22", "-", "queued", "-", "-", "shared", "-", "-"]
    # columns line up: every row's status starts where the header's does
    column = lines[0].index("Status")
    assert lines[1][column:].startswith("active") and lines[2][column:].startswith("queued")


def test_image_details_show_exact_sizes_and_properties() -> None:
    image = Image(
        id="abc",
        name="n",
        size=1536,
        tags=["b", "a"],
        created_at="2026-11-22T12:00:00Z",
        properties={"z": "1", "os_distro": "x"},
    )
    text = output.image_details(image, now=NOW)
    assert "size              1.5 KiB (1,536 bytes)" in text
    assert "created_at        2026-11-22T12:00:00Z (a day ago)" in text
    assert "tags              a, b" in text
    keys = [line.split()[0] for line in text.splitlines()]
    assert keys[-2:] == ["os_distro", "z"]


def test_json_keeps_glance_names() -> None:
    image = Image(id="i", name="n", properties={"hw_disk_bus": "virtio"})
    member = Member(image_id="i", member_id="p")
    data = json.loads(output.to_json({"image": image, "members": [member]}))
    assert data["image"]["hw_disk_bus"] == "virtio"
    assert "properties" not in data["image"]
    assert data["members"] == [
        {"image_id": "i", "member_id": "p", "status": "pending", "created_at": None, "updated_at": None}
    ]


def test_json_list_prints_one_image_per_line() -> None:
    images = [
        Image(id="a", name="x", tags=["t"], properties={"os_distro": "debian"}),
        Image(id="b", protected=True),
    ]
    text = output.to_json(images)
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    assert json.loads(lines[1].rstrip(",")) == images[0].to_glance()
    assert json.loads(text) == [image.to_glance() for image in images]
    assert output.to_json([]) == "[]"
