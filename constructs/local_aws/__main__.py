"""``python -m local_aws up|down``: deploy into, or stop, the local AWS emulator."""

import sys

from local_aws.deploy import main

sys.exit(main())
