"""Operator views: ``imagedeck usage``, ``imagedeck tasks IMAGE`` and ``imagedeck cache ...``.

``usage`` prints the project's quotas (nothing to print where the cloud has no limits);
``tasks`` an image's import tasks with their messages; ``cache`` lists and manages the
image cache of a Glance, which only its admins may do: elsewhere it says so in one line.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from ..model import visible
from ..stores import ImageStore
from ..stores.operator import CacheNotAvailable, ImageCache, QuotaUse
from . import output
from .context import CliContext, add_command


async def usage(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    uses = await store.usage()
    if ctx.json:
        ctx.emit(list(uses))
    elif not uses:
        ctx.note(f"{store.label} sets no quota limits for this project")
    else:
        ctx.emit(None, usage_table(uses))
    return 0


def usage_table(uses: tuple[QuotaUse, ...]) -> str:
    rows = [
        (
            use.resource,
            _amount(use, use.used),
            _amount(use, use.limit),
            f"{use.fraction:.0%}" + (" !" if use.warn else ""),
        )
        for use in uses
    ]
    return output.table(("Resource", "Used", "Limit", "Use"), rows)


def _amount(use: QuotaUse, value: int) -> str:
    return str(value) if use.is_count else f"{value} MiB"


async def tasks(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    image = await ctx.resolve_image(store, args.image)
    found = await store.image_tasks(image.id)
    if ctx.json:
        ctx.emit(found)
    elif not found:
        ctx.note(f"image {visible(image.id)} has no tasks")
    else:
        rows = [
            (t.id, t.status, t.type, _when(t.created_at), _when(t.updated_at), t.message or "-")
            for t in found
        ]
        ctx.emit(None, output.table(("Task", "Status", "Type", "Created", "Updated", "Message"), rows))
    return 0


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


# -- the image cache -----------------------------------------------------------------


async def _cache(ctx: CliContext) -> tuple[ImageStore, ImageCache]:
    store = await ctx.open_store()
    cache = store.image_cache()
    if cache is None:
        raise CacheNotAvailable(f"{store.label} has no image cache")
    return store, cache


async def cache_ls(args: argparse.Namespace, ctx: CliContext) -> int:
    _, cache = await _cache(ctx)
    listing = await cache.listing()
    if ctx.json:
        ctx.emit({"cached": list(listing.cached), "queued": list(listing.queued)})
    elif not listing.entries:
        ctx.note("the image cache is empty")
    else:
        rows = [
            (
                e.image_id,
                e.state,
                output.size(e.size),
                e.hits if e.state == "cached" else "-",
                _when(e.last_accessed),
            )
            for e in listing.entries
        ]
        ctx.emit(None, output.table(("Image", "State", "Size", "Hits", "Last access"), rows))
    return 0


async def cache_queue(args: argparse.Namespace, ctx: CliContext) -> int:
    store, cache = await _cache(ctx)
    image = await ctx.resolve_image(store, args.image)
    await cache.queue(image.id)
    ctx.emit({"image_id": image.id, "queued": True}, f"image {visible(image.id)} queued for the cache")
    return 0


async def cache_rm(args: argparse.Namespace, ctx: CliContext) -> int:
    _, cache = await _cache(ctx)
    image_id = args.image
    await cache.remove(image_id)
    ctx.emit({"image_id": image_id, "removed": True}, f"image {visible(image_id)} is out of the cache")
    return 0


async def cache_clear(args: argparse.Namespace, ctx: CliContext) -> int:
    _, cache = await _cache(ctx)
    await cache.clear(args.target)
    what = {"all": "cache and queue", "cache": "cached images", "queue": "queue"}[args.target]
    ctx.emit({"cleared": args.target}, f"cleared the image cache's {what}")
    return 0


async def cache_prune(args: argparse.Namespace, ctx: CliContext) -> int:
    _, cache = await _cache(ctx)
    pruned = await cache.prune()
    ctx.emit(pruned, f"pruned {pruned.files} files, {output.size(pruned.bytes)}")
    return 0


async def cache_clean(args: argparse.Namespace, ctx: CliContext) -> int:
    _, cache = await _cache(ctx)
    await cache.clean()
    ctx.emit({"cleaned": True}, "removed stalled and invalid cache files")
    return 0


async def _no_action(args: argparse.Namespace, ctx: CliContext) -> int:
    return await cache_ls(args, ctx)


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "usage", usage, help="show this project's quota usage and limits")
    p = add_command(subparsers, "tasks", tasks, help="list an image's import tasks and their messages")
    p.add_argument("image", metavar="IMAGE")
    cache = add_command(subparsers, "cache", _no_action, help="list or manage the image cache (cloud admins)")
    actions = cache.add_subparsers(dest="cache_action", metavar="ACTION")
    actions.global_options = subparsers.global_options  # type: ignore[attr-defined]
    add_command(actions, "ls", cache_ls, help="list cached and queued images")
    add_command(actions, "queue", cache_queue, writes=True, help="queue an image to be cached").add_argument(
        "image", metavar="IMAGE"
    )
    add_command(actions, "rm", cache_rm, writes=True, help="drop an image from the cache").add_argument(
        "image", metavar="IMAGE_ID"
    )
    clear = add_command(actions, "clear", cache_clear, writes=True, help="empty the cache and its queue")
    clear.add_argument(
        "--target", choices=("all", "cache", "queue"), default="all", help="empty only one of them"
    )
    add_command(actions, "prune", cache_prune, writes=True, help="shrink the cache to its configured size")
    add_command(actions, "clean", cache_clean, writes=True, help="remove stalled and invalid cache files")
    for name, parser in actions.choices.items():
        parser.set_defaults(command=f"cache {name}")
