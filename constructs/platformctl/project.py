"""Where ``platformctl`` finds things: the environment files, the synthesized stacks, Terraform's CLI config.

Which environment a stack belongs to is read from the synthesized stack itself: its S3 backend
key must be one of that environment's state keys. Nothing here imports cdktf.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_constructs.config.loader import Platform, load_platform
from platform_constructs.config.schema import EnvironmentConfig, SharedConfig
from platform_constructs.errors import ConfigError
from platformctl import env_vars
from platformctl.exit_codes import CliError, ExitCode
from platformctl.terraform.cli import MirrorError, write_cli_config
from platformctl.terraform.workdir import StackWorkdir

Config = EnvironmentConfig | SharedConfig


@dataclass(frozen=True)
class Stack:
    """A synthesized stack of one environment, ready for Terraform."""

    config: Config
    workdir: StackWorkdir
    variables: frozenset[str]
    """Names of the stack's Terraform input variables."""
    protected: bool = True
    """Whether the plan guard protects the stack's environment (account registry or ``[plan_guard]``);
    protected unless the configuration says otherwise (fail closed)."""

    @property
    def name(self) -> str:
        """Stack name."""
        return self.workdir.name

    @property
    def state_key(self) -> str:
        """The stack's state object key in the environment's state bucket."""
        return self.config.state.key(self.name)


@dataclass(frozen=True)
class Project:
    """A checkout of this repository: configuration in, synthesized stacks out.

    Attributes:
        root: repository root (the pipeline's workspace).
        environments_dir: ``$PLATFORM_ENVIRONMENTS_DIR`` or ``<root>/environments``.
        outdir: ``$CDKTF_OUTDIR`` or ``<root>/cdktf.out`` unless ``--outdir`` is given.
    """

    root: Path
    environments_dir: Path
    outdir: Path

    @classmethod
    def at(cls, root: Path, outdir: Path | None = None) -> Project:
        """The project rooted at ``root``, honouring the same variables as ``main.py``."""
        root = root.resolve()
        try:
            environments, default_out = env_vars.environments_dir(root), env_vars.outdir(root)
        except env_vars.EnvVarError as error:
            raise CliError(ExitCode.USAGE, str(error)) from None
        return cls(root, environments.resolve(), (outdir or default_out).resolve())

    @functools.cached_property
    def platform(self) -> Platform:
        """The validated configuration; invalid files end the command with exit code 2."""
        try:
            return load_platform(self.environments_dir)
        except ConfigError as error:
            raise CliError(ExitCode.USAGE, str(error)) from None

    def config(self, name: str) -> Config:
        """The configuration of environment ``name`` (``shared`` included)."""
        configs = dict(self.platform.configs())
        if name not in configs:
            raise CliError(ExitCode.USAGE, f"--env {name!r}: no such environment; known: {', '.join(configs)}")
        return configs[name]

    def environment(self, name: str, option: str = "--env") -> EnvironmentConfig:
        """An application environment (not ``shared``)."""
        environments = self.platform.environments
        if name not in environments:
            raise CliError(ExitCode.USAGE,
                           f"{option} {name!r}: no such application environment; "
                           f"known: {', '.join(sorted(environments))}")
        return environments[name]

    def cli_config(self) -> Path:
        """Terraform CLI config: ``$TF_CLI_CONFIG_FILE`` when it exists, else the project's (mirror-aware) one."""
        try:
            return env_vars.tf_cli_config_file() or write_cli_config(self.root / ".terraform.d" / "platform.tfrc")
        except (env_vars.EnvVarError, MirrorError) as error:
            raise CliError(ExitCode.USAGE, str(error)) from None

    def stack_names(self) -> list[str]:
        """Stacks of the last synth, from ``manifest.json``."""
        manifest = self.outdir / "manifest.json"
        if not manifest.is_file():
            raise CliError(ExitCode.USAGE, f"{manifest} not found: run `platformctl synth` first")
        stacks = _json_file(manifest).get("stacks")
        if not isinstance(stacks, dict):
            raise CliError(ExitCode.USAGE, f"{manifest} lists no stacks: run `platformctl synth` again")
        return sorted(stacks)

    def document(self, stack_name: str) -> dict[str, Any]:
        """The synthesized ``cdk.tf.json`` of a stack."""
        if stack_name not in self.stack_names():
            raise CliError(ExitCode.USAGE,
                           f"--stack {stack_name!r}: not in {self.outdir}; "
                           f"synthesized: {', '.join(self.stack_names())}")
        return _json_file(self.outdir / "stacks" / stack_name / "cdk.tf.json")

    def backend(self, stack_name: str) -> tuple[str, str] | None:
        """``(bucket, key)`` of the stack's S3 state, ``None`` for any other backend."""
        s3 = self.document(stack_name).get("terraform", {}).get("backend", {}).get("s3")
        return None if s3 is None else (s3.get("bucket"), s3.get("key"))

    def stack(self, env_name: str, stack_name: str) -> Stack:
        """Stack ``stack_name`` of environment ``env_name``; refused unless its state lives under that environment."""
        config = self.config(env_name)
        document = self.document(stack_name)
        backend = self.backend(stack_name)
        if backend is None:
            kinds = ", ".join(document.get("terraform", {}).get("backend", {})) or "no backend"
            raise CliError(ExitCode.USAGE, f"--stack {stack_name!r} keeps its state outside S3 ({kinds}); platformctl "
                                           "runs stacks with S3 state only (bootstrap is applied by hand, once)")
        if backend != (config.state.bucket, config.state.key(stack_name)):
            raise CliError(ExitCode.USAGE,
                           f"--stack {stack_name!r} is not a stack of environment {env_name!r}: its state is "
                           f"s3://{backend[0]}/{backend[1]}, {env_name}'s stacks keep state under "
                           f"s3://{config.state.bucket}/{config.state.key_prefix}/")
        return Stack(config, StackWorkdir(self.outdir / "stacks" / stack_name, self.cli_config()),
                     frozenset(document.get("variable", {})), self.platform.protected(env_name))


def _json_file(path: Path) -> dict[str, Any]:
    """A JSON object written by the synth; anything else ends the command with exit 2."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CliError(ExitCode.USAGE,
                       f"{path} cannot be read as JSON ({error}): run `platformctl synth` again") from None
    if not isinstance(document, dict):
        raise CliError(ExitCode.USAGE, f"{path} is not a JSON object: run `platformctl synth` again")
    return document
