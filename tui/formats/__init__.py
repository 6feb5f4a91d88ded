"""What a disk image file really is, judged by the inspector the cloud itself runs."""

from .inspect import inspect_file
from .report import Failure, FormatReport

__all__ = ["Failure", "FormatReport", "inspect_file"]
