"""Refuse, before any byte moves, an upload or import the project's quota would refuse anyway.

Glance checks the image count when the image is created and the size when its data
arrives (and, for imports, only inside the task, long after the request was accepted).
Reading the usage first gives one clear sentence instead of a half-made image. Where the
usage cannot be read, nothing is refused here: the cloud still enforces its limits.
"""

from __future__ import annotations

from ..model import ImageDeckError, QuotaExceeded
from ..stores import ImageStore
from ..stores.operator import MIB, QuotaUse, quota


async def check_quota(store: ImageStore, what: str, size: int | None, *, new_images: int = 1) -> None:
    """Raise QuotaExceeded when ``new_images`` more images or ``size`` more bytes go over a limit."""
    try:
        uses = await store.usage()
    except ImageDeckError:
        return
    refusal = quota_refusal(uses, size, new_images)
    if refusal:
        raise QuotaExceeded(f"{store.label}: {what} would exceed this project's quota: {refusal}")


def quota_refusal(uses: tuple[QuotaUse, ...], size: int | None, new_images: int = 1) -> str | None:
    """Why adding ``new_images`` images of ``size`` bytes in all goes over a limit (None: it fits).

    Sizes count in whole MiB, rounded down, as Glance counts them.
    """
    count = quota(uses, "image_count_total")
    if new_images and count is not None and count.used + new_images > count.limit:
        return (
            f"it already has {count.used} of its {count.limit} images; "
            "delete one (queued images count too) or ask for a higher limit"
        )
    total = quota(uses, "image_size_total")
    if size is not None and total is not None and total.used + size // MIB > total.limit:
        return (
            f"{size // MIB} MiB more on top of {total.used} MiB would pass its {total.limit} MiB; "
            "delete some images or ask for a higher limit"
        )
    return None
