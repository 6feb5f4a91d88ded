"""Sharing commands: members, share, unshare, accept, reject, pending, shares.

The owner shares an image with another project (it starts ``pending``); only the
receiving project answers, with its own project id from ``whoami``.
"""

from __future__ import annotations

import argparse

from ..model import Image, ImageQuery, MemberStatus, visible
from . import output
from .context import CliContext, Handler, add_command


async def members(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    found = await store.list_members(image.id)
    ctx.emit(found, output.member_table(found))
    return 0


async def share(args: argparse.Namespace, ctx: CliContext) -> int:
    """Share with a project by id or name; a name the store cannot look up is an error, as
    Glance would take any text as a member and share with no one."""
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    project_id = await store.resolve_project(args.member)
    member = await store.add_member(image.id, project_id)
    ctx.emit(
        member,
        f"shared {visible(image.label)} ({image.id}) with {visible(project_id)}: "
        f"{visible(member.status)} until that project accepts",
    )
    return 0


async def unshare(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    project_id = await store.resolve_project(args.member)
    await store.remove_member(image.id, project_id)
    ctx.emit(
        {"image_id": image.id, "member_id": project_id, "removed": True},
        f"stopped sharing {visible(image.label)} ({image.id}) with {visible(project_id)}",
    )
    return 0


def answer(status: MemberStatus) -> Handler:
    """A handler that sets this project's answer to a share."""

    async def handler(args: argparse.Namespace, ctx: CliContext) -> int:
        store = await ctx.open_store()
        image = await ctx.resolve_image(store, args.image)
        me = await store.whoami()
        member = await store.set_member_status(image.id, me.project_id, status)
        ctx.emit(
            member,
            f"{visible(image.label)} ({image.id}): share {visible(member.status)} "
            f"by {visible(me.project_name)}",
        )
        return 0

    return handler


async def shares(args: argparse.Namespace, ctx: CliContext) -> int:
    """Images other projects share with this one, grouped by this project's answer."""
    store = await ctx.open_store()
    me = await store.whoami()
    wanted = [MemberStatus(args.status)] if args.status else list(MemberStatus)
    groups: dict[str, list[Image]] = {}
    for status in wanted:
        query = ImageQuery(visibility="shared", member_status=str(status))
        found = await store.all_images(query)
        groups[str(status)] = [image for image in found if image.owner != me.project_id]
    blocks = []
    for answer, images in groups.items():
        body = (
            output.table(
                ("ID", "Name", "Owner", "Disk", "Size", "Updated"),
                [
                    (
                        i.id,
                        i.name or "-",
                        i.owner or "-",
                        i.disk_format or "-",
                        output.size(i.size),
                        output.age(i.updated_at),
                    )
                    for i in images
                ],
            )
            if images
            else "  none"
        )
        blocks.append(f"{answer} ({len(images)})\n{body}")
    ctx.emit(groups, "\n\n".join(blocks))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(subparsers, "members", members, help="list the projects an image is shared with")
    p.add_argument("image", metavar="IMAGE", help="id or unique name")

    p = add_command(
        subparsers,
        "share",
        share,
        writes=True,
        help="share an image with a project (the image must be 'shared')",
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("member", metavar="PROJECT", help="project id or name")

    p = add_command(subparsers, "unshare", unshare, writes=True, help="stop sharing an image with a project")
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("member", metavar="PROJECT", help="project id or name")

    for status, verb in (
        (MemberStatus.ACCEPTED, "accept"),
        (MemberStatus.REJECTED, "reject"),
        (MemberStatus.PENDING, "pending"),
    ):
        p = add_command(
            subparsers,
            verb,
            answer(status),
            writes=True,
            help=f"set this project's answer to an image shared with it to {status}",
        )
        p.add_argument("image", metavar="IMAGE")

    p = add_command(subparsers, "shares", shares, help="images other projects share with this one, by answer")
    p.add_argument("--status", choices=tuple(MemberStatus), help="only this answer")


__all__ = ["register"]
