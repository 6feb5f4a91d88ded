"""Glance's metadata definitions (``/v2/metadefs``) read into property definitions.

A namespace asked for with ``resource_type=OS::Glance::Image`` already carries the
prefix its association gives the properties (``boot_menu`` becomes ``hw_boot_menu``),
for its own properties and for its objects' alike, so the names here are the names an
image is given. Definitions are JSON-schema fragments; what imagedeck cannot use
(``readonly``, ``default``...) is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .properties import TYPES, PropertyDef

#: The resource type whose properties are image properties.
IMAGE_RESOURCE_TYPE = "OS::Glance::Image"


def namespace_definitions(body: Any) -> list[PropertyDef]:
    """Every property of one namespace body, objects' properties included."""
    if not isinstance(body, Mapping):
        return []
    namespace = str(body.get("namespace") or "")
    found = _definitions(body.get("properties"), namespace)
    for obj in body.get("objects") or []:
        if isinstance(obj, Mapping):
            found += _definitions(obj.get("properties"), namespace)
    return found


def _definitions(properties: Any, namespace: str) -> list[PropertyDef]:
    if not isinstance(properties, Mapping):
        return []
    return [
        _definition(str(name), schema, namespace)
        for name, schema in properties.items()
        if isinstance(schema, Mapping) and name
    ]


def _definition(name: str, schema: Mapping[str, Any], namespace: str) -> PropertyDef:
    kind = schema.get("type")
    kind = kind if kind in TYPES else "string"
    raw_items = schema.get("items")
    items: Mapping[str, Any] = raw_items if isinstance(raw_items, Mapping) else {}
    item_type = items.get("type")
    return PropertyDef.from_json(
        {
            "name": name,
            "title": schema.get("title"),
            "description": schema.get("description"),
            "type": kind,
            "enum": (items if kind == "array" else schema).get("enum"),
            "minimum": schema.get("minimum"),
            "maximum": schema.get("maximum"),
            "pattern": schema.get("pattern"),
            "namespace": namespace,
            "item_type": item_type if item_type in TYPES else "string",
        }
    )


__all__ = ["IMAGE_RESOURCE_TYPE", "namespace_definitions"]
