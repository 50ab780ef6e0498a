"""``python -m platformctl``: the same as the ``platformctl`` console script."""

import sys

from platformctl.main import main

sys.exit(main())
