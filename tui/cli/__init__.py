"""The ``imagedeck`` command: scriptable subcommands, or the TUI when none is given.

Every failure a person can act on ends as one line on stderr
(``imagedeck: <kind>: <message>``) and exit status 1; usage errors exit 2; Ctrl+C
exits 130 quietly. Set ``IMAGEDECK_DEBUG=1`` to see a traceback for an internal error.

Start-up cost is paid per command: ``--version`` and usage errors load only argparse;
settings, the asyncio loop and the command modules load once a command is about to run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .. import __version__

if TYPE_CHECKING:
    from ..config import Settings
    from .context import CliContext

PROG = "imagedeck"
DEBUG_ENV = "IMAGEDECK_DEBUG"

#: The module that registers each subcommand, in the order ``--help`` lists them. A run
#: imports only the modules of the commands named on its command line: ``ls`` need not
#: load the transfer engine.
COMMAND_MODULES = {
    **dict.fromkeys(("ls", "show", "inspect", "set", "delete", "deactivate", "reactivate"), "images"),
    **dict.fromkeys(("members", "share", "unshare", "accept", "reject", "pending", "shares"), "sharing"),
    **dict.fromkeys(("upload", "download", "import", "copy", "convert"), "transfer_commands"),
    **dict.fromkeys(("fleet", "families", "replicate", "promote", "end-of-life", "retire"), "gallery"),
    **dict.fromkeys(("lint", "catalog"), "lint"),
    **dict.fromkeys(("log", "undo"), "history"),
    "transfers": "service_commands",
    **dict.fromkeys(("usage", "tasks", "cache"), "operator"),
}
ALL_MODULES = tuple(dict.fromkeys(COMMAND_MODULES.values()))


def epilog() -> str:
    """Help text after the commands: where settings come from, what exit codes mean."""
    from ..config import config_path

    return f"""\
IMAGE is an image id or a name that matches exactly one image.

settings: defaults < config file < environment < command line
  config file       {config_path()} (or $IMAGEDECK_CONFIG)
  IMAGEDECK_STORE   local store directory      IMAGEDECK_PROJECT  local project
  OS_CLOUD          cloud from clouds.yaml     OS_AUTH_URL...     a sourced openrc

exit status: 0 done, 1 failed (one line on stderr), 2 usage error, 130 interrupted.
{DEBUG_ENV}=1 shows a traceback for an internal error.
"""


class Parser(argparse.ArgumentParser):
    """argparse, with its error line made visible: it quotes the words it did not understand."""

    def error(self, message: str) -> NoReturn:
        super().error(_visible(message))


class MainParser(Parser):
    """The top-level parser: its epilog names the config file, so it is made only for ``--help``."""

    def format_help(self) -> str:
        if self.epilog is None:
            self.epilog = epilog()
        return super().format_help()


def _visible(text: str) -> str:
    from ..model.safe_text import visible

    return visible(text)


def global_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand; unset ones stay absent."""
    parser = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    where = parser.add_argument_group("where and as whom")
    where.add_argument("--store", metavar="PATH", help="local store directory (default from config)")
    where.add_argument("--cloud", metavar="NAME", help="OpenStack cloud from clouds.yaml (or OS_CLOUD)")
    where.add_argument("--project", metavar="NAME", help="project the local store acts as")
    where.add_argument("--admin", action="store_true", help="act with the admin role (local store)")
    where.add_argument("--read-only", action="store_true", help="refuse every change")
    parser.add_argument("--json", action="store_true", help="print results as JSON (Glance field names)")
    return parser


#: Global options that take a value: the word after them is that value, not a command.
VALUE_OPTIONS = ("--store", "--cloud", "--project")


