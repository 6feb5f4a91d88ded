"""Image property catalogs (Glance metadefs or built in) and metadata lint.

A core layer above ``model`` and ``formats`` and below ``stores``: stores return a
catalog, the faces validate edits and lint images with it. No Textual here.
"""

from .builtin import SCS_REQUIRED, builtin_catalog
from .lint import ERROR, PRESETS, WARNING, Finding, key_findings, lint, required_keys, worst
from .metadefs import IMAGE_RESOURCE_TYPE, namespace_definitions
from .properties import PropertyCatalog, PropertyDef, is_reserved

__all__ = [
    "ERROR",
    "IMAGE_RESOURCE_TYPE",
    "PRESETS",
    "SCS_REQUIRED",
    "WARNING",
    "Finding",
    "PropertyCatalog",
    "PropertyDef",
    "builtin_catalog",
    "is_reserved",
    "key_findings",
    "lint",
    "namespace_definitions",
    "required_keys",
    "worst",
]
