"""``python -m imagedeck.service``: run the transfer service (clients start it themselves)."""

import sys

from .daemon import main

sys.exit(main())
