"""Fleet and gallery commands: fleet, families, replicate, promote, end-of-life, retire.

Places are named as `imagedeck.gallery.places` reads them (``cloud:NAME[:REGION][@STORE]``,
``NAME:REGION``, ``local:PATH`` or a path); with none given, the store chosen by ``--cloud``
or ``--store`` is the one place. Plans that change several images (retire) are shown and
left undone unless ``--yes``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from ..gallery import (
    DEFAULT_FAMILY_PROPERTY,
    Family,
    Matrix,
    OpenPlace,
    Place,
    Plan,
    ReplicateJob,
    apply_plan,
    build_families,
    close_places,
    fleet_matrix,
    list_places,
    open_places,
    parse_place,
    plan_end_of_life,
    plan_promote,
    plan_retire,
    replication_status,
)
from ..gallery.matrix import PRESENCE_MARKS
from ..model import Invalid, Unavailable, visible
from ..stores import ImageStore
from ..transfers import TransferManager
from . import output
from .context import CliContext, add_command


def current_place(ctx: CliContext) -> Place:
    """The place ``--cloud`` or ``--store`` (or the config) chooses."""
    settings = ctx.settings
    if settings.cloud:
        return parse_place(f"cloud:{settings.cloud}")
    return Place("local", str(settings.store_path))


def places_of(ctx: CliContext, words: Sequence[str] | None) -> list[Place]:
    return [parse_place(word) for word in words] if words else [current_place(ctx)]


async def _open(ctx: CliContext, places: Sequence[Place]) -> list[OpenPlace]:
    opened = await open_places(places, ctx.settings)
    for handle in opened:
        if handle.error is not None:
            ctx.warn(f"{handle.label}: {handle.error}")
    return opened


async def _one(ctx: CliContext, word: str | None) -> tuple[OpenPlace, ImageStore]:
    """One place and its store, opened; an error when it cannot be."""
    place = parse_place(word) if word else current_place(ctx)
    opened = await open_places([place], ctx.settings)
    handle = opened[0]
    if handle.store is None:
        raise Unavailable(f"{place.label}: {handle.error}")
    return handle, handle.store


# -- fleet ------------------------------------------------------------------------------


def matrix_text(matrix: Matrix) -> str:
    headers = ["Content", "Name", "Size", *(column.place for column in matrix.columns), "Drift"]
    rows = []
    for row in matrix.rows:
        content = ("~ " if row.guessed else "") + row.key.partition(":")[2][:12]
        cells = [
            f"{PRESENCE_MARKS[row.cells[c.place].presence]} {row.cells[c.place].presence}"
            for c in matrix.columns
        ]
        drift = [f"metadata: {', '.join(row.metadata_drift)}"] if row.metadata_drift else []
        drift += ["name used by other content"] if row.name_drift else []
        rows.append([content, row.name, output.size(row.size), *cells, "; ".join(drift) or "-"])
    lines = [output.table(headers, rows)]
    lines += [f"{column.place}: not read ({column.error})" for column in matrix.columns if column.error]
    if any(row.guessed for row in matrix.rows):
        lines.append("~ content told apart by name and size only (no hash recorded): a guess")
    return "\n".join(lines)


async def fleet(args: argparse.Namespace, ctx: CliContext) -> int:
    opened = await _open(ctx, places_of(ctx, args.place))
    try:
        matrix = await fleet_matrix(opened)
    finally:
        await close_places(opened)
    ctx.emit(matrix, matrix_text(matrix))
    return 1 if all(column.error for column in matrix.columns) else 0


# -- families ---------------------------------------------------------------------------


def families_text(families: Sequence[Family]) -> str:
    blocks = []
    for family in families:
        rows = [
            [
                "*" if v.latest else "",
                v.place,
                v.image.id,
                v.image.label,
                v.build_date or "-",
                v.image.status,
                ", ".join(v.lifecycle) or "-",
                v.generalization,
                v.firmware,
                v.grouped_by,
            ]
            for v in family.versions
        ]
        headers = [
            "Latest",
            "Place",
            "ID",
            "Name",
            "Built",
            "Status",
            "Lifecycle",
            "Kind",
            "Firmware",
            "Grouped by",
        ]
        blocks.append(f"family {visible(family.name)}\n" + output.table(headers, rows))
    return "\n\n".join(blocks) or "no images"


def families_data(families: Sequence[Family]) -> list[dict[str, Any]]:
    return [
        {
            "family": family.name,
            "versions": [
                {
                    "place": v.place,
                    "id": v.image.id,
                    "name": v.image.name,
                    "image_build_date": v.build_date,
                    "created_at": v.image.created_at,
                    "status": v.image.status,
                    "lifecycle": v.lifecycle,
                    "latest": v.latest,
                    "generalization": v.generalization,
                    "firmware": v.firmware,
                    "grouped_by": v.grouped_by,
                }
                for v in family.versions
            ],
        }
        for family in families
    ]


async def families(args: argparse.Namespace, ctx: CliContext) -> int:
    opened = await _open(ctx, places_of(ctx, args.place))
    try:
        listings = await list_places(opened)
    finally:
        await close_places(opened)
    for listing in listings:
        if listing.error and listing.place not in {h.label for h in opened if h.error}:
            ctx.warn(f"{listing.place}: {listing.error}")
    entries = [(listing.place, image) for listing in listings for image in listing.images]
    found = build_families(entries, args.family_property)
    ctx.emit(families_data(found), families_text(found))
    return 1 if all(listing.error for listing in listings) else 0


# -- replicate --------------------------------------------------------------------------


async def replicate(args: argparse.Namespace, ctx: CliContext) -> int:
    targets = [parse_place(word) for word in args.to]
    source, store = await _one(ctx, args.source)
    opened: list[OpenPlace] = [source]
    try:
        image = await ctx.resolve_image(store, args.image)
        opened += await _open(ctx, targets)
        manager = TransferManager(max_running=ctx.settings.max_transfers)
        results = await _replicate_all(manager, source, image.id, opened[1:])
    finally:
        await close_places(opened)
    ids = {source.label: image.id, **{r["place"]: r["image_id"] for r in results if r["image_id"]}}
    ctx.emit(
        {"source": source.label, "image_id": image.id, "targets": results, "ids": ids},
        _replication_text(source.label, image.id, results),
    )
    return 1 if any(r["status"] != "completed" for r in results) else 0


async def _replicate_all(
    manager: TransferManager, source: OpenPlace, image_id: str, targets: Sequence[OpenPlace]
) -> list[dict[str, Any]]:
    jobs: dict[str, ReplicateJob] = {}
    for target in targets:
        if target.store is not None:
            jobs[target.label] = job = ReplicateJob(source, image_id, target)
            manager.submit(job)
    try:
        for job in jobs.values():
            await manager.wait(job.id)
    finally:
        await manager.shutdown()
    results = []
    for target in targets:
        job_or_none = jobs.get(target.label)
        if job_or_none is None:
            results.append(_result(target.label, f"failed (place not available: {target.error})"))
            continue
        results.append(
            _result(
                target.label,
                replication_status(job_or_none),
                str(job_or_none.method) if job_or_none.method else None,
                job_or_none.target_id,
                job_or_none.notes,
            )
        )
    return results


def _result(
    place: str, status: str, method: str | None = None, image_id: str | None = None, notes: Sequence[str] = ()
) -> dict[str, Any]:
    return {"place": place, "status": status, "method": method, "image_id": image_id, "notes": list(notes)}


def _replication_text(source: str, image_id: str, results: Sequence[dict[str, Any]]) -> str:
    rows = [[source, "(source)", "-", image_id, ""]]
    rows += [
        [r["place"], r["status"], r["method"] or "-", r["image_id"] or "-", "; ".join(r["notes"])]
        for r in results
    ]
    return output.table(["Place", "Status", "Method", "Image ID", "Why"], rows)


# -- promote, end-of-life, retire -------------------------------------------------------


def plan_text(plan: Plan, done: bool) -> str:
    head = f"family {visible(plan.family)} in {plan.place}: " + (
        "done" if done else "plan only, nothing changed (add --yes to apply)"
    )
    rows = [
        [s.image_id, s.name, s.action, s.skipped or ("" if done or not s.changes else "to do")]
        for s in plan.steps
    ]
    return head + "\n" + output.table(["ID", "Name", "Action", "Note"], rows)


def plan_data(plan: Plan, done: bool) -> dict[str, Any]:
    steps = [
        {"image_id": s.image_id, "name": s.name, "action": s.action, "skipped": s.skipped} for s in plan.steps
    ]
    return {"place": plan.place, "family": plan.family, "applied": done, "steps": steps}


async def _carry_out(ctx: CliContext, store: ImageStore, plan: Plan, apply: bool) -> int:
    failures: list[str] = []
    if apply:
        ctx.check_writable("changing a family")
        failures = await apply_plan(store, plan)
    ctx.emit(plan_data(plan, apply), plan_text(plan, apply))
    for failure in failures:
        ctx.error(failure)
    return 1 if failures else 0


async def promote(args: argparse.Namespace, ctx: CliContext) -> int:
    handle, store = await _one(ctx, args.place)
    try:
        image = await ctx.resolve_image(store, args.image)
        plan = await plan_promote(store, handle.label, image, args.family_property)
        return await _carry_out(ctx, store, plan, not args.dry_run)
    finally:
        await close_places([handle])


async def end_of_life(args: argparse.Namespace, ctx: CliContext) -> int:
    handle, store = await _one(ctx, args.place)
    try:
        image = await ctx.resolve_image(store, args.image)
        plan = await plan_end_of_life(store, handle.label, image, args.day, args.family_property)
        return await _carry_out(ctx, store, plan, not args.dry_run)
    finally:
        await close_places([handle])


async def retire(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.keep < 1:
        raise Invalid(f"--keep must be at least 1, not {args.keep}: a family needs a latest version")
    handle, store = await _one(ctx, args.place)
    try:
        plan = await plan_retire(store, handle.label, args.family, args.keep, args.family_property)
        return await _carry_out(ctx, store, plan, args.yes)
    finally:
        await close_places([handle])


# -- registration -----------------------------------------------------------------------

PLACE_HELP = "cloud:NAME[:REGION][@STORE], NAME:REGION, local:PATH or a path"


def _family_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--family-property",
        metavar="KEY",
        default=DEFAULT_FAMILY_PROPERTY,
        help=f"property naming an image's family (default {DEFAULT_FAMILY_PROPERTY}; "
        "else os_distro + os_version, else the name without its version)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(subparsers, "fleet", fleet, help="which image content is where across places, and drift")
    p.add_argument(
        "--place", action="append", metavar="PLACE", help=f"a place to show ({PLACE_HELP}); repeat"
    )

    p = add_command(subparsers, "families", families, help="image families: versions, latest and lifecycle")
    p.add_argument(
        "--place", action="append", metavar="PLACE", help=f"a place to read ({PLACE_HELP}); repeat"
    )
    _family_option(p)

    p = add_command(
        subparsers,
        "replicate",
        replicate,
        writes=True,
        help="replicate an image to more places, verified by hash",
    )
    p.add_argument("image", metavar="IMAGE", help="id or unique name in the source place")
    p.add_argument(
        "--to", action="append", required=True, metavar="PLACE", help=f"target ({PLACE_HELP}); repeat"
    )
    p.add_argument("--from", dest="source", metavar="PLACE", help="source place (default: the current store)")

    p = add_command(
        subparsers,
        "promote",
        promote,
        writes=True,
        help="make a version its family's latest (hides the others)",
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("--place", metavar="PLACE", help="where (default: the current store)")
    p.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    _family_option(p)

    p = add_command(
        subparsers, "end-of-life", end_of_life, writes=True, help="set an image's provided_until day (SCS)"
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("day", metavar="YYYY-MM-DD")
    p.add_argument("--place", metavar="PLACE", help="where (default: the current store)")
    p.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    _family_option(p)

    p = add_command(
        subparsers, "retire", retire, help="hide a family's versions beyond the newest N (dry run)"
    )
    p.add_argument("family", metavar="FAMILY")
    p.add_argument("--keep", type=int, required=True, metavar="N", help="versions to keep shown")
    p.add_argument("--yes", action="store_true", help="apply the plan (without it nothing changes)")
    p.add_argument("--place", metavar="PLACE", help="where (default: the current store)")
    _family_option(p)


__all__ = ["register"]
