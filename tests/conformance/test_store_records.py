"""Image records: create, read, update (JSON-patch rules), delete, protection and tags."""

from __future__ import annotations

import re
import uuid

import pytest

from conformance_kit import Images
from imagedeck.model import Change, Conflict, Forbidden, Invalid, NotFound
from imagedeck.stores.base import ImageStore

GLANCE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


async def test_create_gives_a_queued_shared_image_owned_by_the_project(
    alpha: ImageStore, images: Images, backend
) -> None:
    image = await images.create(alpha, os_distro="debian", min_disk=2, min_ram=512)
    assert image.status == "queued"
    assert image.visibility == "shared"
    assert image.owner == backend.project_id("alpha")
    assert image.protected is False and image.os_hidden is False
    assert (image.min_disk, image.min_ram) == (2, 512)
    assert image.size is None and image.checksum is None and image.os_hash_value is None
    assert image.properties["os_distro"] == "debian"
    assert set(image.tags) == {images.uid}
    assert GLANCE_TIME.match(image.created_at) and GLANCE_TIME.match(image.updated_at)
    uuid.UUID(image.id)
    again = await alpha.get_image(image.id)
    assert again.name == image.name and again.properties == image.properties


async def test_create_with_a_chosen_id(alpha: ImageStore, images: Images) -> None:
    chosen = str(uuid.uuid4())
    image = await images.create(alpha, id=chosen)
    assert image.id == chosen
    assert (await alpha.get_image(chosen)).name == image.name
    with pytest.raises(Conflict):
        await images.create(alpha, id=chosen)
    with pytest.raises(Invalid):
        await images.create(alpha, id="not-a-uuid")


async def test_get_unknown_image_is_not_found(alpha: ImageStore) -> None:
    with pytest.raises(NotFound):
        await alpha.get_image(str(uuid.uuid4()))


@pytest.mark.parametrize(
    "fields",
    [
        {"disk_format": "floppy"},
        {"container_format": "crate"},
        {"min_disk": -1},
        {"visibility": "everyone"},
        {"protected": "yes"},
        {"architecture": 64},
        {"architecture": None},
    ],
    ids=[
        "disk_format",
        "container_format",
        "min_disk",
        "visibility",
        "protected",
        "int-prop",
        "null-prop",
    ],
)
async def test_create_rejects_bad_values(alpha: ImageStore, images: Images, fields: dict) -> None:
    with pytest.raises(Invalid):
        await images.create(alpha, **fields)


READ_ONLY_VALUES = {
    "status": "active",
    "size": 10,
    "checksum": "0" * 32,
    "os_hash_value": "0" * 128,
    "created_at": "2020-01-01T00:00:00Z",
    "id": str(uuid.uuid4()),
}


@pytest.mark.parametrize("field", ["status", "size", "checksum", "created_at"])
async def test_create_refuses_read_only_fields(alpha: ImageStore, images: Images, field: str) -> None:
    with pytest.raises(Forbidden):
        await images.create(alpha, **{field: READ_ONLY_VALUES[field]})


async def test_create_drops_a_given_os_hash_value(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, os_hash_value=READ_ONLY_VALUES["os_hash_value"])
    assert image.os_hash_value is None
    assert (await alpha.get_image(image.id)).os_hash_value is None


async def test_only_admin_creates_public_images(alpha: ImageStore, admin: ImageStore, images: Images) -> None:
    with pytest.raises(Forbidden):
        await images.create(alpha, visibility="public")
    public = await images.create(admin, visibility="public")
    assert public.visibility == "public"


async def test_update_core_fields_and_properties(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, os_distro="debian")
    updated = await alpha.update_image(
        image.id,
        [
            Change.replace("name", images.name("renamed")),
            Change.replace("min_ram", 1024),
            Change.replace("os_hidden", True),
            Change.replace("disk_format", "qcow2"),
            Change.add("architecture", "x86_64"),
            Change.replace("os_distro", "ubuntu"),
            Change.replace("visibility", "private"),
        ],
    )
    assert updated.name == images.name("renamed")
    assert updated.min_ram == 1024 and updated.os_hidden is True
    assert updated.disk_format == "qcow2" and updated.visibility == "private"
    assert updated.properties["architecture"] == "x86_64"
    assert updated.properties["os_distro"] == "ubuntu"
    assert updated.updated_at >= image.updated_at
    removed = await alpha.update_image(image.id, [Change.remove("architecture")])
    assert "architecture" not in removed.properties
    assert (await alpha.get_image(image.id)).properties.get("os_distro") == "ubuntu"


async def test_adding_an_existing_property_replaces_it(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, os_distro="debian")
    updated = await alpha.update_image(image.id, [Change.add("os_distro", "fedora")])
    assert updated.properties["os_distro"] == "fedora"


