"""The core layers must run without the UI: none of them may import Textual."""

import ast
from pathlib import Path

import pytest

CORE = ["model", "formats", "stores", "transfers"]
PACKAGE = Path(__file__).resolve().parent.parent / "tui"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", CORE)
def test_core_layer_does_not_import_textual(layer: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if any(name.split(".")[0] == "textual" for name in imported_modules(path))
    ]
    assert offenders == []
