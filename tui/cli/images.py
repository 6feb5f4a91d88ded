"""Image commands: ls, show, inspect, set, delete, deactivate, reactivate."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from contextlib import aclosing
from pathlib import Path
from typing import Any

from ..model import (
    CORE_FIELDS,
    SORT_KEYS,
    Change,
    ContainerFormat,
    DiskFormat,
    Image,
    ImageDeckError,
    ImageQuery,
    ImageStatus,
    Invalid,
    MemberStatus,
    SortKey,
    TimeFilter,
    Visibility,
    parse_byte_size,
    visible,
)
from . import output
from .context import CliContext, add_command
from .lint import check_properties

# -- argument types (a ValueError or ArgumentTypeError becomes a usage error, exit 2) --


def byte_size(value: str) -> int:
    """``1G``, ``512M``, ``1.5GiB`` or plain bytes; units are powers of 1024."""
    size = parse_byte_size(value)
    if size is None:
        raise argparse.ArgumentTypeError(
            f"not a size: {value!r} (examples: 1048576, 512M, 1G; at most 8 EiB)"
        )
    return size


def key_value(value: str) -> tuple[str, str]:
    key, sep, val = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
    return key, val


def sort_key(value: str) -> SortKey:
    try:
        return SortKey.parse(value)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def time_filter(value: str) -> TimeFilter:
    try:
        return TimeFilter.parse(value)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def choice_list(allowed: tuple[str, ...]) -> Any:
    """A comma-separated list whose items must be among ``allowed`` (repeatable option)."""

    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        wrong = [item for item in items if item not in allowed]
        if wrong or not items:
            raise argparse.ArgumentTypeError(f"invalid value {value!r}; choose from: {', '.join(allowed)}")
        return items

    return parse


#: The largest count an option takes: Glance's min_disk and min_ram are 32-bit integers.
MAX_COUNT = 2**31 - 1


def non_negative(value: str) -> int:
    """A whole number from 0 to `MAX_COUNT` (a bigger one would overflow a store's column)."""
    number = int(value)
    if not 0 <= number <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_COUNT}, not {value!r}")
    return number


