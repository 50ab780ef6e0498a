"""Run the jsii kernel on the project's Node 22 rather than whatever ``node`` is on PATH."""

from __future__ import annotations

import os
from pathlib import Path


def prefer_project_node(project_root: Path) -> None:
    """Put ``<project_root>/node_modules/.bin`` first on PATH when it holds ``node``.

    Must run before cdktf is imported: jsii starts ``node`` at import time. The ``node`` npm
    package pins Node 22 there; the machine's own Node 20 is end-of-life for jsii.
    """
    node_bin = project_root / "node_modules" / ".bin"
    path = os.environ.get("PATH", "")
    if (node_bin / "node").exists() and not path.startswith(f"{node_bin}{os.pathsep}"):
        os.environ["PATH"] = f"{node_bin}{os.pathsep}{path}"
