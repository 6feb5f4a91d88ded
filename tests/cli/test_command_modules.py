"""Each run registers only the command modules it may need; the map of commands stays whole."""

from __future__ import annotations

import argparse
import subprocess
import sys

from imagedeck.cli import ALL_MODULES, COMMAND_MODULES, build_parser, command_modules
from tests.cli.test_errors import ROOT


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(subparsers.choices)


def test_the_map_names_every_registered_command_in_help_order() -> None:
    assert _commands(build_parser()) == list(COMMAND_MODULES)


def test_each_module_registers_exactly_its_mapped_commands() -> None:
    for module in ALL_MODULES:
        mapped = [name for name, owner in COMMAND_MODULES.items() if owner == module]
        assert _commands(build_parser((module,))) == mapped


def test_modules_for_a_command_line() -> None:
    assert command_modules(["--json", "ls"]) == ("images",)
    assert command_modules(["upload", "disk.img"]) == ("transfer_commands",)
    assert command_modules([]) == ()
    assert command_modules(["--version"]) == ()
    assert command_modules(["--store", "ls-dir", "--project", "x", "--read-only"]) == ()
    assert command_modules(["--help"]) == ALL_MODULES
    assert command_modules(["lss"]) == ALL_MODULES  # a typo is answered with the list of commands
    # A command name given as an option's value still brings its module along.
    assert command_modules(["--cloud", "upload", "ls"]) == ("images", "transfer_commands")


def test_listing_does_not_import_the_transfer_engine() -> None:
    code = (
        "import sys; from imagedeck.cli import main; main(['ls', '--help']); "
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.startswith('imagedeck.transfers'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "[]"


def test_version_imports_no_command_module_nor_the_network_stack() -> None:
    code = (
        "import sys; from imagedeck.cli import main; main(['--version']); "
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.startswith(('imagedeck.transfers', "
        "'imagedeck.cli.images', 'imagedeck.cli.sharing', 'httpx', 'oslo_utils', 'textual')))))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "[]"
