"""Build the cdktf app for a validated :class:`Platform` and synthesize it safely.

Synthesis writes into a temporary directory next to the output directory and publishes
the result only when every stack synthesized, so a failed run leaves the previous
``cdktf.out`` exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from platform_constructs._internal.tf import App
from platform_constructs.ci.ci_props import ci_role_arn
from platform_constructs.config.loader import Platform
from platform_constructs.naming import Naming
from platform_constructs.stacks.apps import AppStack
from platform_constructs.stacks.bootstrap import BootstrapStack
from platform_constructs.stacks.platform import CiReach, PlatformStack
from platform_constructs.stacks.shared import SharedStack


def build_app(platform: Platform, outdir: str | Path) -> App:
    """All stacks of the platform in one app: bootstrap, shared, and per environment the platform
    stack (named like the environment) and one stack per application (``<env>-app-<name>``);
    :mod:`platform_constructs.stacks.names` lists the same names without building anything."""
    app = App(outdir=str(outdir))
    BootstrapStack(app, platform)
    SharedStack(app, platform)
    shared = platform.shared
    ci = CiReach(shared.ci.network, ci_role_arn(shared.aws.account_id, Naming(shared.naming.prefix, shared.name), "plan"))
    for name in sorted(platform.environments):
        env = platform.environments[name]
        PlatformStack(app, env, ci=ci)
        for application in sorted(env.apps):
            AppStack(app, env, application)
    return app


def synthesize(platform: Platform, outdir: str | Path) -> list[str]:
    """Synthesize every stack into ``outdir``, all or nothing; returns the stack names."""
    outdir = Path(outdir).resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        build_app(platform, staging).synth()
        return _publish(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, outdir: Path) -> list[str]:
    """Move the synthesized files into ``outdir``, keeping each stack's ``.terraform`` caches.

    Stack directories that the new manifest no longer names are removed, as the cdktf CLI
    does after its own synth.
    """
    manifest = json.loads((staging / "manifest.json").read_text())
    stacks = sorted(manifest["stacks"])
    for source in sorted(staging.rglob("*")):
        if source.is_file() and source.name != "manifest.json":
            target = outdir / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    stacks_dir = outdir / "stacks"
    for existing in stacks_dir.iterdir() if stacks_dir.is_dir() else ():
        if existing.is_dir() and existing.name not in stacks:
            shutil.rmtree(existing)
    # The manifest goes last: readers that see it see a complete output.
    os.replace(staging / "manifest.json", outdir / "manifest.json")
    return stacks
