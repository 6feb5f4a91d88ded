"""Transfers: upload, download, import, copy and convert jobs that stream, hash, verify,
resume and report progress as events. No UI code here: the app and the CLI subscribe.
"""

from .convert import ConvertJob
from .copy import CopyJob, carried_fields
from .download import DownloadJob
from .errors import FormatMismatch, ToolMissing, UnsafeImage, VerificationFailed
from .events import FINISHED_STATES, TransferKind, TransferProgress, TransferState
from .import_url import ImportJob
from .job import Transfer
from .local_files import part_path
from .manager import TransferManager
from .streams import CHUNK_SIZE
from .upload import UploadJob

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
