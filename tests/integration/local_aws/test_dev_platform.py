"""``make deploy-local`` end to end: the whole dev platform (and shared) comes up in the emulator,
re-plans empty, stays up for inspection, and a destroy of dev leaves its account as it was.

The real Terraform CLI and AWS provider, the synthesized JSON unchanged. What is expected comes
from the configuration (names, CIDR, zones, retention), not from constants. Applying dev takes
about 12 minutes and destroying it about 11: the provider waits 10 minutes before it first checks
a new or deleted OpenSearch domain, against AWS and the emulator alike.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from local_aws import deploy as deploy_local
from local_aws.deploy import BOOTSTRAP, INVENTORY_FILE, SHARED, LocalDeployment
from local_aws.emulator import LocalAws
from platform_constructs.policy.secrets import secret_literals

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow, pytest.mark.e2e]

DEV = "dev"


def _names(items) -> list[str]:
    return sorted(item.split()[0] for item in items)


def test_deploy_local_brings_up_dev_replans_empty_and_destroy_cleans_up(platform, synth_dir, tmp_path, capsys):
    env = platform.environments[DEV]
    prefix = f"{env.naming.prefix}-{DEV}"
    run_dir = tmp_path / "local-aws"
    try:
        assert deploy_local.main(["up", "--env", DEV, "--synth-dir", str(synth_dir), "--run-dir", str(run_dir)]) == 0
        report = capsys.readouterr().out
        for name in (BOOTSTRAP, SHARED, DEV):
            assert f"apply {name}: " in report and "re-plan: no changes" in report.split(f"apply {name}: ")[1]
        assert f"account {env.aws.account_id} ({DEV}, {env.aws.region}):" in report
        assert f"{prefix}-eks" in report and "aws --profile dev" in report
        # progress: one line per stack and resource class, the full Terraform output in a log per stack
        assert f"full Terraform log: {run_dir / 'logs' / 'dev.log'}" in report
        assert re.search(r"dev\s+aws_opensearch_domain\s+still creating 1 of 1, for \d+:\d\d", report)
        assert re.search(r"dev\s+aws_opensearch_domain\s+1 created in \d+:\d\d", report)
        assert "Still creating..." not in report, "Terraform's raw lines go to the log, not the terminal"
        assert "Still creating..." in (run_dir / "logs" / "dev.log").read_text()

        emulator = LocalAws.attach(run_dir)
        assert emulator is not None, "the emulator stays up after deploy-local for inspection"
        local = LocalDeployment(emulator, platform, synth_dir, run_dir)
        for name in (BOOTSTRAP, SHARED, DEV):  # what Terraform applied is the synthesized JSON, byte for byte
            applied = run_dir / "stacks" / name / "cdk.tf.json"
            synthesized = synth_dir / "stacks" / name / "cdk.tf.json"
            assert hashlib.sha256(applied.read_bytes()).digest() == hashlib.sha256(synthesized.read_bytes()).digest()

        inventories = json.loads((run_dir / INVENTORY_FILE).read_text())
        created = local.inventory(DEV)
        assert {kind: list(items) for kind, items in created.items()} == inventories["after"][DEV]
        [vpc] = created["ec2:vpc"]
        assert vpc.endswith(env.network.cidr)
        assert len(created["ec2:subnet"]) == 3 * env.network.az_count  # public, private, isolated per zone
        assert _names(created["eks:cluster"]) == [f"{prefix}-eks"]
        assert _names(created["rds:db-instance"]) == [f"{prefix}-postgres"]
        assert _names(created["elasticache:replication-group"]) == [f"{prefix}-redis"]
        assert _names(created["kafka:cluster"]) == [f"{prefix}-kafka"]
        assert _names(created["opensearch:domain"]) == [f"{prefix}-search"]
        # EKS Auto Mode brings networking, DNS, Pod Identity and storage; dev adds only the HPA's metrics source
        assert _names(created["eks:addon"]) == [f"{prefix}-eks/metrics-server"]
        assert not created["eks:nodegroup"]
        assert created["logs:log-group"] and all(
            f"retention={env.logs.retention_days} kms=yes" in group for group in created["logs:log-group"])
        assert created["kms:key"] and all("rotation=True" in key for key in created["kms:key"])
        shared = local.inventory(SHARED)
        # dev's resources belong to dev's account: the tooling account holds only what the landing zone
        # gives continuous delivery (the CI network and cluster, provisioned before the stacks)
        ci = platform.shared.ci
        assert [vpc.split()[-1] for vpc in shared["ec2:vpc"]] == [ci.network.cidr]
        assert _names(shared["eks:cluster"]) == [ci.cluster_name]
        assert len(shared["ecr:repository"]) == len(platform.shared.registry.repositories)

        state = json.loads(local.account_clients(SHARED)("s3").get_object(
            Bucket=env.state.bucket, Key=env.state.key(DEV))["Body"].read())
        deployed = {f"{resource['type']}.{resource['name']}": instance["attributes"]
                    for resource in state["resources"] if resource["mode"] == "managed"
                    for instance in resource["instances"]}
        assert any(address.startswith("aws_db_instance.") for address in deployed)
        assert list(secret_literals(deployed)) == [], "no secret literal in the deployed state either"

        local.stack(DEV).destroy()
        assert {kind: list(items) for kind, items in local.inventory(DEV).items()} == inventories["before"][DEV]
    finally:
        assert deploy_local.main(["down", "--run-dir", str(run_dir)]) == 0
    assert LocalAws.attach(run_dir) is None and not run_dir.exists()
