"""LocalAws: a local AWS emulator (moto server) on 127.0.0.1, for Terraform, boto3 and the AWS CLI.

The emulator runs in its own process (:mod:`.emulator_server`) with the model adjustments of
:mod:`.emulator_adjustments`, on a port the kernel picks, bound to the loopback interface only.
Terraform and boto3 reach it through environment variables alone (:attr:`LocalAws.env`):
``AWS_ENDPOINT_URL``, test credentials and the region. The synthesized stacks are unchanged:
their providers still assume ``arn:aws:iam::<account>:role/<deployer>`` and refuse other
accounts, so the launcher creates those deployer roles (:meth:`LocalAws.create_role`), as the
landing zone does in AWS.

Two ways to use it::

    with LocalAws(account_id="444444444444", region="eu-west-1") as aws:   # tests
        subprocess.run(["terraform", "apply"], env=aws.process_env())

    aws = LocalAws(..., run_dir=Path(".local-aws/dev"), detach=True).start()  # deploy-local
    LocalAws.attach(Path(".local-aws/dev")).stop()                              # deploy-local-down
"""

from __future__ import annotations

import atexit
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from local_aws import tls as emulator_tls
from local_aws.server import LOOPBACK

#: Credentials the emulator accepts; they select the emulator's default account.
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
#: Written into the run directory of a detached emulator, read back by :meth:`LocalAws.attach`.
STATE_FILE = "emulator.json"
LOG_FILE = "emulator.log"
_READY_FILE = "emulator.port"
_START_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 10.0


class EmulatorError(RuntimeError):
    """The emulator did not start, or is not running."""


