"""Deploy the platform into a local AWS emulator: ``make deploy-local``, ``make local-env``, ``make deploy-local-down``.

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
CLI or boto3 until ``down``. Terraform runs with its machine-readable UI: the terminal (or CI
log) shows one line per stack and resource class with elapsed times, and each stack's whole
Terraform output goes to ``<run dir>/logs/<stack>.log``.

``env`` prints the ``export`` lines that point cdktf, Terraform, ``platformctl``, boto3 and the
AWS CLI at the running emulator (``eval "$(make -s local-env)"``).

Run it as ``platformctl local up|down|env`` (``make deploy-local``, ``make local-env``); ``python -m
local_aws`` is what that runs. Exit codes from the one table (``platformctl --help``): 0 OK done;
1 FAILED a Terraform command failed, or (``env``) no emulator is running; 4 CHECK_FAILED a re-plan
was not empty; 2 USAGE invalid configuration, arguments or environment variables.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from local_aws import inventory as emulator_inventory
from local_aws.emulator import TEST_CREDENTIALS, LocalAws
from platform_constructs.config.loader import Platform, load_platform
from platform_constructs.errors import ConfigError
from platformctl import env_vars, exit_codes
from platformctl.exit_codes import ExitCode
from platformctl.terraform.cli import MirrorError, find_provider_mirror, terraform_env, write_cli_config
from platformctl.terraform.progress import JSON_UI_COMMANDS, Display, display_for, run_terraform

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RUN_DIR = ROOT / ".local-aws"
#: Environment variable choosing the environment ``make deploy-local`` deploys.
ENVIRONMENT_VARIABLE = env_vars.PLATFORM_ENV.name
BOOTSTRAP, SHARED = "bootstrap", "shared"
#: Written by ``up`` into the run directory: each account's inventory before and after the deploy.
INVENTORY_FILE = "inventory.json"
#: ``terraform plan -detailed-exitcode``: 0 no changes, 2 changes present.
PLAN_EMPTY, PLAN_CHANGES = 0, 2

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_REPLAN_NOT_EMPTY = (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE,
                                                             ExitCode.CHECK_FAILED)


class TerraformFailed(RuntimeError):
    """A Terraform command exited with an unexpected code."""

    def __init__(self, stack: str, argv: list[str], returncode: int, output: str, log: Path | None = None) -> None:
        self.stack, self.argv, self.returncode, self.output = stack, argv, returncode, output
        lines = output.splitlines()
        # each "Error:" diagnostic with the lines that explain it
        errors = ["\n".join(lines[i:i + 6]) for i, line in enumerate(lines) if line.startswith("Error:")][:5]
        detail = "\n".join(errors) or "\n".join(lines[-15:])
        where = f"\n(full log: {log})" if log is not None else ""
        super().__init__(f"{stack}: `terraform {' '.join(argv[2:])}` exited {returncode}:\n{detail}{where}")


@dataclass
class LocalStack:
    """One stack's synthesized configuration in a run directory, and Terraform aimed at the emulator.

    Every command's output goes to :attr:`log`; with a :attr:`display`, its progress is shown as
    one line per resource class (:mod:`platformctl.terraform.progress`).
    """

    name: str
    directory: Path
    env: dict[str, str]
    log: Path
    backend_config: tuple[str, ...] = ()
    display: Display | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def argv(self, *args: str) -> list[str]:
        """``terraform -chdir=<stack dir> <args>``."""
        return ["terraform", f"-chdir={self.directory}", *args]

    def run(self, *args: str, ok: Iterable[int] = (0,)) -> subprocess.CompletedProcess[str]:
        """Run Terraform (machine-readable UI where it has one); raise :class:`TerraformFailed` outside ``ok``.

        The returned ``stdout`` is the output as Terraform would have printed it.
        """
        json_ui = ("-json",) if args[0] in JSON_UI_COMMANDS else ()
        argv = self.argv(*args, *json_ui, "-no-color")
        started = time.monotonic()
        finished = run_terraform(argv, self.env, stack=self.name, log=self.log, display=self.display)
        self.timings[args[0]] = time.monotonic() - started
        if finished.returncode not in tuple(ok):
            raise TerraformFailed(self.name, argv, finished.returncode, finished.output, self.log)
        return subprocess.CompletedProcess(argv, finished.returncode, finished.output, "")

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


def provision_ci(emulator: LocalAws, platform: Platform) -> None:
    """What the landing zone gives continuous delivery, which the shared stack's CI identities and every
    platform stack's CI access name: the CI cluster and the hub transit gateway, shared with the environments."""
    ci = platform.shared.ci
    emulator.provision_ci_hub(cluster_name=ci.cluster_name, cidr=ci.network.cidr,
                              transit_gateway_id=ci.network.transit_gateway_id,
                              participants=sorted({env.aws.account_id for env in platform.environments.values()}))


