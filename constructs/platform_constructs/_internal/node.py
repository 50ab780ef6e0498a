"""Run the jsii kernel on the project's Node 22 rather than whatever ``node`` is on PATH, without the
deprecation warnings of cdktf's own JavaScript."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

#: Deprecations Node 22 reports at run time for code inside the cdktf library the jsii kernel runs, which
#: this project cannot change (cdktf is archived upstream), each with where it comes from. The cdktf CLI
#: logs every line the app writes to stderr as a red ``[ERROR]``, so each would look like a failure of
#: every command that synthesizes.
KERNEL_DEPRECATIONS = {
    "DEP0044": "util.isArray, called by TerraformOutput.isITerraformAddressable (cdktf/lib/terraform-output.js)",
}


def prefer_project_node(project_root: Path, environ: MutableMapping[str, str] | None = None) -> None:
    """Put ``<project_root>/node_modules/.bin`` first on PATH when it holds ``node``, and tell that
    ``node`` not to warn about :data:`KERNEL_DEPRECATIONS` (``NODE_OPTIONS``, which the kernel inherits).

    Must run before cdktf is imported: jsii starts ``node`` at import time. The ``node`` npm
    package pins Node 22 there; the machine's own Node 20 is end-of-life for jsii. A ``node`` chosen
    through ``JSII_NODE`` gets no option it might not know.
    """
    environ = os.environ if environ is None else environ
    node_bin = project_root / "node_modules" / ".bin"
    if not (node_bin / "node").exists():
        return
    path = environ.get("PATH", "")
    if not path.startswith(f"{node_bin}{os.pathsep}"):
        environ["PATH"] = f"{node_bin}{os.pathsep}{path}"
    if "JSII_NODE" not in environ:
        environ["NODE_OPTIONS"] = without_kernel_deprecations(environ.get("NODE_OPTIONS", ""))


def without_kernel_deprecations(node_options: str) -> str:
    """``node_options`` with one ``--disable-warning`` for each of :data:`KERNEL_DEPRECATIONS` it lacks."""
    present = node_options.split()
    missing = [flag for flag in (f"--disable-warning={code}" for code in KERNEL_DEPRECATIONS) if flag not in present]
    return " ".join([node_options.strip(), *missing]).strip()