def command_modules(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules whose commands ``argv`` may run.

    Any word that is a command name counts (even an option's value), so the command
    argparse picks is always among those registered. A line of options only (the TUI,
    ``--version``) needs no command module; ``--help`` or an unknown word needs them all,
    to list the commands.
    """
    named = {COMMAND_MODULES[word] for word in argv if word in COMMAND_MODULES}
    if named:
        return tuple(m for m in ALL_MODULES if m in named)
    return ALL_MODULES if _lists_commands(argv) else ()


def _lists_commands(argv: Sequence[str]) -> bool:
    """Whether ``argv`` asks for help or holds a word that is neither an option nor its value."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help") or word == "--":
            return True
        if word in VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return True
    return False


def build_parser(modules: Sequence[str] = ALL_MODULES) -> argparse.ArgumentParser:
    """The command line parser with the subcommands of ``modules`` (default: all of them)."""
    common = global_options()
    parser = MainParser(
        prog=PROG,
        parents=[common],
        description="Browse and manage virtual-machine images in OpenStack Glance or a local store. "
        "With no command, opens the terminal UI.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use a throwaway store seeded with sample images, projects and shares",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    subparsers.global_options = common  # type: ignore[attr-defined]
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


#: Global option (argparse dest) -> the setting it overrides.
OPTION_SETTINGS = {
    "store": "store_path",
    "cloud": "cloud",
    "project": "project",
    "admin": "admin",
    "read_only": "read_only",
}


def cli_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the user gave on the command line (absent options stay absent)."""
    return {
        setting: getattr(args, option) for option, setting in OPTION_SETTINGS.items() if hasattr(args, option)
    }


#: Arguments that name files or directories: any bytes the file system allows. Every other
#: argument becomes image metadata, a name to look up or a project, so it must be UTF-8.
PATH_ARGUMENTS = frozenset({"file", "output", "src", "store", "to"})

#: How a usage error names a positional argument (others are ``--dest-with-dashes``).
POSITIONAL_NAMES = {"image": "IMAGE", "images": "IMAGE", "member": "PROJECT", "url": "URL"}


def _strings(value: Any) -> Iterator[str]:
    """Every string in an argument's value (lists of KEY=VALUE pairs included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def not_utf8(args: argparse.Namespace) -> str | None:
    """A usage message for the first text argument that was not UTF-8 on the command line.

    Python hands such bytes over as lone surrogates; stored in metadata they would fail every
    later write and read, so they are refused up front, naming the option.
    """
    for dest, value in vars(args).items():
        if dest in PATH_ARGUMENTS:
            continue
        for text in _strings(value):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                option = POSITIONAL_NAMES.get(dest, "--" + dest.replace("_", "-"))
                return f"{option} is not valid UTF-8: '{_visible(text)}'"
    return None


def _tolerant_streams() -> None:
    """Make stdout and stderr write what they cannot encode as escapes instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    parser = build_parser(command_modules(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage error (2), --help or --version (0)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    if message := not_utf8(args):
        return _usage(parser, message)
    if getattr(args, "store", None) and getattr(args, "cloud", None):
        return _usage(parser, "--store and --cloud choose different stores; give one")
    if args.demo and (getattr(args, "cloud", None) or getattr(args, "store", None)):
        return _usage(parser, "--demo uses its own throwaway store; leave out --store and --cloud")
    from ..model import ImageDeckError, describe_error

    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except ImageDeckError as exc:
        _fail(describe_error(exc))
        return 1
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except Exception as exc:  # the last line of defence: never a traceback by default
        if os.environ.get(DEBUG_ENV):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with {DEBUG_ENV}=1 for a traceback)")
        return 1


def _run(args: argparse.Namespace) -> int:
    import asyncio
    import shutil
    import tempfile

    from ..config import load_settings
    from .context import CliContext

    handler = getattr(args, "handler", None)
    from ..history.log import HISTORY_ENV

    demo_dir: Path | None = None
    saved_log: str | None = None
    try:
        if args.demo:
            demo_dir = Path(tempfile.mkdtemp(prefix="imagedeck-demo-"))
            # the demo's changes are logged beside its store: it writes nothing outside its directory
            saved_log = os.environ.get(HISTORY_ENV)
            os.environ[HISTORY_ENV] = str(demo_dir / "actions.jsonl")
            settings = _demo_settings(args, demo_dir)
        else:
            settings = load_settings(cli_overrides(args))
        ctx = CliContext(settings=settings, json=bool(getattr(args, "json", False)))
        if handler is None:
            return _run_tui(settings)
        if args.writes:
            ctx.check_writable(args.command)
        return asyncio.run(_run_command(handler, args, ctx))
    finally:
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)
            if saved_log is None:
                os.environ.pop(HISTORY_ENV, None)
            else:
                os.environ[HISTORY_ENV] = saved_log


async def _run_command(handler: Any, args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        return await handler(args, ctx)
    finally:
        await ctx.close()


def _demo_settings(args: argparse.Namespace, directory: Path) -> Settings:
    import asyncio

    from ..config import load_settings
    from ..demo.seed import seed_demo

    demo = asyncio.run(seed_demo(directory))
    # the throwaway store is gone after the demo: its transfers must not outlive it
    return demo.settings(load_settings({})).replace(transfer_service=False, **cli_overrides(args))


def _run_tui(settings: Settings) -> int:
    from ..app import ImageDeckApp
    from ..stores import open_store

    app = ImageDeckApp(settings=settings, store=open_store(settings))
    app.run()
    return app.return_code or 0


def _usage(parser: argparse.ArgumentParser, message: str) -> int:
    parser.print_usage(sys.stderr)
    _fail(message)
    return 2


def _fail(message: str) -> None:
    sys.stderr.write(f"{PROG}: {_visible(message)}\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    """After the reader of a pipe went away, make the interpreter's final flush quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


__all__ = ["COMMAND_MODULES", "build_parser", "cli_overrides", "command_modules", "main"]
