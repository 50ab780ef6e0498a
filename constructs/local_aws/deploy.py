"""Deploy the platform into a local AWS emulator: ``make deploy-local`` and ``make deploy-local-down``.

``up`` synthesizes the platform (or takes ``--synth-dir``), starts the emulator
(:class:`~.emulator.LocalAws`, moto on 127.0.0.1) in the background, creates the deployer role
in every account the configuration names (the landing zone's job in AWS), then applies
``bootstrap``, ``shared`` and the chosen environment with the real Terraform CLI and AWS
provider. Each stack's ``cdk.tf.json`` is copied byte for byte into the run directory: the
emulator is reached through environment variables only (``AWS_ENDPOINT_URL``, test
credentials, ``AWS_CA_BUNDLE``). The bootstrap stack's local state goes to the run directory
(``-backend-config=path=...``) instead of the repository's ``.state/``, which belongs to AWS.
Afterwards every stack is planned again (``-detailed-exitcode``: 0 means nothing left to
change), what was created is listed per account, and the emulator keeps running for the AWS
CLI or boto3 until ``down``.

Exit codes: 0 done; 1 a Terraform command failed or a re-plan was not empty; 2 invalid
configuration or arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from platform_constructs.config.loader import Platform, load_platform
from platform_constructs.errors import ConfigError
from local_aws import inventory as emulator_inventory
from local_aws.emulator import LocalAws
from platformctl.terraform.cli import terraform_env, write_cli_config

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RUN_DIR = ROOT / ".local-aws"
#: Environment variable choosing the environment ``make deploy-local`` deploys.
ENVIRONMENT_VARIABLE = "PLATFORM_ENV"
BOOTSTRAP, SHARED = "bootstrap", "shared"
#: Written by ``up`` into the run directory: each account's inventory before and after the deploy.
INVENTORY_FILE = "inventory.json"
#: ``terraform plan -detailed-exitcode``: 0 no changes, 2 changes present.
PLAN_EMPTY, PLAN_CHANGES = 0, 2

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class TerraformFailed(RuntimeError):
    """A Terraform command exited with an unexpected code."""

    def __init__(self, stack: str, argv: list[str], returncode: int, output: str) -> None:
        self.stack, self.argv, self.returncode, self.output = stack, argv, returncode, output
        lines = output.splitlines()
        # each "Error:" diagnostic with the lines that explain it
        errors = ["\n".join(lines[i:i + 6]) for i, line in enumerate(lines) if line.startswith("Error:")][:5]
        detail = "\n".join(errors) or "\n".join(lines[-15:])
        super().__init__(f"{stack}: `terraform {' '.join(argv[2:])}` exited {returncode}:\n{detail}")


@dataclass
class LocalStack:
    """One stack's synthesized configuration in a run directory, and Terraform aimed at the emulator."""

    name: str
    directory: Path
    env: dict[str, str]
    backend_config: tuple[str, ...] = ()
    echo: TextIO | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def argv(self, *args: str) -> list[str]:
        """``terraform -chdir=<stack dir> <args>``."""
        return ["terraform", f"-chdir={self.directory}", *args]

    def run(self, *args: str, ok: Iterable[int] = (0,)) -> subprocess.CompletedProcess[str]:
        """Run Terraform, echoing its output when asked; raise :class:`TerraformFailed` outside ``ok``."""
        argv = self.argv(*args, "-no-color")
        started = time.monotonic()
        with subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) as process:
            lines = []
            for line in process.stdout or ():
                lines.append(line)
                if self.echo is not None:
                    self.echo.write(f"[{self.name}] {line}")
                    self.echo.flush()
        self.timings[args[0]] = time.monotonic() - started
        output = "".join(lines)
        if process.returncode not in tuple(ok):
            raise TerraformFailed(self.name, argv, process.returncode, output)
        return subprocess.CompletedProcess(argv, process.returncode, output, "")

    def init(self) -> None:
        """``terraform init`` with the stack's own backend (plus the run directory's overrides)."""
        self.run("init", "-input=false", *(f"-backend-config={item}" for item in self.backend_config))

    def apply(self) -> None:
        """``terraform apply -auto-approve``."""
        self.run("apply", "-input=false", "-auto-approve")

    def plan(self, plan_file: Path | None = None) -> int:
        """``terraform plan -detailed-exitcode`` (optionally saved): :data:`PLAN_EMPTY` or :data:`PLAN_CHANGES`."""
        extra = [f"-out={plan_file}"] if plan_file else []
        return self.run("plan", "-input=false", "-detailed-exitcode", *extra, ok=(PLAN_EMPTY, PLAN_CHANGES)).returncode

    def show_json(self, plan_file: Path) -> str:
        """``terraform show -json PLANFILE`` (the plan guard's input)."""
        argv = self.argv("show", "-json", str(plan_file))
        result = subprocess.run(argv, env=self.env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise TerraformFailed(self.name, argv, result.returncode, result.stderr)
        return result.stdout

    def destroy(self) -> None:
        """``terraform destroy -auto-approve``."""
        self.run("destroy", "-input=false", "-auto-approve")


class LocalDeployment:
    """The stacks of one synthesized platform, deployed into one emulator.

    Args:
        emulator: a started :class:`LocalAws` whose default account is the shared (tooling) account.
        platform: the validated configuration the stacks were synthesized from.
        synth_dir: a ``cdktf.out`` directory.
        work_dir: where stack copies, the bootstrap state and the CLI configuration go.
        echo: stream Terraform output there (``None``: quiet).
    """

    def __init__(self, emulator: LocalAws, platform: Platform, synth_dir: Path, work_dir: Path,
                 echo: TextIO | None = None) -> None:
        self.emulator = emulator
        self.platform = platform
        self.synth_dir = Path(synth_dir)
        self.work_dir = Path(work_dir)
        self.echo = echo
        self.cli_config = write_cli_config(self.work_dir / "terraform.tfrc")
        self._stacks: dict[str, LocalStack] = {}

    def provision_accounts(self) -> dict[str, str]:
        """What the landing zone provides: each account's deployer role, trusted by the tooling account, and the
        CI network's hub and cluster (:meth:`LocalAws.provision_ci_hub`); returns name → deployer role ARN."""
        created = {}
        for name, config in self.platform.configs():
            if config.aws.deploy_role_name is not None:
                created[name] = self.emulator.create_role(config.aws.account_id, config.aws.deploy_role_name)
        ci = self.platform.shared.ci
        self.emulator.provision_ci_hub(cluster_name=ci.cluster_name, cidr=ci.network.cidr,
                                       transit_gateway_id=ci.network.transit_gateway_id,
                                       participants=sorted({env.aws.account_id
                                                            for env in self.platform.environments.values()}))
        return created

    def stack(self, name: str, *, synth_dir: Path | None = None) -> LocalStack:
        """The stack ``name`` copied from ``synth_dir`` (default: this deployment's), initialised once."""
        source = Path(synth_dir or self.synth_dir) / "stacks" / name / "cdk.tf.json"
        if not source.is_file():
            raise FileNotFoundError(f"{source}: no such synthesized stack")
        directory = self.work_dir / "stacks" / name
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, directory / "cdk.tf.json")
        if name not in self._stacks:
            backend = (f"path={self.work_dir / 'state' / 'bootstrap.tfstate'}",) if name == BOOTSTRAP else ()
            (self.work_dir / "state").mkdir(parents=True, exist_ok=True)
            env = self.emulator.process_env(terraform_env(self.cli_config))
            self._stacks[name] = LocalStack(name, directory, env, backend, self.echo)
            self._stacks[name].init()
        return self._stacks[name]

    @staticmethod
    def stack_names(environment: str) -> list[str]:
        """What an environment needs, in order: the state bucket, the shared stack, the environment."""
        return [BOOTSTRAP, SHARED, environment]

    def apply(self, names: Iterable[str]) -> dict[str, float]:
        """Apply each stack in order; returns apply seconds per stack."""
        timings = {}
        for name in names:
            stack = self.stack(name)
            stack.apply()
            timings[name] = stack.timings["apply"]
        return timings

    def replan(self, names: Iterable[str]) -> dict[str, int]:
        """Plan each stack again: :data:`PLAN_EMPTY` when the emulator matches the configuration."""
        return {name: self.stack(name).plan() for name in names}

    def account_clients(self, name: str) -> Callable[[str], Any]:
        """boto3 clients acting in the account of configuration ``name`` (``shared`` or an environment)."""
        target = self.platform.shared.aws if name == SHARED else self.platform.environments[name].aws
        role_arn = target.deploy_role_arn
        return lambda service: self.emulator.client(service, role_arn=role_arn)

    def inventory(self, name: str) -> emulator_inventory.Inventory:
        """What exists in the account and region of configuration ``name``."""
        return emulator_inventory.inventory(self.account_clients(name))


