#!/usr/bin/env python3
"""cdktf entry point (``"app"`` in cdktf.json): validate every environment file, then synthesize all stacks.

Exit codes from the one table of every platform tool (``platformctl --help``): 0 OK synthesized;
2 USAGE invalid environment configuration (nothing written); 1 FAILED synthesis failed (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformctl.synth import run_synth

ROOT = Path(__file__).resolve().parent

if __name__ == "__main__":
    sys.exit(run_synth(ROOT))
