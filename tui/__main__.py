"""``python -m imagedeck`` runs the same entry point as the ``imagedeck`` command."""

import sys

from .cli import main

sys.exit(main())
