"""Sharing on Glance: an image's members, and the project ids they are given by.

Kept apart from `GlanceStore`'s image calls because it alone also asks Keystone (to turn a
project name into an id) and holds the rule that refuses a name nobody could look up.
"""

from __future__ import annotations

import abc
from urllib.parse import quote

import httpx

from ..model import ImageDeckError, Invalid, Member
from .glance_imports import GlanceImports
from .keystone import KeystoneSession, project_id_form


def segment(value: str) -> str:
    """``value`` as one URL path segment."""
    return quote(str(value), safe="")


class GlanceSharing(GlanceImports):
    """Members of images and project lookup for `GlanceStore`."""

    @abc.abstractmethod
    def _ready(self) -> tuple[httpx.AsyncClient, KeystoneSession, str]: ...

    async def resolve_project(self, name_or_id: str) -> str:
        """The id of the project named ``name_or_id``, or that id itself when it is one.

        A well-formed id (32 hex digits, or a UUID with dashes) is taken as an id and
        written the way Keystone writes ids. Anything else must be a name Keystone resolves
        to exactly one project; ordinary users usually may not look names up, and sharing
        with an id nobody has would silently share with no one, so that is an Invalid.
        """
        project_id = project_id_form(name_or_id)
        if project_id is not None:
            return project_id
        _, auth, _ = self._ready()
        try:
            body = await self._json(
                "GET", "/projects", "look up a project", base=auth.keystone_base, params={"name": name_or_id}
            )
        except ImageDeckError as exc:
            raise Invalid(
                f"{self.label}: project {name_or_id!r} could not be looked up ({exc.kind}: "
                "this account may not read other projects); give the project id "
                "instead"
            ) from None
        found = body.get("projects") if isinstance(body, dict) else None
        found = found if isinstance(found, list) else []
        if len(found) == 1 and isinstance(found[0], dict) and isinstance(found[0].get("id"), str):
            return str(found[0]["id"])
        what = "several projects" if len(found) > 1 else "no project this account can see"
        raise Invalid(
            f"{self.label}: project name {name_or_id!r} matches {what}; give the project id instead"
        )

    async def project_names(self) -> dict[str, str]:
        """Keystone's projects this user can scope to (``GET /v3/auth/projects``), by id."""
        _, auth, _ = self._ready()
        body = await self._json("GET", "/auth/projects", "list your projects", base=auth.keystone_base)
        found = body.get("projects") if isinstance(body, dict) else None
        projects = found if isinstance(found, list) else []
        return {
            p["id"]: p["name"]
            for p in projects
            if isinstance(p, dict) and isinstance(p.get("id"), str) and isinstance(p.get("name"), str)
        }

    # -- members -------------------------------------------------------------------

    async def list_members(self, image_id: str) -> list[Member]:
        body = await self._json(
            "GET", f"/v2/images/{segment(image_id)}/members", f"list members of image {image_id}"
        )
        return [Member.from_glance(m) for m in body.get("members") or []]

    async def add_member(self, image_id: str, member_id: str) -> Member:
        body = await self._json(
            "POST",
            f"/v2/images/{segment(image_id)}/members",
            f"share image {image_id} with {member_id}",
            json={"member": member_id},
        )
        return Member.from_glance(body)

    async def remove_member(self, image_id: str, member_id: str) -> None:
        await self._send(
            "DELETE",
            f"/v2/images/{segment(image_id)}/members/{segment(member_id)}",
            f"stop sharing image {image_id} with {member_id}",
        )

    async def set_member_status(self, image_id: str, member_id: str, status: str) -> Member:
        body = await self._json(
            "PUT",
            f"/v2/images/{segment(image_id)}/members/{segment(member_id)}",
            f"set share status of image {image_id} to {status}",
            json={"status": status},
        )
        return Member.from_glance(body)
