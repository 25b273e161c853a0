"""``python -m roomkit`` is the ``roomkit`` console script."""

import sys

from roomkit.cli import main

sys.exit(main())
