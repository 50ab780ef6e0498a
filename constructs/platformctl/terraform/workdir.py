"""Terraform commands for one synthesized stack directory, with its real backend.

The pipelines follow the documented cdktf pattern: synthesize once, then run Terraform in
``cdktf.out/stacks/<stack>``: ``init``, ``plan -out`` (kept, shown as JSON for the plan guard),
``apply <plan>`` — what is applied is exactly what was reviewed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformctl.process import Command
from platformctl.terraform.cli import terraform_env

#: ``terraform plan -detailed-exitcode``: 0 = no changes, 2 = changes (1 = error).
PLAN_NO_CHANGES = 0
PLAN_HAS_CHANGES = 2
#: How long a plan, apply or state push waits for another run's state lock before it fails. Part of
#: every pipeline stage's time budget (tests/cicd check the stages' timeouts against it).
STATE_LOCK_TIMEOUT_SECONDS = 120


_LOCK_WAIT = f"-lock-timeout={STATE_LOCK_TIMEOUT_SECONDS}s"


@dataclass(frozen=True)
class StackWorkdir:
    """A stack's working directory (``<outdir>/stacks/<stack>``) and the Terraform CLI config to use."""

    directory: Path
    cli_config: Path

    @property
    def name(self) -> str:
        """The stack name."""
        return self.directory.name

    @property
    def default_plan(self) -> Path:
        """Where ``platformctl plan`` writes the plan unless told otherwise."""
        return self.directory / "tfplan"

    def init(self) -> Command:
        """``terraform init`` with the configured backend (state in S3, S3 lock file)."""
        return self._terraform("init", "-input=false", "-no-color")

    def plan(self, plan_file: Path, variables: Mapping[str, str], *, lock: bool = True) -> Command:
        """``terraform plan -out`` with ``-detailed-exitcode``; variables in sorted order.

        Without ``lock`` the plan takes no state lock: a read-only identity cannot write the lock
        file, and a plan nobody applies needs none.
        """
        var_args = [f"-var={name}={value}" for name, value in sorted(variables.items())]
        locking = _LOCK_WAIT if lock else "-lock=false"
        return self._terraform("plan", "-input=false", "-no-color", "-detailed-exitcode", locking,
                               f"-out={plan_file.resolve()}", *var_args)

    def show_json(self, plan_file: Path) -> Command:
        """``terraform show -json`` of a saved plan (the plan guard's input)."""
        return self._terraform("show", "-json", "-no-color", str(plan_file.resolve()))

    def apply(self, plan_file: Path) -> Command:
        """``terraform apply`` of a saved plan: no prompt, nothing beyond what the plan holds."""
        return self._terraform("apply", "-input=false", "-no-color", _LOCK_WAIT, str(plan_file.resolve()))

    def output_json(self) -> Command:
        """``terraform output -json``: the root module's outputs as the state holds them."""
        return self._terraform("output", "-json", "-no-color")

    def state_push(self, state_file: Path) -> Command:
        """``terraform state push``: replace the stack's state under Terraform's lock (same lineage, newer serial)."""
        return self._terraform("state", "push", _LOCK_WAIT, str(state_file.resolve()))

    def with_local_state(self, directory: Path, state_file: Path) -> StackWorkdir:
        """A copy of this stack in ``directory`` whose backend is the local ``state_file``: plans there read
        AWS like the real stack but never touch its state object or lock."""
        document = json.loads((self.directory / "cdk.tf.json").read_text())
        document.setdefault("terraform", {})["backend"] = {"local": {"path": str(state_file.resolve())}}
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "cdk.tf.json").write_text(json.dumps(document))
        return StackWorkdir(directory, self.cli_config)

    def _terraform(self, *args: str) -> Command:
        return Command(("terraform", f"-chdir={self.directory}", *args), env=terraform_env(self.cli_config),
                       uses_aws=True)
