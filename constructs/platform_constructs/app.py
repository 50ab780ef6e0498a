"""Build the cdktf app for a validated :class:`Platform` and synthesize it safely.

The stacks of one configuration file (its *owner*: ``shared`` or an environment, see
:mod:`platform_constructs.stacks.names`) are always built together: they share the owner's policy,
whose suppressions are audited across them. ``synthesize_owners`` builds only the owners asked for
into a scratch directory and returns what cdktf wrote; ``synthesize`` builds everything and
publishes it into ``cdktf.out`` all or nothing (:mod:`platform_constructs.output`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection
from pathlib import Path

from platform_constructs._internal.tf import App
from platform_constructs.config.loader import Platform
from platform_constructs.output import SynthesizedOutput, publish, read_synthesized
from platform_constructs.stacks.apps import AppStack
from platform_constructs.stacks.bootstrap import BootstrapStack
from platform_constructs.stacks.cluster_config import ClusterConfigStack
from platform_constructs.stacks.names import cluster_config_stack_name
from platform_constructs.stacks.platform import CiReach, PlatformStack
from platform_constructs.stacks.shared import SharedStack


def build_app(platform: Platform, outdir: str | Path, owners: Collection[str] | None = None) -> App:
    """The stacks of ``owners`` (default: every configuration) in one app: for ``shared`` the
    bootstrap and shared stacks, for an environment its platform stack (named like the environment),
    its cluster configuration (``<env>-cluster-config``, where it has one) and one stack per application
    (``<env>-app-<name>``); :mod:`platform_constructs.stacks.names`
    lists the same names without building anything.

    Stack traces are left out of annotations, so ``manifest.json`` is the same on every run.
    """
    selected = set(owners) if owners is not None else {name for name, _ in platform.configs()}
    app = App(outdir=str(outdir), stack_traces=False)
    if platform.shared.name in selected:
        BootstrapStack(app, platform)
        SharedStack(app, platform)
    ci = CiReach.of(platform.shared)
    for name in sorted(selected & set(platform.environments)):
        env = platform.environments[name]
        PlatformStack(app, env, delegation=platform.shared.delegation_for(name), ci=ci)
        if cluster_config_stack_name(env) is not None:
            ClusterConfigStack(app, env)
        for application in sorted(env.apps):
            AppStack(app, env, application)
    return app


def synthesize_owners(platform: Platform, owners: Collection[str], workdir: Path) -> SynthesizedOutput:
    """Synthesize the stacks of ``owners`` into ``workdir`` (created) and return them."""
    build_app(platform, workdir, owners).synth()
    return read_synthesized(workdir)


def synthesize(platform: Platform, outdir: str | Path) -> list[str]:
    """Synthesize every stack and publish them into ``outdir``, all or nothing; returns the stack names."""
    outdir = Path(outdir)
    with tempfile.TemporaryDirectory(prefix="platform-synth-") as scratch:
        output = synthesize_owners(platform, [name for name, _ in platform.configs()], Path(scratch) / "cdktf.out")
    publish(outdir, output)
    return sorted(output.stacks)