async def test_removing_or_replacing_a_missing_property_conflicts(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    with pytest.raises(Conflict):
        await alpha.update_image(image.id, [Change.remove("no_such_property")])
    with pytest.raises(Conflict):
        await alpha.update_image(image.id, [Change.replace("no_such_property", "x")])


async def test_changes_apply_all_or_nothing(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    with pytest.raises(Conflict):
        await alpha.update_image(
            image.id, [Change.replace("name", images.name("half")), Change.remove("missing")]
        )
    assert (await alpha.get_image(image.id)).name == image.name


@pytest.mark.parametrize("field", ["status", "size", "checksum", "id", "created_at", "os_hash_value"])
async def test_read_only_fields_cannot_change(alpha: ImageStore, images: Images, field: str) -> None:
    image = await images.create(alpha)
    with pytest.raises(Forbidden):
        await alpha.update_image(image.id, [Change.replace(field, READ_ONLY_VALUES[field])])


async def test_core_fields_cannot_be_removed(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    with pytest.raises(Forbidden):
        await alpha.update_image(image.id, [Change.remove("name")])


@pytest.mark.parametrize("value", [5, True, None, ["a"]], ids=["int", "bool", "null", "list"])
async def test_properties_must_be_strings(alpha: ImageStore, images: Images, value) -> None:
    image = await images.create(alpha)
    with pytest.raises(Invalid):
        await alpha.update_image(image.id, [Change.add("hw_disk_bus", value)])


async def test_members_cannot_make_an_image_public(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    with pytest.raises(Forbidden):
        await alpha.update_image(image.id, [Change.replace("visibility", "public")])
    assert (await alpha.get_image(image.id)).visibility == "shared"


async def test_admin_may_make_an_image_public(alpha: ImageStore, admin: ImageStore, images: Images) -> None:
    image = await images.create(alpha)
    updated = await admin.update_image(image.id, [Change.replace("visibility", "public")])
    assert updated.visibility == "public"


async def test_disk_format_of_an_active_image_is_fixed(alpha: ImageStore, images: Images) -> None:
    image = await images.create_with_data(alpha, b"x" * 100)
    with pytest.raises(Forbidden):
        await alpha.update_image(image.id, [Change.replace("disk_format", "qcow2")])
    assert (await alpha.get_image(image.id)).disk_format == "raw"


async def test_other_projects_cannot_change_or_delete(
    alpha: ImageStore, beta: ImageStore, admin: ImageStore, images: Images, backend
) -> None:
    shared = await images.create(alpha)
    await alpha.add_member(shared.id, backend.project_id("beta"))
    await beta.set_member_status(shared.id, backend.project_id("beta"), "accepted")
    public = await images.create(admin, visibility="public")
    for image in (shared, public):
        with pytest.raises(Forbidden):
            await beta.update_image(image.id, [Change.replace("name", "taken")])
        with pytest.raises(Forbidden):
            await beta.delete_image(image.id)
        with pytest.raises(Forbidden):
            await beta.add_tag(image.id, "mine")
    assert (await alpha.get_image(shared.id)).name == shared.name


async def test_delete_removes_the_image(alpha: ImageStore, images: Images) -> None:
    image = await images.create_with_data(alpha, b"data" * 10)
    await alpha.delete_image(image.id)
    with pytest.raises(NotFound):
        await alpha.get_image(image.id)
    with pytest.raises(NotFound):
        await alpha.delete_image(image.id)


async def test_protected_images_cannot_be_deleted_even_by_admin(
    alpha: ImageStore, admin: ImageStore, images: Images
) -> None:
    image = await images.create(alpha, protected=True)
    with pytest.raises(Forbidden):
        await alpha.delete_image(image.id)
    with pytest.raises(Forbidden):
        await admin.delete_image(image.id)
    assert (await alpha.get_image(image.id)).protected is True
    await alpha.update_image(image.id, [Change.replace("protected", False)])
    await alpha.delete_image(image.id)
    with pytest.raises(NotFound):
        await alpha.get_image(image.id)


async def test_tags_add_and_remove(alpha: ImageStore, images: Images) -> None:
    image = await images.create(alpha, tags=["first"])
    await alpha.add_tag(image.id, "second")
    await alpha.add_tag(image.id, "second")  # adding twice is harmless
    assert set((await alpha.get_image(image.id)).tags) == {images.uid, "first", "second"}
    await alpha.remove_tag(image.id, "first")
    assert set((await alpha.get_image(image.id)).tags) == {images.uid, "second"}
    with pytest.raises(NotFound):
        await alpha.remove_tag(image.id, "first")
    replaced = await alpha.update_image(image.id, [Change.replace("tags", [images.uid, "third"])])
    assert set(replaced.tags) == {images.uid, "third"}
