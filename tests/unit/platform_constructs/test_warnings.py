"""Warnings carry stable ids: ``[platform:<domain>:<name>] message`` in the synth output, one id per risk."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.compute.eks_props import EksProps
from platform_constructs.config import load_platform
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings

LIBRARY = Path(__file__).resolve().parents[3] / "constructs" / "platform_constructs"


def warnings_of(outdir: Path, stack: str) -> list[tuple[str, str]]:
    """``(construct path, message)`` of every warning cdktf recorded for ``stack``."""
    annotations = json.loads((outdir / "manifest.json").read_text())["stacks"][stack]["annotations"]
    return [(entry["constructPath"], entry["message"]) for entry in annotations if entry["level"] == "@cdktf/warn"]


def warning_ids_in_source() -> list[str]:
    """The literal ids of every ``warn(scope, "<id>", ...)`` call in the library."""
    ids = []
    for path in LIBRARY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "warn"
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)):
                ids.append(node.args[1].value)
    return ids


def test_warning_ids_are_well_formed_and_unique():
    from platform_constructs._internal.annotations import WARNING_ID

    ids = warning_ids_in_source()
    assert {"platform:eks:publicEndpoint", "platform:monitoring:noSubscribers"} <= set(ids)
    assert [warning_id for warning_id in ids if not WARNING_ID.match(warning_id)] == []
    assert len(ids) == len(set(ids))


def test_a_badly_formed_id_is_refused(tmp_path):
    from platform_constructs._internal.annotations import warn
    from platform_constructs._internal.tf import App, TerraformStack

    stack = TerraformStack(App(outdir=str(tmp_path)), "test")
    with pytest.raises(ValueError, match="must look like platform:<domain>:<camelCaseName>"):
        warn(stack, "eks-public-endpoint", "anything")


def test_a_public_eks_endpoint_warns_with_its_id(tmp_path):
    from platform_constructs._internal.tf import App, TerraformStack, aws
    from platform_constructs.compute.eks_cluster import EksCluster

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "test")
    aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
    EksCluster(stack, "Eks", props=EksProps(endpoint_public_access=True, public_access_cidrs=("203.0.113.0/24",)),
               naming=Naming("acme", "test"), subnet_ids=["subnet-a", "subnet-b"],
               logs=LogSettings(retention_days=90, kms_key_arn="arn:aws:kms:eu-west-1:111111111111:key/logs"))
    app.synth()
    assert warnings_of(tmp_path, "test") == [(
        "test/Eks", "[platform:eks:publicEndpoint] the Kubernetes API endpoint is reachable from the internet for "
        "['203.0.113.0/24']; staging and prod refuse it, prefer the private endpoint through a VPN or bastion")]


def test_alarms_without_subscribers_warn_with_their_id(tmp_path):
    from platform_constructs._internal.tf import App
    from platform_constructs.stacks.platform import PlatformStack

    directory = copy_environments(tmp_path / "environments")
    set_value(directory, "staging.toml", "monitoring.topic.subscribers", [])
    set_value(directory, "prod.toml", "monitoring.topic.subscribers", [])  # staging matches prod
    app = App(outdir=str(tmp_path / "out"))
    PlatformStack(app, load_platform(directory).environments["staging"])
    app.synth()
    assert [(path, message.split("]")[0]) for path, message in warnings_of(tmp_path / "out", "staging")] == [
        ("staging/AlarmTopic", "[platform:monitoring:noSubscribers")]
