"""Transfers: upload, download, import, copy and convert jobs that stream, hash, verify,
resume and report progress as events. No UI code here: the app and the CLI subscribe.

Names load on first use: the app starts without the network stack or the inspector, and
loads a job's module when a job of that kind is first made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.lazy import lazy_names
from .events import FINISHED_STATES, TransferKind, TransferProgress, TransferState
from .job import Transfer
from .manager import TransferManager

if TYPE_CHECKING:
    from .convert import ConvertJob
    from .copy import CopyJob, carried_fields
    from .download import DownloadJob
    from .errors import FormatMismatch, ToolMissing, UnsafeImage, VerificationFailed
    from .import_url import ImportJob
    from .local_files import part_path
    from .streams import CHUNK_SIZE
    from .upload import UploadJob

_LAZY = {
    "ConvertJob": "convert",
    "CopyJob": "copy",
    "carried_fields": "copy",
    "DownloadJob": "download",
    "FormatMismatch": "errors",
    "ToolMissing": "errors",
    "UnsafeImage": "errors",
    "VerificationFailed": "errors",
    "ImportJob": "import_url",
    "part_path": "local_files",
    "CHUNK_SIZE": "streams",
    "UploadJob": "upload",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())

__all__ = [
    "CHUNK_SIZE",
    "FINISHED_STATES",
    "ConvertJob",
    "CopyJob",
    "DownloadJob",
    "FormatMismatch",
    "ImportJob",
    "ToolMissing",
    "Transfer",
    "TransferKind",
    "TransferManager",
    "TransferProgress",
    "TransferState",
    "UnsafeImage",
    "UploadJob",
    "VerificationFailed",
    "carried_fields",
    "part_path",
]
