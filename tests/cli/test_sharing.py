"""Sharing between two projects of one local store, both sides driven through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.cli_kit import Cli

Maker = Callable[..., str]


def names(result: Any) -> list[str]:
    assert result.code == 0, result.err
    return sorted(image["name"] for image in result.json())


def test_share_accept_reject_pending_unshare(cli: Cli, make_image: Maker) -> None:
    image_id = make_image("alpha", "golden", b"g" * 5000, visibility="shared")

    shared = cli("share", "golden", "beta", "--json")
    assert shared.code == 0, shared.err
    assert shared.json()["member_id"] == "beta"
    assert shared.json()["status"] == "pending"
    assert shared.json()["image_id"] == image_id

    # beta: not in the default listing until accepted, but waiting in `shares`
    assert names(cli("ls", "--json", project="beta")) == []
    waiting = cli("shares", "--json", project="beta").json()
    assert [i["id"] for i in waiting["pending"]] == [image_id]
    assert waiting["accepted"] == [] and waiting["rejected"] == []
    human = cli("shares", project="beta").out
    assert "pending (1)" in human and "golden" in human and "accepted (0)" in human

    accepted = cli("accept", "golden", project="beta")
    assert accepted.code == 0, accepted.err
    assert "share accepted" in accepted.out
    assert names(cli("ls", "--json", project="beta")) == ["golden"]
    assert names(
        cli("ls", "--member-status", "accepted", "--visibility", "shared", "--json", project="beta")
    ) == ["golden"]

    members = cli("members", "golden")
    assert members.code == 0
    assert "beta" in members.out and "accepted" in members.out
    assert cli("members", "golden", "--json").json()[0]["status"] == "accepted"

    assert cli("reject", image_id, project="beta").code == 0
    assert names(cli("ls", "--json", project="beta")) == []
    assert [
        i["name"] for i in cli("shares", "--status", "rejected", "--json", project="beta").json()["rejected"]
    ] == ["golden"]
    assert cli("pending", "golden", "--json", project="beta").json()["status"] == "pending"

    unshared = cli("unshare", "golden", "beta")
    assert unshared.code == 0, unshared.err
    assert cli("members", "golden", "--json").json() == []
    missing = cli("show", image_id, project="beta")
    assert missing.code == 1 and "not found" in missing.err


def test_only_the_owner_shares_and_only_the_member_answers(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "mine", visibility="shared")
    private_id = make_image("alpha", "secret", visibility="private")
    assert cli("share", "mine", "beta").code == 0

    # beta cannot add members to alpha's image
    refused = cli("share", "mine", "gamma", project="beta")
    assert refused.code == 1 and len(refused.err.splitlines()) == 1
    # the owner cannot answer for beta
    own = cli("accept", "mine")
    assert own.code == 1 and "Traceback" not in own.err
    # duplicate member
    dup = cli("share", "mine", "beta")
    assert dup.code == 1 and "conflict" in dup.err
    # members only on shared images
    private = cli("share", private_id, "beta")
    assert private.code == 1 and len(private.err.splitlines()) == 1
    # gamma, never shared with, sees nothing to answer
    assert cli("shares", "--json", project="gamma").json() == {"pending": [], "accepted": [], "rejected": []}
