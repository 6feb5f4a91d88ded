"""Sharing by project name: a name resolves through Keystone or is refused, never shared as text."""

from __future__ import annotations

import uuid

import pytest

from imagedeck.model import Invalid
from imagedeck.stores.keystone import project_id_form


def test_only_well_formed_ids_are_taken_as_ids() -> None:
    hexid = "0123456789abcdef0123456789ABCDEF"
    assert project_id_form(hexid) == hexid.lower()
    assert project_id_form(f" {uuid.UUID(hexid)} ") == hexid.lower()
    for text in ("beta", "not-a-project", hexid[:-1], hexid + "0", "g" * 32, "", "0123-4567"):
        assert project_id_form(text) is None


@pytest.mark.lab
async def test_alice_shares_by_id_and_is_told_when_a_name_cannot_be_looked_up(lab, open_store) -> None:
    alice = await open_store("lab-alice")
    beta = lab.project_ids["beta"]
    assert await alice.resolve_project(beta) == beta
    assert await alice.resolve_project(str(uuid.UUID(beta)).upper()) == beta
    with pytest.raises(Invalid, match="'beta' could not be looked up.*give the project id"):
        await alice.resolve_project("beta")  # a member may not read other projects
    image = await alice.create_image(
        {"name": "names-share", "disk_format": "raw", "container_format": "bare"}
    )
    try:
        with pytest.raises(Invalid, match="'not-a-project'.*give the project id"):
            await alice.add_member(image.id, await alice.resolve_project("not-a-project"))
        assert await alice.list_members(image.id) == []
        member = await alice.add_member(image.id, await alice.resolve_project(beta))
        assert member.member_id == beta
    finally:
        await alice.delete_image(image.id)


@pytest.mark.lab
async def test_an_admin_resolves_names_and_unknown_names_are_refused(lab, open_store) -> None:
    admin = await open_store("lab-admin")
    assert await admin.resolve_project("beta") == lab.project_ids["beta"]
    with pytest.raises(Invalid, match="'not-a-project' matches no project"):
        await admin.resolve_project("not-a-project")