def _flatten(groups: list[list[str]] | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups or []:
        seen.update(dict.fromkeys(group))
    return tuple(seen)


STATUSES = tuple(ImageStatus)
DISK_FORMATS = tuple(DiskFormat)
CONTAINER_FORMATS = tuple(ContainerFormat)
VISIBILITIES = tuple(Visibility)


# -- ls -----------------------------------------------------------------------------

#: Images asked for per request: Glance's default ``api_limit_max`` (a server with a lower
#: maximum sends fewer and a ``next`` link), so a listing of 1,000 takes one round trip.
LIST_PAGE_SIZE = 1000


def query_from_args(args: argparse.Namespace) -> ImageQuery:
    extra: dict[str, Any] = {"sort": tuple(args.sort)} if args.sort else {}
    return ImageQuery(
        name=args.name,
        status=_flatten(args.status),
        visibility=args.visibility,
        member_status=args.member_status,
        owner=args.owner,
        tags=tuple(args.tag or ()),
        disk_format=_flatten(args.disk_format),
        container_format=_flatten(args.container_format),
        size_min=args.size_min,
        size_max=args.size_max,
        protected=args.protected,
        os_hidden=True if args.hidden else None,
        created_at=args.created_at,
        updated_at=args.updated_at,
        properties=tuple(args.property or ()),
        **extra,
    )


async def ls(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    query = query_from_args(args)
    found: list[Image] = []
    page_size = min(args.limit, LIST_PAGE_SIZE) if args.limit else LIST_PAGE_SIZE
    # Closed on the way out, so a page the store already asks for is dropped before the store closes.
    async with aclosing(store.list_images(query, page_size=page_size)) as pages:
        async for page in pages:
            found.extend(page)
            if args.limit and len(found) >= args.limit:
                del found[args.limit :]
                break
    if ctx.json:
        ctx.emit(found)
        return 0
    me = (await store.whoami()).project_id
    # On a terminal the table fits its width; piped, or with --wide, every column is whole.
    width = None if args.wide or not ctx.is_tty else shutil.get_terminal_size().columns
    ctx.emit(found, output.image_table(found, me=me, width=width))
    return 0


# -- show / inspect -------------------------------------------------------------------


async def show(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    ctx.emit(image)
    return 0


async def inspect(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print the report; exit 1 (with the reason on stderr) when unsafe or mismatched."""
    from ..formats import inspect_file

    report = await asyncio.to_thread(inspect_file, Path(args.file), args.disk_format)
    ctx.emit(report, output.inspection(report))
    if not report.safe:
        reasons = "; ".join(map(str, report.failures)) or "format not recognised"
        ctx.error(f"unsafe: {visible(args.file)}: {reasons}")
        return 1
    if report.mismatch:
        ctx.error(f"format mismatch: {visible(args.file)}: {report.mismatch}")
        return 1
    return 0


# -- set ----------------------------------------------------------------------------


def changes_for(image: Image, args: argparse.Namespace) -> list[Change]:
    """Glance patch operations turning ``image`` into what the options ask for."""
    changes: list[Change] = []
    core = {
        "name": args.name,
        "disk_format": args.disk_format,
        "container_format": args.container_format,
        "visibility": args.visibility,
        "min_disk": args.min_disk,
        "min_ram": args.min_ram,
        "protected": args.protected,
        "os_hidden": args.hidden,
    }
    for field_name, value in core.items():
        if value is not None:
            changes.append(Change.replace(field_name, value))
    for key, value in args.property or []:
        if key in CORE_FIELDS or key in image.properties:
            changes.append(Change.replace(key, value))
        else:
            changes.append(Change.add(key, value))
    for key in args.unset_property or []:
        if key not in image.properties:
            raise Invalid(f"image {image.label} has no property {key!r} to unset")
        changes.append(Change.remove(key))
    if args.tag or args.untag:
        missing = [t for t in args.untag or [] if t not in image.tags]
        if missing:
            raise Invalid(f"image {image.label} has no tag {missing[0]!r} to remove")
        tags = [t for t in image.tags if t not in (args.untag or [])]
        tags += [t for t in dict.fromkeys(args.tag or []) if t not in tags]
        changes.append(Change.replace("tags", tags))
    return changes


async def set_image(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    changes = changes_for(image, args)
    if not changes:
        raise Invalid("nothing to change: give at least one option, see 'imagedeck set --help'")
    await check_properties(ctx, store, image, args.property or [], allow_unknown=args.allow_unknown)
    updated = await store.update_image(image.id, changes)
    ctx.emit(updated)
    return 0


# -- delete / deactivate / reactivate -------------------------------------------------


async def delete(args: argparse.Namespace, ctx: CliContext) -> int:
    """Delete each image in turn; one failure does not stop the others."""
    store = await ctx.open_store()
    deleted: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    for ref in dict.fromkeys(args.images):
        try:
            image = await ctx.resolve_image(store, ref)
            await store.delete_image(image.id)
        except ImageDeckError as exc:
            failed.append({"image": ref, "error": exc.kind, "message": exc.message})
            ctx.error(f"{exc.kind}: cannot delete {visible(ref)}: {exc.message}")
            continue
        deleted.append({"id": image.id, "name": image.name})
        ctx.note(f"deleted {visible(image.label)} ({image.id})")
    if ctx.json:
        ctx.emit({"deleted": deleted, "failed": failed})
    return 1 if failed else 0


async def deactivate(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    await store.deactivate(image.id)
    return await _report_state(ctx, store, image, "deactivated")


async def reactivate(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    await store.reactivate(image.id)
    return await _report_state(ctx, store, image, "reactivated")


async def _report_state(ctx: CliContext, store: Any, image: Image, verb: str) -> int:
    current = await store.get_image(image.id)
    ctx.emit(current, f"{verb} {visible(current.label)} ({current.id}): status {visible(current.status)}")
    return 0


# -- registration -------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(subparsers, "ls", ls, help="list images (Glance filters and sorting)")
    p.add_argument("--name", help="exact name")
    p.add_argument(
        "--status",
        action="append",
        type=choice_list(STATUSES),
        metavar="S[,S...]",
        help="any of these statuses (repeatable)",
    )
    p.add_argument("--visibility", choices=(*VISIBILITIES, "all"))
    p.add_argument(
        "--member-status",
        choices=(*MemberStatus, "all"),
        help="for shared images: which answers to include (Glance's default: accepted)",
    )
    p.add_argument("--owner", metavar="PROJECT_ID")
    p.add_argument("--tag", action="append", metavar="TAG", help="has this tag (repeatable: all of them)")
    p.add_argument("--disk-format", action="append", type=choice_list(DISK_FORMATS), metavar="F[,F...]")
    p.add_argument(
        "--container-format", action="append", type=choice_list(CONTAINER_FORMATS), metavar="F[,F...]"
    )
    p.add_argument("--size-min", type=byte_size, metavar="SIZE", help="e.g. 512M, 1G")
    p.add_argument("--size-max", type=byte_size, metavar="SIZE")
    prot = p.add_mutually_exclusive_group()
    prot.add_argument("--protected", dest="protected", action="store_const", const=True)
    prot.add_argument("--unprotected", dest="protected", action="store_const", const=False)
    p.add_argument("--hidden", action="store_true", help="list hidden images (os_hidden) instead")
    p.add_argument(
        "--created-at",
        type=time_filter,
        metavar="OP:TIME",
        help="e.g. gt:2026-01-01T00:00:00Z (gt gte lt lte eq neq)",
    )
    p.add_argument("--updated-at", type=time_filter, metavar="OP:TIME")
    p.add_argument("--property", action="append", type=key_value, metavar="K=V")
    p.add_argument(
        "--sort",
        action="append",
        type=sort_key,
        metavar="KEY[:asc|desc]",
        help=f"sort key ({', '.join(SORT_KEYS)}); repeatable",
    )
    p.add_argument("--limit", type=non_negative, metavar="N", help="at most N images")
    p.add_argument(
        "--wide",
        action="store_true",
        help="every column whole, even when wider than the terminal (full owner ids)",
    )

    p = add_command(subparsers, "show", show, help="show one image's metadata")
    p.add_argument("image", metavar="IMAGE", help="id or unique name")

    p = add_command(
        subparsers,
        "inspect",
        inspect,
        help="tell what a disk image file really is and whether it is safe to upload",
        description="Inspect a disk image file with the inspector Glance runs. Exit "
        "status 0: safe (and as declared); 1: unsafe, or not the declared format.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--disk-format", choices=DISK_FORMATS, help="the format you would declare; a mismatch is reported"
    )

    p = add_command(subparsers, "set", set_image, writes=True, help="change an image's metadata")
    p.add_argument("image", metavar="IMAGE", help="id or unique name")
    p.add_argument("--name")
    p.add_argument("--disk-format", choices=DISK_FORMATS)
    p.add_argument("--container-format", choices=CONTAINER_FORMATS)
    p.add_argument("--visibility", choices=VISIBILITIES)
    p.add_argument("--min-disk", type=non_negative, metavar="GIB")
    p.add_argument("--min-ram", type=non_negative, metavar="MIB")
    p.add_argument("--property", action="append", type=key_value, metavar="K=V")
    p.add_argument(
        "--allow-unknown",
        action="store_true",
        help="set a property the property catalog does not know (see 'imagedeck catalog')",
    )
    p.add_argument("--unset-property", action="append", metavar="K")
    p.add_argument("--tag", action="append", metavar="TAG")
    p.add_argument("--untag", action="append", metavar="TAG")
    prot = p.add_mutually_exclusive_group()
    prot.add_argument("--protected", dest="protected", action="store_const", const=True)
    prot.add_argument("--unprotected", dest="protected", action="store_const", const=False)
    hid = p.add_mutually_exclusive_group()
    hid.add_argument("--hidden", dest="hidden", action="store_const", const=True)
    hid.add_argument("--unhidden", dest="hidden", action="store_const", const=False)

    p = add_command(subparsers, "delete", delete, writes=True, help="delete images")
    p.add_argument("images", nargs="+", metavar="IMAGE")

    p = add_command(
        subparsers,
        "deactivate",
        deactivate,
        writes=True,
        help="make an image's data unreadable until reactivated",
    )
    p.add_argument("image", metavar="IMAGE")

    p = add_command(
        subparsers, "reactivate", reactivate, writes=True, help="make a deactivated image usable again"
    )
    p.add_argument("image", metavar="IMAGE")


__all__ = ["byte_size", "changes_for", "query_from_args", "register"]