# --- command line ---------------------------------------------------------------------------

def aws_cli_config(platform: Platform, *, endpoint: str, ca_bundle: Path, region: str) -> str:
    """An AWS CLI/boto3 config file with one profile per account, each assuming its deployer role."""
    lines = ["[profile local-aws]", f"region = {region}", f"endpoint_url = {endpoint}", f"ca_bundle = {ca_bundle}",
             "aws_access_key_id = test", "aws_secret_access_key = test", ""]
    for name, config in platform.configs():
        if config.aws.deploy_role_arn is None:
            continue
        lines += [f"[profile {name}]", f"role_arn = {config.aws.deploy_role_arn}", "source_profile = local-aws",
                  f"region = {config.aws.region}", f"endpoint_url = {endpoint}", f"ca_bundle = {ca_bundle}", ""]
    return "\n".join(lines)


def how_to_inspect(run_dir: Path, environment: str, ca_bundle: Path) -> str:
    """The commands that point the AWS CLI and boto3 at the running emulator.

    ``AWS_CA_BUNDLE`` is exported as well: when a shell already sets it (many images do), it wins
    over the profiles' ``ca_bundle`` and the emulator's certificate would not be trusted.
    """
    return (
        "Inspect it (the emulator keeps running until `make deploy-local-down`):\n"
        f"  export AWS_CONFIG_FILE={run_dir / 'aws-config'} AWS_CA_BUNDLE={ca_bundle}\n"
        f"  aws --profile {environment} ec2 describe-vpcs\n"
        f"  aws --profile {SHARED} s3 ls\n"
        f"  python -c \"import boto3; session = boto3.Session(profile_name='{environment}'); "
        "print(session.client('eks').list_clusters())\"\n"
    )


