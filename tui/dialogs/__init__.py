"""Modal dialogs; each returns a typed result through ``dismiss`` (None when cancelled)."""

from .cloud_picker import LOCAL_STORE, CloudPickerDialog
from .confirm import ConfirmDialog
from .convert import ConvertDialog, ConvertRequest
from .copy import CopyDialog, CopyRequest, Destination
from .download import DownloadDialog
from .edit_image import EditImageDialog
from .filters import FilterDialog
from .import_url import ImportUrlDialog
from .members import MembersDialog
from .results import ImportRequest, MembersResult, UploadRequest
from .upload import UploadDialog
from .visibility import VisibilityDialog

__all__ = [
    "LOCAL_STORE",
    "CloudPickerDialog",
    "ConfirmDialog",
    "ConvertDialog",
    "ConvertRequest",
    "CopyDialog",
    "CopyRequest",
    "Destination",
    "DownloadDialog",
    "EditImageDialog",
    "FilterDialog",
    "ImportRequest",
    "ImportUrlDialog",
    "MembersDialog",
    "MembersResult",
    "UploadDialog",
    "UploadRequest",
    "VisibilityDialog",
]