class LocalDeployment:
    """The stacks of one synthesized platform, deployed into one emulator.

    Args:
        emulator: a started :class:`LocalAws` whose default account is the shared (tooling) account.
        platform: the validated configuration the stacks were synthesized from.
        synth_dir: a ``cdktf.out`` directory.
        work_dir: where stack copies, the bootstrap state, the CLI configuration and the Terraform
            logs (``logs/<stack>.log``) go.
        display: show progress there (``None``: quiet; the logs are written either way).
    """

    def __init__(self, emulator: LocalAws, platform: Platform, synth_dir: Path, work_dir: Path,
                 display: Display | None = None) -> None:
        self.emulator = emulator
        self.platform = platform
        self.synth_dir = Path(synth_dir)
        self.work_dir = Path(work_dir)
        self.display = display
        self.cli_config = write_cli_config(self.work_dir / "terraform.tfrc")
        self._stacks: dict[str, LocalStack] = {}

    def provision_accounts(self) -> dict[str, str]:
        """What the landing zone provides: each account's deployer role, trusted by the tooling account, and the
        CI network's hub and cluster (:meth:`LocalAws.provision_ci_hub`); returns name → deployer role ARN."""
        created = {}
        for name, config in self.platform.configs():
            if config.aws.deploy_role_name is not None:
                created[name] = self.emulator.create_role(config.aws.account_id, config.aws.deploy_role_name)
        provision_ci(self.emulator, self.platform)
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
            self._stacks[name] = LocalStack(name, directory, env, self.work_dir / "logs" / f"{name}.log", backend,
                                            self.display)
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

    def apply_prerequisites(self, environment: str) -> None:
        """What planning ``environment`` needs and nothing more: the state bucket, and the shared account's role
        for its DNS delegation (its ``dns-parent`` provider assumes that role), applied from the shared stack."""
        self.apply([BOOTSTRAP])
        delegation = self.platform.shared.delegation_for(environment)
        if delegation is None:
            return
        shared = json.loads((self.synth_dir / "stacks" / SHARED / "cdk.tf.json").read_text())
        [role] = [name for name, role in shared["resource"]["aws_iam_role"].items()
                  if role["name"] == delegation.role_name]
        self.stack(SHARED).run("apply", "-input=false", "-auto-approve", f"-target=aws_iam_role.{role}")

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
    """An AWS CLI/boto3 config file: the test credentials as the default profile (the tooling account), and one
    profile per account assuming its deployer role."""
    lines = ["[default]", f"region = {region}", f"endpoint_url = {endpoint}",
             f"ca_bundle = {ca_bundle}", f"aws_access_key_id = {TEST_CREDENTIALS['AWS_ACCESS_KEY_ID']}",
             f"aws_secret_access_key = {TEST_CREDENTIALS['AWS_SECRET_ACCESS_KEY']}", ""]
    # The AWS CLI caches assumed-role credentials in ~/.aws/cli/cache by role and session name for an
    # hour; a session name per emulator keeps a new emulator from being sent the previous one's keys.
    session_name = f"local-aws-{urllib.parse.urlsplit(endpoint).port}"
    for name, config in platform.configs():
        if config.aws.deploy_role_arn is None:
            continue
        lines += [f"[profile {name}]", f"role_arn = {config.aws.deploy_role_arn}", "source_profile = default",
                  f"role_session_name = {session_name}", f"region = {config.aws.region}",
                  f"endpoint_url = {endpoint}", f"ca_bundle = {ca_bundle}", ""]
    return "\n".join(lines)


def how_to_inspect(run_dir: Path, environment: str, ca_bundle: Path) -> str:
    """The commands that point the AWS CLI and boto3 at the running emulator.

    ``AWS_CA_BUNDLE`` is exported as well: when a shell already sets it (many images do), it wins
    over the profiles' ``ca_bundle`` and the emulator's certificate would not be trusted.
    """
    return (
        "Use it (the emulator keeps running until `make deploy-local-down`):\n"
        "  eval \"$(make -s local-env)\"   # cdktf, terraform, platformctl, boto3 and the AWS CLI now talk to it\n"
        f"  cdktf diff {environment}\n"
        f"  platformctl state-versions --env {environment} --stack {environment}\n"
        "Or inspect it with the AWS CLI and boto3 only (one profile per account):\n"
        f"  export AWS_CONFIG_FILE={run_dir / 'aws-config'} AWS_CA_BUNDLE={ca_bundle}\n"
        f"  aws --profile {environment} ec2 describe-vpcs\n"
        f"  aws --profile {SHARED} s3 ls\n"
        f"  python -c \"import boto3; session = boto3.Session(profile_name='{environment}'); "
        "print(session.client('eks').list_clusters())\"\n"
    )


