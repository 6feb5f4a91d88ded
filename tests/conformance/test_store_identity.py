"""Who a store acts as, and what it accepts."""

from __future__ import annotations

from imagedeck.stores.base import ImageStore


async def test_whoami_names_the_project_and_roles(alpha: ImageStore, admin: ImageStore, backend) -> None:
    me = await alpha.whoami()
    assert me.project_id == backend.project_id("alpha")
    assert me.project_name and me.store_label
    assert not me.is_admin
    assert (await admin.whoami()).is_admin


async def test_project_names_resolve_to_ids(beta: ImageStore, backend) -> None:
    assert await beta.resolve_project(backend.project_id("beta")) == backend.project_id("beta")


async def test_schema_lists_glance_formats(alpha: ImageStore) -> None:
    schema = await alpha.schema()
    assert {"raw", "qcow2", "iso", "vmdk", "vhdx", "vdi"} <= set(schema.disk_formats)
    assert {"bare", "ovf", "ova"} <= set(schema.container_formats)
    assert {"public", "community", "shared", "private"} == set(schema.visibilities)