class LocalAws:
    """One moto server process holding every account and region of a local deployment.

    Args:
        account_id: the default account: the one the test credentials act in (the tooling
            account that holds the state buckets, as a CI agent's credentials would).
        region: region written into :attr:`env`.
        run_dir: where the log and, when detached, the state file go. Default: a temporary
            directory removed by :meth:`stop`.
        detach: keep running after this Python process exits (``make deploy-local``); stop it
            later with ``LocalAws.attach(run_dir).stop()``.
    """

    def __init__(self, *, account_id: str, region: str, run_dir: Path | None = None, detach: bool = False) -> None:
        if detach and run_dir is None:
            raise ValueError("detach=True needs a run_dir: the state file is how the emulator is found again")
        self.account_id = account_id
        self.region = region
        self.detach = detach
        self._owns_run_dir = run_dir is None
        self.run_dir = Path(run_dir) if run_dir is not None else Path(tempfile.mkdtemp(prefix="local-aws-"))
        self.port: int | None = None
        self.pid: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> LocalAws:
        """Start the server and wait until it answers; returns ``self``."""
        if self.pid is not None:
            raise EmulatorError(f"emulator already started (pid {self.pid}, port {self.port})")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        ready = self.run_dir / _READY_FILE
        ready.unlink(missing_ok=True)
        tls = emulator_tls.issue(self.run_dir / "tls")
        env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MOTO_"))}
        env["PYTHONUNBUFFERED"] = "1"
        with (self.run_dir / LOG_FILE).open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local_aws.server", "--account", self.account_id,
                 "--ready-file", str(ready),
                 "--cert", str(tls.certificate), "--key", str(tls.private_key)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=self.detach,
            )
        self.pid = self._process.pid
        if not self.detach:
            atexit.register(self.stop)
        self.port = self._wait_for_port(ready)
        if self.detach:
            self._write_state()
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and forget it."""
        if self.pid is None:
            return
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        elif _alive(self.pid):
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + _STOP_TIMEOUT_S
            while _alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(self.pid):
                os.kill(self.pid, signal.SIGKILL)
        self.pid = self.port = self._process = None
        (self.run_dir / STATE_FILE).unlink(missing_ok=True)
        if self._owns_run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> LocalAws:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    @classmethod
    def attach(cls, run_dir: Path) -> LocalAws | None:
        """The detached emulator recorded in ``run_dir``, or ``None`` when none is running there."""
        state_file = Path(run_dir) / STATE_FILE
        if not state_file.is_file():
            return None
        state = json.loads(state_file.read_text())
        if not _is_emulator(state["pid"]) or not _answers(state["port"]):
            state_file.unlink()
            return None
        emulator = cls(account_id=state["account_id"], region=state["region"], run_dir=Path(run_dir), detach=True)
        emulator.pid, emulator.port = state["pid"], state["port"]
        return emulator

    # --- what clients need -----------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """``https://127.0.0.1:<port>``."""
        if self.port is None:
            raise EmulatorError("emulator is not running")
        return f"https://{LOOPBACK}:{self.port}"

    @property
    def ca_bundle(self) -> Path:
        """Certificate authority of the emulator's TLS certificate (``AWS_CA_BUNDLE``)."""
        return self.run_dir / "tls" / "ca.pem"

    @property
    def env(self) -> dict[str, str]:
        """Variables that point Terraform, boto3 and the AWS CLI at the emulator, and nothing else."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CA_BUNDLE": str(self.ca_bundle),
            **TEST_CREDENTIALS,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            # never fall back to an instance profile of the machine running the tests
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def process_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) without any ``AWS_*`` setting, plus :attr:`env`.

        Dropping inherited ``AWS_*`` values (profiles, session tokens, config files) keeps real
        credentials from ever reaching a process aimed at the emulator.
        """
        source = os.environ if base is None else base
        clean = {key: value for key, value in source.items() if not key.startswith("AWS_")}
        # an empty config file: no profile of the user can add endpoints, roles or SSO
        clean.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
        return {**clean, **self.env}

    def client(self, service: str, *, role_arn: str | None = None) -> Any:
        """A boto3 client for the emulator; with ``role_arn`` it acts as that role (in its account)."""
        import boto3

        session = boto3.Session(aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                region_name=self.region)
        if role_arn is not None:
            credentials = session.client("sts", endpoint_url=self.endpoint, verify=str(self.ca_bundle)).assume_role(
                RoleArn=role_arn, RoleSessionName="local-aws")["Credentials"]
            session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"], region_name=self.region)
        return session.client(service, endpoint_url=self.endpoint, verify=str(self.ca_bundle))

    def create_role(self, account_id: str, role_name: str, *, trusted_account_id: str | None = None) -> str:
        """Create ``role_name`` in ``account_id``, assumable from ``trusted_account_id`` (default: the default account).

        In AWS the landing zone creates the deployer roles; here the launcher does, so that the
        stacks' ``assume_role`` works unchanged. Idempotent; returns the role ARN.
        """
        iam = self.client("iam")
        # moto's documented way to act in another account without credentials there
        iam.meta.events.register("before-sign.iam.*", lambda request, **_: request.headers.__setitem__(
            "x-moto-account-id", account_id))
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": f"arn:aws:iam::{trusted_account_id or self.account_id}:root"},
        }]}
        try:
            role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        except iam.exceptions.EntityAlreadyExistsException:
            role = iam.get_role(RoleName=role_name)["Role"]
        arn: str = role["Arn"]
        return arn

    def provision_ci_hub(self, *, cluster_name: str, cidr: str, transit_gateway_id: str,
                         participants: list[str]) -> None:
        """Create, in the default (tooling) account, what the landing zone gives continuous delivery: the CI
        VPC with the CI cluster, and the hub transit gateway (with the id the configuration declares) shared
        through AWS RAM with the environment accounts. Idempotent."""
        ec2, eks, ram = self.client("ec2"), self.client("eks"), self.client("ram")
        if cluster_name not in eks.list_clusters()["clusters"]:
            vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            network = ipaddress.IPv4Network(cidr)
            halves = list(network.subnets(prefixlen_diff=1))
            subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=str(half), AvailabilityZone=f"{self.region}{zone}")
                       ["Subnet"]["SubnetId"] for half, zone in zip(halves, "ab", strict=True)]
            eks.create_cluster(name=cluster_name, roleArn=f"arn:aws:iam::{self.account_id}:role/{cluster_name}",
                               resourcesVpcConfig={"subnetIds": subnets})
        if not ec2.describe_transit_gateways(Filters=[{"Name": "transit-gateway-id", "Values": [transit_gateway_id]}])[
                "TransitGateways"]:
            gateway = ec2.create_transit_gateway(
                Description="CI hub (landing zone)", Options={"AutoAcceptSharedAttachments": "enable"},
                TagSpecifications=[{"ResourceType": "transit-gateway",
                                    "Tags": [{"Key": "_custom_id_", "Value": transit_gateway_id}]}],
            )["TransitGateway"]
            ram.create_resource_share(name="ci-hub", resourceArns=[gateway["TransitGatewayArn"]],
                                      principals=participants, allowExternalPrincipals=True)

    # --- internals --------------------------------------------------------------------------

    def _wait_for_port(self, ready: Path) -> int:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process is not None and (code := self._process.poll()) is not None:
                self.pid = self._process = None
                raise EmulatorError(f"emulator exited with code {code}; log:\n{self._log_tail()}")
            if ready.is_file():
                port = int(ready.read_text())
                if _answers(port):
                    return port
            time.sleep(0.1)
        self.stop()
        raise EmulatorError(f"emulator did not answer within {_START_TIMEOUT_S:.0f} s; log:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        log = self.run_dir / LOG_FILE
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.is_file() else "(no log)"

    def _write_state(self) -> None:
        state = {"pid": self.pid, "port": self.port, "account_id": self.account_id, "region": self.region}
        (self.run_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child that has exited: reaped now
            return False
    except ChildProcessError:
        pass  # not our child: the kill(0) probe below decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_emulator(pid: int) -> bool:
    """Whether ``pid`` runs the emulator server (so a recycled pid is never signalled)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return _alive(pid)  # no /proc here: the port check in attach() has to do
    return b"local_aws.server" in cmdline.read_bytes()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False