def up(environment: str, run_dir: Path, synth_dir: Path | None, out: TextIO = sys.stdout) -> int:
    """Deploy ``bootstrap``, ``shared`` and ``environment`` into a (new or running) emulator."""
    started = time.monotonic()
    environments_dir = Path(os.environ.get("PLATFORM_ENVIRONMENTS_DIR", ROOT / "environments"))
    try:
        platform = load_platform(environments_dir)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    if environment not in platform.environments:
        print(f"error: {ENVIRONMENT_VARIABLE} = {environment!r}: no such environment; known: "
              f"{', '.join(sorted(platform.environments))}", file=sys.stderr)
        return EXIT_INVALID
    run_dir.mkdir(parents=True, exist_ok=True)
    if synth_dir is None:
        from platformctl.synth import run_synth

        synth_dir = run_dir / "cdktf.out"
        code = run_synth(ROOT, str(synth_dir))
        if code != 0:
            return code
    emulator = LocalAws.attach(run_dir)
    if emulator is None:
        emulator = LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region,
                            run_dir=run_dir, detach=True).start()
        print(f"local AWS emulator started: {emulator.endpoint} (pid {emulator.pid})", file=out)
    else:
        print(f"reusing the local AWS emulator at {emulator.endpoint} (pid {emulator.pid})", file=out)
    deployment = LocalDeployment(emulator, platform, synth_dir, run_dir, echo=out)
    deployment.provision_accounts()
    names = deployment.stack_names(environment)
    accounts = [SHARED, environment]
    before = {name: deployment.inventory(name) for name in accounts}
    try:
        timings = deployment.apply(names)
        replans = deployment.replan(names)
    except TerraformFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    (run_dir / "aws-config").write_text(aws_cli_config(platform, endpoint=emulator.endpoint,
                                                      ca_bundle=emulator.ca_bundle, region=emulator.region))
    after = {name: deployment.inventory(name) for name in accounts}
    (run_dir / INVENTORY_FILE).write_text(json.dumps({"before": before, "after": after}, indent=2) + "\n")
    print("\n== created in the emulator", file=out)
    for name in accounts:
        target = platform.shared.aws if name == SHARED else platform.environments[name].aws
        added = {kind: change["added"] for kind, change in
                 emulator_inventory.difference(before[name], after[name]).items() if change["added"]}
        print(f"account {target.account_id} ({name}, {target.region}):", file=out)
        print(emulator_inventory.render(added), file=out)
    print("\n== timings", file=out)
    for name, seconds in timings.items():
        print(f"  apply {name}: {seconds:.0f} s; re-plan: {'no changes' if replans[name] == PLAN_EMPTY else 'CHANGES'}",
              file=out)
    print(f"  total: {time.monotonic() - started:.0f} s\n", file=out)
    print(how_to_inspect(run_dir, environment, emulator.ca_bundle), file=out)
    dirty = [name for name, code in replans.items() if code != PLAN_EMPTY]
    if dirty:
        print(f"error: the re-plan of {', '.join(dirty)} is not empty: the emulator differs from the configuration",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def down(run_dir: Path, out: TextIO = sys.stdout) -> int:
    """Stop the emulator recorded in ``run_dir`` and delete the run directory (its state is the emulator's)."""
    emulator = LocalAws.attach(run_dir)
    if emulator is None:
        print(f"no local AWS emulator is running from {run_dir}", file=out)
    else:
        pid = emulator.pid
        emulator.stop()
        print(f"stopped the local AWS emulator (pid {pid})", file=out)
    shutil.rmtree(run_dir, ignore_errors=True)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m local_aws.deploy up|down``."""
    parser = argparse.ArgumentParser(prog="python -m local_aws.deploy",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="deploy bootstrap, shared and an environment into the emulator")
    start.add_argument("--env", default=os.environ.get(ENVIRONMENT_VARIABLE) or "dev",
                       help=f"environment to deploy (default: ${ENVIRONMENT_VARIABLE} or dev)")
    start.add_argument("--synth-dir", type=Path, help="use this cdktf.out instead of synthesizing")
    stop = commands.add_parser("down", help="stop the emulator and delete its run directory")
    for sub in (start, stop):
        sub.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="default: .local-aws")
    args = parser.parse_args(argv)
    if args.command == "up":
        return up(args.env, args.run_dir.resolve(), args.synth_dir, sys.stdout)
    return down(args.run_dir.resolve(), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