def _platform() -> Platform | None:
    """The validated configuration (``$PLATFORM_ENVIRONMENTS_DIR`` or ``environments/``); ``None`` once every
    problem is printed."""
    try:
        return load_platform(env_vars.environments_dir(ROOT))
    except (env_vars.EnvVarError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def up(environment: str, run_dir: Path, synth_dir: Path | None, out: TextIO = sys.stdout) -> int:
    """Deploy ``bootstrap``, ``shared`` and ``environment`` into a (new or running) emulator."""
    started = time.monotonic()
    platform = _platform()
    if platform is None:
        return EXIT_INVALID
    try:
        find_provider_mirror()  # a bad mirror setting is refused before the emulator starts
    except (env_vars.EnvVarError, MirrorError) as error:
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
    deployment = LocalDeployment(emulator, platform, synth_dir, run_dir, display=display_for(out))
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
        return EXIT_REPLAN_NOT_EMPTY
    return EXIT_OK


def shell_exports(emulator: LocalAws, aws_config: Path, current: Mapping[str, str]) -> str:
    """``export`` lines pointing Terraform, cdktf, platformctl, boto3 and the AWS CLI at ``emulator``.

    The emulator's endpoint, certificate authority and region as ``make deploy-local`` gives them to
    Terraform, and its AWS CLI config, whose default profile holds the test credentials. Neither
    ``AWS_ACCESS_KEY_ID`` nor ``AWS_PROFILE`` is exported: the AWS CLI would prefer either over
    ``--profile dev``. Every other ``AWS_*`` variable set in ``current`` is unset, so no profile,
    session token or real credentials of the shell mix in.
    """
    settings = {name: value for name, value in emulator.env.items() if name not in TEST_CREDENTIALS}
    exports = {**settings, "AWS_CONFIG_FILE": str(aws_config), "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    stale = sorted(name for name in current if name.startswith("AWS_") and name not in exports)
    lines = [f"# the local AWS emulator at {emulator.endpoint} (pid {emulator.pid}); "
             f"stop it with `make deploy-local-down`"]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in exports.items()]
    if stale:
        lines.append(f"unset {' '.join(stale)}")
    return "\n".join(lines) + "\n"


def env(run_dir: Path, out: TextIO = sys.stdout) -> int:
    """Print the ``export`` lines for the emulator running from ``run_dir`` (``eval "$(make -s local-env)"``)."""
    emulator = LocalAws.attach(run_dir)
    if emulator is None:
        print(f"error: no local AWS emulator is running from {run_dir}: start it with `make deploy-local`",
              file=sys.stderr)
        return EXIT_FAILED
    platform = _platform()
    if platform is None:
        return EXIT_INVALID
    aws_config = run_dir / "aws-config"
    aws_config.write_text(aws_cli_config(platform, endpoint=emulator.endpoint, ca_bundle=emulator.ca_bundle,
                                         region=emulator.region))
    out.write(shell_exports(emulator, aws_config, os.environ))
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
    """``python -m local_aws up|down|env`` (run by ``platformctl local up|down|env``)."""
    parser = argparse.ArgumentParser(prog="python -m local_aws", description=__doc__.split("\n\n")[0],
                                     epilog=exit_codes.table(), formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="deploy bootstrap, shared and an environment into the emulator",
                                epilog=exit_codes.table(), formatter_class=argparse.RawDescriptionHelpFormatter)
    start.add_argument("--env", help=f"environment to deploy (default: ${ENVIRONMENT_VARIABLE}, else dev)")
    start.add_argument("--synth-dir", type=Path, help="use this cdktf.out instead of synthesizing")
    stop = commands.add_parser("down", help="stop the emulator and delete its run directory",
                               epilog=exit_codes.table(), formatter_class=argparse.RawDescriptionHelpFormatter)
    show_env = commands.add_parser("env", help="print the export lines that point cdktf, Terraform, platformctl and "
                                               "the AWS CLI at the running emulator: eval \"$(make -s local-env)\"",
                                   epilog=exit_codes.table(), formatter_class=argparse.RawDescriptionHelpFormatter)
    for sub in (start, stop, show_env):
        sub.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="default: .local-aws")
    args = parser.parse_args(argv)
    if args.command == "up":
        try:
            environment = args.env if args.env is not None else env_vars.platform_env()
        except env_vars.EnvVarError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_INVALID
        return up(environment, args.run_dir.resolve(), args.synth_dir, sys.stdout)
    if args.command == "env":
        return env(args.run_dir.resolve(), sys.stdout)
    return down(args.run_dir.resolve(), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
