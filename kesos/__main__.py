import sys

from kesos.cli import main

sys.exit(main())
