"""The fleet and the gallery: images across clouds, regions and local stores as versioned families.

``places`` names and opens where images live; ``matrix`` shows which content is where and
where it drifted, and ``matrix_index`` keeps it up to date page by page; ``families`` groups
versions and finds the latest; ``lifecycle`` plans and applies promote, end-of-life and
retire; ``replicate`` copies an image to more places with the cheapest method each target
allows. No Textual here: the CLI and the app share it.
"""

from __future__ import annotations

from .families import DEFAULT_FAMILY_PROPERTY, Family, Version, build_families, family_of
from .lifecycle import Plan, Step, apply_plan, plan_end_of_life, plan_promote, plan_retire
from .matrix import Matrix, Presence, Row, list_places
from .matrix_index import MatrixIndex, build_matrix, fleet_matrix
from .places import OpenPlace, Place, close_places, open_places, parse_place
from .replicate import Choice, Method, ReplicateJob, choose_method, replication_status

__all__ = [
    "DEFAULT_FAMILY_PROPERTY",
    "Choice",
    "Family",
    "Matrix",
    "MatrixIndex",
    "Method",
    "OpenPlace",
    "Place",
    "Plan",
    "Presence",
    "ReplicateJob",
    "Row",
    "Step",
    "Version",
    "apply_plan",
    "build_families",
    "build_matrix",
    "choose_method",
    "close_places",
    "family_of",
    "fleet_matrix",
    "list_places",
    "open_places",
    "parse_place",
    "plan_end_of_life",
    "plan_promote",
    "plan_retire",
    "replication_status",
]
