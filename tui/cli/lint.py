"""Property catalog commands: lint, catalog (list or import), and the check ``set`` runs.

``lint`` exits 0 when no image has an error-level finding (warnings are allowed), 1 when
one has, 2 on a usage error. ``set --property`` refuses a value a known key does not take
and a key the catalog does not know, unless ``--allow-unknown`` says it is meant.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..catalog import ERROR, Finding, PropertyCatalog, key_findings, lint, required_keys, worst
from ..catalog.properties import listed
from ..model import CORE_FIELDS, Image, ImageQuery, Invalid, visible
from ..stores.base import ImageStore
from ..stores.targets import cloud_target
from . import output
from .context import CliContext, add_command

#: How much of a description the catalog table shows.
DESCRIPTION_CELLS = 60


def required_option(value: str) -> tuple[str, ...]:
    """``--required`` as keys; a malformed list is a usage error."""
    try:
        return required_keys(value)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# -- set ----------------------------------------------------------------------------


async def check_properties(
    ctx: CliContext,
    store: ImageStore,
    image: Image,
    properties: Sequence[tuple[str, str]],
    *,
    allow_unknown: bool,
) -> None:
    """Refuse, before anything changes, a property ``set`` should not write.

    Only keys whose value changes are checked: an image may already hold keys the catalog
    does not know, and setting something else must not trip over them.
    """
    changing = [(k, v) for k, v in properties if k not in CORE_FIELDS and image.properties.get(k) != v]
    if not changing:
        return
    catalog = await store.property_catalog()
    for key, value in changing:
        for finding in key_findings(key, value, catalog):
            _judge(ctx, catalog, key, finding, allow_unknown)


def _judge(
    ctx: CliContext, catalog: PropertyCatalog, key: str, finding: Finding, allow_unknown: bool
) -> None:
    message = finding.message if finding.message.endswith("?") else finding.message + "."
    if catalog.known(key):
        raise Invalid(f"{message} Nothing was changed.")
    if not allow_unknown:
        raise Invalid(f"{message} Nothing was changed (--allow-unknown sets it anyway).")
    ctx.warn(f"{message} Set anyway because of --allow-unknown.")


# -- lint ---------------------------------------------------------------------------


async def lint_command(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    required = args.required if args.required is not None else _configured(ctx)
    catalog = await store.property_catalog()
    images = await _images(ctx, store, args.images)
    results = [(image, lint(image, catalog, required)) for image in images]
    if ctx.json:
        ctx.emit(
            {
                "catalog": {"source": catalog.source, "note": catalog.note},
                "required": list(required),
                "images": [
                    {"id": i.id, "name": i.name, "findings": [f.to_json() for f in found]}
                    for i, found in results
                ],
            }
        )
    else:
        ctx.emit(None, _report(results, catalog))
    return 1 if worst(f for _, found in results for f in found) == ERROR else 0


def _configured(ctx: CliContext) -> tuple[str, ...]:
    """The ``lint_required`` setting as keys, a bad one named as the config's problem."""
    try:
        return required_keys(ctx.settings.lint_required)
    except Invalid as exc:
        raise Invalid(f"setting lint_required: {exc}") from None


async def _images(ctx: CliContext, store: ImageStore, refs: Sequence[str]) -> list[Image]:
    if refs:
        return [await ctx.resolve_image(store, ref) for ref in dict.fromkeys(refs)]
    me = (await store.whoami()).project_id
    return [image for image in await store.all_images(ImageQuery()) if image.owner == me]


def _report(results: list[tuple[Image, list[Finding]]], catalog: PropertyCatalog) -> str:
    lines = [f"catalog: {catalog.note or catalog.source}"]
    clean = 0
    for image, found in results:
        if not found:
            clean += 1
            continue
        # one line each: a name or key with a line break must not forge a line of the report
        lines.append(visible(f"{image.label} ({image.id})"))
        lines += [f"  {f.severity:<7}  {visible(f.message)}" for f in found]
    errors = sum(1 for _, found in results if worst(found) == ERROR)
    lines.append(
        f"{len(results)} image{'' if len(results) == 1 else 's'}: {errors} with errors, {clean} clean"
    )
    return "\n".join(lines)


# -- catalog ------------------------------------------------------------------------


async def catalog_command(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.action == "import":
        return await _import(args, ctx)
    if args.from_cloud:
        raise Invalid("--from-cloud goes with 'catalog import'")
    store = await ctx.open_store()
    catalog = await store.property_catalog()
    if ctx.json:
        ctx.emit(catalog.to_json())
        return 0
    rows = [
        (
            p.name,
            p.type,
            _allowed(p.enum, p.minimum, p.maximum, p.pattern),
            output.text(p.description or p.title),
        )
        for p in (catalog.properties[name] for name in sorted(catalog.properties))
    ]
    table = output.table(("PROPERTY", "TYPE", "VALUES", "DESCRIPTION"), rows)
    ctx.emit(None, f"{catalog.note or catalog.source}\n{table}")
    return 0


def _allowed(enum: Sequence[str], low: float | None, high: float | None, pattern: str | None) -> str:
    if enum:
        return listed(enum)
    if low is not None or high is not None:
        return f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
    return pattern or ""


async def _import(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.from_cloud:
        raise Invalid("catalog import needs --from-cloud NAME (a cloud of clouds.yaml)")
    ctx.check_writable("catalog import")
    if ctx.settings.cloud:
        raise Invalid("catalog import writes into a local store; leave out --cloud (use --store PATH)")
    local = await ctx.open_store()
    save = getattr(local, "save_property_catalog", None)  # the local store's, however it is wrapped
    if save is None:
        raise Invalid(f"{local.label} cannot keep a property catalog")
    cloud = await ctx.open_store_for(cloud_target(args.from_cloud))
    catalog = await cloud.property_catalog()
    if catalog.source != "metadefs":
        raise Invalid(f"{catalog.note}; nothing was imported")
    saved = catalog.renamed("imported", f"imported from {catalog.note}")
    path = await save(saved)
    ctx.emit(
        {"path": str(path), "properties": len(saved)},
        f"saved {len(saved)} property definitions from {cloud.label} to {path}",
    )
    return 0


# -- registration -------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "lint",
        lint_command,
        help="check images' properties against the property catalog",
        description="Check images' properties: unknown or misspelt keys, values the catalog does not "
        "allow, contradictions, required keys. Exit status 0: no errors (warnings allowed); 1: errors.",
    )
    p.add_argument(
        "images", nargs="*", metavar="IMAGE", help="id or unique name (default: the project's images)"
    )
    p.add_argument(
        "--required",
        type=required_option,
        metavar="scs|KEY,KEY",
        help="keys every image must have; scs is the SCS image-metadata standard's (default: lint_required)",
    )

    p = add_command(
        subparsers,
        "catalog",
        catalog_command,
        help="list the property catalog, or import a cloud's into the local store",
    )
    p.add_argument("action", nargs="?", choices=("import",), help="import: save a cloud's metadefs here")
    p.add_argument("--from-cloud", metavar="NAME", help="the cloud of clouds.yaml to import from")


__all__ = ["check_properties", "register"]
