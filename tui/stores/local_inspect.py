"""The local store inspects the bytes it receives, as Glance does on upload.

Whatever path the data takes into the store (an upload, a copy, a URL fetched here, a
conversion), the same inspector that checks a file before an upload reads the stream
as it is written, in the same pass: an unsafe image (a qcow2 backing or data file, a VMDK
descriptor naming host files, unknown features, ambiguous content) or data that is not
its declared disk_format is refused before anything is committed, the image goes back
to ``queued`` and its temporary file is removed. A transfer whose person chose to accept
such data says so with `imagedeck.formats.overriding`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import FormatRejected

if TYPE_CHECKING:
    from ..formats import Guard, Refusal


def guard(image_id: str, disk_format: str) -> Guard:
    """The inspection of the data of ``image_id``, refusing with `FormatRejected`."""
    from ..formats import Guard  # here: listing-only commands never load the inspector

    def refuse(refusal: Refusal) -> FormatRejected:
        return FormatRejected(
            f"image {image_id}: the data was refused, {refusal}; "
            "the image is queued again and nothing was kept"
        )

    return Guard(disk_format, refuse)
