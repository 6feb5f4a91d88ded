"""Acting on a family in one place: promote a version, set its end of life, retire old ones.

Every action is a plan first (which image gets which change, and which are left alone
because another project owns them); applying it is a separate step, so a command can show
the plan and change nothing until asked. Nothing here deletes or deactivates an image:
retiring hides (deprecates) the versions beyond the newest N.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Change, Conflict, Image, ImageDeckError, ImageQuery, ImageStatus, Invalid, describe_error
from ..stores import ImageStore
from .families import DEFAULT_FAMILY_PROPERTY, PROVIDED_UNTIL, Family, build_families, family_of, usable

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Step:
    image_id: str
    name: str
    action: str
    changes: list[Change] = field(default_factory=list)
    #: Why this step will not (or did not) happen, e.g. another project owns the image.
    skipped: str | None = None


@dataclass(slots=True)
class Plan:
    place: str
    family: str
    steps: list[Step] = field(default_factory=list)
    applied: bool = False

    @property
    def changes(self) -> list[Step]:
        return [step for step in self.steps if step.changes and step.skipped is None]


async def place_family(
    store: ImageStore, place: str, family: str, family_property: str = DEFAULT_FAMILY_PROPERTY
) -> Family:
    """Every version of ``family`` one place holds, hidden and deactivated ones included."""
    images: dict[str, Image] = {}
    for query in (ImageQuery(), ImageQuery(os_hidden=True)):
        for image in await store.all_images(query):
            images.setdefault(image.id, image)
    entries = [(place, i) for i in images.values() if family_of(i, family_property)[0] == family]
    found = build_families(entries, family_property)
    if not found:
        raise Invalid(f"{place} holds no image of family {family!r}")
    return found[0]


async def _owner_check(store: ImageStore) -> tuple[str, bool]:
    me = await store.whoami()
    return me.project_id, me.is_admin


def _step(image: Image, action: str, changes: list[Change], me: tuple[str, bool]) -> Step:
    project, admin = me
    skipped = None
    if not admin and image.owner and image.owner != project:
        skipped = f"owned by project {image.owner}: only its owner can change it"
    return Step(image.id, image.label, action, changes, skipped)


async def plan_promote(
    store: ImageStore, place: str, image: Image, family_property: str = DEFAULT_FAMILY_PROPERTY
) -> Plan:
    """Make ``image`` its family's latest here: show it, hide every other usable version."""
    if image.status != ImageStatus.ACTIVE:
        raise Conflict(f"image {image.label} is {image.status}: only an active image can be promoted")
    name, _ = family_of(image, family_property)
    family = await place_family(store, place, name, family_property)
    me = await _owner_check(store)
    plan = Plan(place, name)
    if image.os_hidden:
        plan.steps.append(_step(image, "show (latest)", [Change.replace("os_hidden", False)], me))
    else:
        plan.steps.append(Step(image.id, image.label, "already shown (latest)"))
    for version in family.versions:
        if version.image.id != image.id and usable(version.image):
            plan.steps.append(
                _step(version.image, "hide (deprecated)", [Change.replace("os_hidden", True)], me)
            )
    return plan


async def plan_retire(
    store: ImageStore, place: str, family: str, keep: int, family_property: str = DEFAULT_FAMILY_PROPERTY
) -> Plan:
    """Keep the newest ``keep`` active versions shown; hide the usable ones after them."""
    if keep < 1:
        raise Invalid(f"keep at least one version, not {keep}: a family needs a latest version")
    found = await place_family(store, place, family, family_property)
    me = await _owner_check(store)
    plan = Plan(place, family)
    active = [v.image for v in found.versions if v.image.status == ImageStatus.ACTIVE]
    for image in active[:keep]:
        plan.steps.append(Step(image.id, image.label, "keep"))
    for image in active[keep:]:
        if usable(image):
            plan.steps.append(_step(image, "hide (retired)", [Change.replace("os_hidden", True)], me))
    return plan


async def plan_end_of_life(
    store: ImageStore, place: str, image: Image, until: str, family_property: str = DEFAULT_FAMILY_PROPERTY
) -> Plan:
    """Set ``provided_until`` (SCS) to a day ``YYYY-MM-DD``."""
    if not _DAY.match(until):
        raise Invalid(f"end of life must be a day as YYYY-MM-DD, not {until!r}")
    op = Change.replace if PROVIDED_UNTIL in image.properties else Change.add
    plan = Plan(place, family_of(image, family_property)[0])
    plan.steps.append(
        _step(image, f"end of life {until}", [op(PROVIDED_UNTIL, until)], await _owner_check(store))
    )
    return plan


async def apply_plan(store: ImageStore, plan: Plan) -> list[str]:
    """Make the plan's changes one image at a time; returns one line per change that failed."""
    failures = []
    for step in plan.changes:
        try:
            await store.update_image(step.image_id, step.changes)
        except ImageDeckError as exc:
            step.skipped = describe_error(exc)
            failures.append(f"{step.name} ({step.image_id}): {describe_error(exc)}")
    plan.applied = True
    return failures
