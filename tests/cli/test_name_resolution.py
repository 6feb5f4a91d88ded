"""IMAGE given by name: another project can name its image anything, so a name never picks
another project's image when it could mean something else."""

from __future__ import annotations

from collections.abc import Callable

from tests.cli_kit import Cli

Maker = Callable[..., str]


def shared_with(cli: Cli, make_image: Maker, owner: str, name: str, member: str, **fields: object) -> str:
    image_id = make_image(owner, name, visibility="shared", **fields)
    assert cli("share", image_id, member, project=owner).code == 0
    return image_id


def test_own_hidden_image_wins_over_a_pending_share(cli: Cli, make_image: Maker) -> None:
    mine = make_image("beta", "golden", os_hidden=True)
    theirs = shared_with(cli, make_image, "alpha", "golden", "beta")

    assert cli("show", "golden", "--json", project="beta").json()["id"] == mine
    deleted = cli("delete", "golden", project="beta")
    assert deleted.code == 0, deleted.err
    assert cli("show", mine, project="beta").code == 1
    assert cli("show", theirs, project="beta").code == 0  # the share was not touched


def test_accept_by_name_when_the_name_is_unique(cli: Cli, make_image: Maker) -> None:
    theirs = shared_with(cli, make_image, "alpha", "fresh-share", "beta")
    accepted = cli("accept", "fresh-share", "--json", project="beta")
    assert accepted.code == 0, accepted.err
    assert accepted.json()["image_id"] == theirs and accepted.json()["status"] == "accepted"


def test_others_images_with_one_name_are_an_error_listing_each(cli: Cli, make_image: Maker) -> None:
    accepted = shared_with(cli, make_image, "alpha", "base", "beta")
    assert cli("accept", accepted, project="beta").code == 0
    pending = shared_with(cli, make_image, "gamma", "base", "beta")

    result = cli("show", "base", project="beta")
    assert result.code == 1 and result.out == ""
    [line] = result.err.splitlines()
    assert "matches 2 images" in line
    assert f"{accepted} (owner alpha, active, shared, member accepted)" in line
    assert f"{pending} (owner gamma, active, shared, member pending)" in line
    assert cli("accept", "base", project="beta").code == 1
    assert cli("accept", pending, project="beta").code == 0


def test_two_own_images_are_an_error_even_beside_others(cli: Cli, make_image: Maker) -> None:
    first = make_image("beta", "twin")
    second = make_image("beta", "twin", os_hidden=True)
    other = shared_with(cli, make_image, "alpha", "twin", "beta")

    result = cli("delete", "twin", project="beta")
    assert result.code == 1
    [line] = result.err.splitlines()
    assert "matches 3 images" in line and "hidden" in line
    assert all(image_id in line for image_id in (first, second, other))
    assert len(cli("ls", "--json", project="beta").json()) == 1  # nothing was deleted


def test_own_image_wins_over_a_public_one(cli: Cli, make_image: Maker) -> None:
    make_image("alpha", "cirros", visibility="public", admin=True)
    mine = make_image("beta", "cirros")
    assert cli("show", "cirros", "--json", project="beta").json()["id"] == mine
    assert cli("show", "cirros", project="gamma").code == 0  # gamma sees only the public one
