#!/usr/bin/env python3
"""cdktf entry point (``"app"`` in cdktf.json): validate every environment file, then synthesize all stacks.

Under ``cdktf deploy``, ``diff``, ``destroy``, ``output`` or ``watch`` the caller's AWS credentials
are checked before the synth; ``cdktf synth`` (and ``python main.py``) never needs any.

Exit codes from the one table of every platform tool (``platformctl --help``): 0 OK synthesized;
2 USAGE invalid environment configuration or no usable AWS credentials (nothing written);
1 FAILED synthesis failed or AWS STS unreachable (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformctl.cdktf_command import USES_AWS, invoking_command
from platformctl.synth import run_synth

ROOT = Path(__file__).resolve().parent

if __name__ == "__main__":
    command = invoking_command()
    sys.exit(run_synth(ROOT, credentials_for=f"cdktf {command}" if command in USES_AWS else None))
