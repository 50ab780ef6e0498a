#!/usr/bin/env python3
"""cdktf entry point (``"app"`` in cdktf.json): validate every environment file, then synthesize and publish.

Writes every stack, or only those named in ``$PLATFORM_STACKS`` (``PLATFORM_STACKS=dev,dev-apps
cdktf deploy dev``: the stack argument of ``cdktf synth|diff|deploy`` never reaches the app).
Stacks whose inputs did not change come from the synth cache (``.cdktf-cache/``;
``PLATFORM_SYNTH_CACHE=off`` bypasses it). See ``platformctl.synth``.

Exit codes: 0 synthesized (or already up to date); 2 invalid environment configuration, stack
selection or output path; 1 synthesis or publishing failed; 130 / 143 interrupted by SIGINT /
SIGTERM. On every failure nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformctl.synth import prepare_exit, run_synth

ROOT = Path(__file__).resolve().parent

if __name__ == "__main__":
    sys.exit(prepare_exit(run_synth(ROOT)))
