"""What a disk image really is: format, virtual size and a safety verdict.

Wraps oslo.utils' format inspector, the one Glance, Nova and Cinder run, so the verdict
shown before an upload is the one the cloud reaches. ``inspect_file`` blocks; run it in a
thread worker.
"""

from .inspect import inspect_file
from .report import Failure, FormatReport, mismatch_warning

__all__ = ["Failure", "FormatReport", "inspect_file", "mismatch_warning"]
