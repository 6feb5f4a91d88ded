"""The action log and undo: ``imagedeck log`` and ``imagedeck undo``.

``log`` reads the log file only, so it works with no store reachable. ``undo`` opens the
store, picks the entry (the newest undoable change made here, by default), shows what the
undo will restore and asks first unless ``--yes``; a refused undo exits 1 with its reason.
"""

from __future__ import annotations

import argparse
import sys

from ..history import (
    ActionLog,
    Entry,
    RecordingStore,
    UndoRefused,
    apply_undo,
    find_entry,
    last_undoable,
    plan_undo,
    terminal_session,
)
from ..model import Invalid, visible
from .context import CliContext, add_command


async def log(args: argparse.Namespace, ctx: CliContext) -> int:
    action_log = ActionLog()
    read = action_log.read()
    if warning := read.warning(action_log.path):
        ctx.warn(warning)
    entries = read.entries
    if args.session:
        session = terminal_session()
        entries = [e for e in entries if e.session == session]
    shown = list(reversed(entries))[: args.limit]
    if ctx.json:
        ctx.emit([e.to_json() for e in shown])
    elif not shown:
        ctx.note("no changes recorded" + (" in this session" if args.session else ""))
    else:
        ctx.emit(None, "\n\n".join(entry_block(e) for e in shown))
    return 0


def entry_block(entry: Entry) -> str:
    """An entry as a few labelled lines, every untrusted value made visible."""
    lines = [
        f"{entry.id}  {entry.time.replace('T', ' ').removesuffix('Z')}  {visible(entry.place.describe())}",
        f"  image    {visible(entry.image_label)} ({visible(entry.image_id)})",
        f"  change   {visible(entry.action.replace('_', ' '))}: {visible(entry.summary())}",
        f"  request  {visible(entry.request.line())}",
        f"  command  {visible(entry.command or '(no openstack equivalent)')}",
    ]
    if entry.undo_of:
        lines.append(f"  undoes   {visible(entry.undo_of)}")
    return "\n".join(lines)


async def undo(args: argparse.Namespace, ctx: CliContext) -> int:
    store = await ctx.open_store()
    if not isinstance(store, RecordingStore):  # the context always records; kept for the type
        raise Invalid("this store does not record changes")
    read = store.log.read()
    if warning := read.warning(store.log.path):
        ctx.warn(warning)
    if args.entry:
        entry = find_entry(read.entries, args.entry)
    else:
        place = await store.place()
        found = last_undoable(read.entries, place)
        if found is None:
            raise UndoRefused(f"nothing to undo at {place.describe()}")
        entry = found
    plan = await plan_undo(store, entry, entries=read.entries, force=args.force)
    ctx.note(f"undo {entry.id}: {entry.action.replace('_', ' ')} of {visible(entry.image_label)}")
    ctx.note(f"  {plan.preview()}")
    if args.dry_run:
        ctx.emit({"entry": entry.id, "preview": plan.preview(), "applied": False}, "")
        return 0
    if not args.yes and not _confirmed(ctx):
        ctx.error("not undone")
        return 1
    await apply_undo(store, plan)
    ctx.emit({"entry": entry.id, "preview": plan.preview(), "applied": True}, "undone")
    return 0


def _confirmed(ctx: CliContext) -> bool:
    """Ask on the terminal; with no terminal to ask, say how to go on without asking."""
    if not sys.stdin.isatty():
        raise Invalid("no terminal to ask for confirmation: add --yes to undo, or --dry-run to only look")
    ctx.out.write("Undo this change? [y/N] ")
    ctx.out.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(subparsers, "log", log, help="list the changes imagedeck made, newest first")
    p.add_argument("--session", action="store_true", help="only this terminal session's changes")
    p.add_argument("--limit", type=positive, default=20, metavar="N", help="at most N entries (default 20)")

    p = add_command(
        subparsers,
        "undo",
        undo,
        writes=True,
        help="undo a change from the log (default: the last one made here)",
    )
    p.add_argument("entry", nargs="?", metavar="ENTRY", help="entry id (or its start) from 'imagedeck log'")
    p.add_argument("--yes", action="store_true", help="undo without asking")
    p.add_argument("--dry-run", action="store_true", help="show what would be restored, change nothing")
    p.add_argument("--force", action="store_true", help="undo even if the image changed since")
