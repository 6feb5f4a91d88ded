"""Names of a package that load their module on first use (PEP 562).

A package lists which of its modules defines each name; `lazy_names` gives it the module
``__getattr__`` that imports that module when the name is first read and keeps the value,
so later reads cost nothing. Used where a module is heavy (the format inspector, the
network stack behind transfer jobs) and most runs never need it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, modules: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``: name -> the submodule in ``modules`` that defines it."""

    def load(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    return load
