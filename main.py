#!/usr/bin/env python3
"""cdktf entry point (``"app"`` in cdktf.json): validate every environment file, then synthesize and publish.

Writes every stack, or only those named in ``$PLATFORM_STACKS`` (``PLATFORM_STACKS=dev,dev-app-api
cdktf deploy dev``: the stack argument of ``cdktf synth|diff|deploy`` never reaches the app).
Stacks whose inputs did not change come from the synth cache (``.cdktf-cache/``;
``PLATFORM_SYNTH_CACHE=off`` bypasses it). See ``platformctl.synth``.

Under ``cdktf deploy``, ``diff``, ``destroy``, ``output`` or ``watch`` the caller's AWS credentials
are checked before the synth (and before the cache is read); ``cdktf synth`` (and ``python main.py``)
never needs any.

Exit codes from the one table of every platform tool (``platformctl --help``): 0 OK synthesized (or
already up to date); 2 USAGE invalid environment configuration, stack selection, environment variable
or output path, or no usable AWS credentials; 1 FAILED synthesis or publishing failed, or AWS STS
unreachable; 130 INTERRUPTED by SIGINT; 143 TERMINATED by SIGTERM. On every failure nothing is written.
The cdktf CLI exits 1 whenever this app fails and shows its code in its summary (README, "What the
cdktf CLI prints, and its exit codes"); each message goes to stderr in one write, one log entry of the CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformctl.cdktf_command import USES_AWS, invoking_command
from platformctl.synth import prepare_exit, run_synth

ROOT = Path(__file__).resolve().parent

if __name__ == "__main__":
    command = invoking_command()
    credentials_for = f"cdktf {command}" if command in USES_AWS else None
    sys.exit(prepare_exit(run_synth(ROOT, credentials_for=credentials_for)))
