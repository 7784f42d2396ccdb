"""``python -m kesos.session [serve] [options]``: run the session server."""
import sys

from kesos.session.cli import main

sys.exit(main())
