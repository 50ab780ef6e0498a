#!/usr/bin/env python3
"""cdktf entry point (``"app"`` in cdktf.json): validate every environment file, then synthesize all stacks.

Exit codes: 0 synthesized; 2 invalid environment configuration (nothing written);
1 synthesis failed (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformctl.synth import run_synth

ROOT = Path(__file__).resolve().parent

if __name__ == "__main__":
    sys.exit(run_synth(ROOT))
