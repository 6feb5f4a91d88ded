"""The layers import only those below them, and the core runs without the UI.

model < formats < stores < transfers < the faces (CLI, app). Relative imports count, and
so do imports inside functions: a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tui"
CORE = ["model", "formats", "catalog", "stores", "history", "transfers", "gallery", "service"]


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports, relative imports resolved."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
            elif node.module:
                names.add(node.module)
    return names


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] in (PACKAGE.name, "imagedeck") and len(parts) > 1 else None


@pytest.mark.parametrize("layer", CORE)
def test_core_layer_does_not_import_textual(layer: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if any(name.split(".")[0] == "textual" for name in imported_modules(path))
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", CORE)
def test_core_layer_imports_only_layers_below(layer: str) -> None:
    allowed = set(CORE[: CORE.index(layer) + 1])
    offenders = sorted(
        f"{path.relative_to(PACKAGE)} -> {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imported_modules(path)
        if (used := layer_of(name)) is not None and used not in allowed and used != "__init__"
    )
    assert offenders == []
