"""The exact kubectl and ``aws eks`` command lines run against a workload (no cluster runs here)."""

from __future__ import annotations

import pytest

from platformctl.release.kubectl import Workload

WORKLOAD = Workload(cluster="acme-prod-eks", region="eu-west-1", namespace="payments", deployment="api",
                    container="api", role_arn="arn:aws:iam::333333333333:role/platform-deployer")
KUBECTL = ["kubectl", "--context", "acme-prod-eks", "--namespace", "payments"]


def test_kubeconfig_context_is_named_after_the_cluster_and_uses_the_deploy_role():
    assert list(WORKLOAD.update_kubeconfig().argv) == [
        "aws", "eks", "update-kubeconfig", "--name", "acme-prod-eks", "--region", "eu-west-1",
        "--alias", "acme-prod-eks", "--role-arn", "arn:aws:iam::333333333333:role/platform-deployer"]


def test_without_a_role_the_callers_identity_is_used():
    workload = Workload("c", "eu-west-1", "ns", "api", "api")
    assert "--role-arn" not in workload.update_kubeconfig().argv


@pytest.mark.parametrize(("command", "expected"), [
    (WORKLOAD.rollout_status(300), ["rollout", "status", "deployment/api", "--timeout=300s"]),
    (WORKLOAD.rollout_undo(), ["rollout", "undo", "deployment/api"]),
    (WORKLOAD.rollout_undo(to_revision=7), ["rollout", "undo", "deployment/api", "--to-revision=7"]),
    (WORKLOAD.running_image(), ["get", "deployment/api", "--output",
                                'jsonpath={.spec.template.spec.containers[?(@.name=="api")].image}']),
], ids=["status", "undo", "undo-to-revision", "running-image"])
def test_kubectl_commands_address_the_workload_by_context_and_namespace(command, expected):
    assert list(command.argv) == KUBECTL + expected


def test_commands_print_as_shell_command_lines():
    assert str(WORKLOAD.running_image()).endswith(
        """'jsonpath={.spec.template.spec.containers[?(@.name=="api")].image}'""")
