"""The Jenkins agent pod templates (cicd/pods/*.yaml) are valid, hardened Kubernetes Pods.

Validated offline against the Kubernetes OpenAPI schema (kubernetes-validate, strict: unknown
fields rejected) for the EKS version the environments run. The Kubernetes plugin adds the pod's
name and the jnlp container itself.
"""

from __future__ import annotations

import copy
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PODS = sorted((ROOT / "cicd" / "pods").glob("*.yaml"))
REFERENCED = {"platform.yaml", "image-build.yaml", "app-test.yaml", "scanners.yaml"}


def _pod(path: Path) -> dict:
    pod = yaml.safe_load(path.read_text())
    pod["metadata"]["name"] = "jenkins-agent"  # given by the Kubernetes plugin
    return pod


def _validate(pod: dict, version: str) -> None:
    kubernetes_validate.validate(pod, version, strict=True)


def test_the_pod_files_are_exactly_the_ones_the_pipelines_use():
    assert {path.name for path in PODS} == REFERENCED
    used = {line.split("yamlFile '")[1].split("'")[0].split("/")[-1]
            for pipeline in (ROOT / "cicd").glob("Jenkinsfile-*") for line in pipeline.read_text().splitlines()
            if "yamlFile '" in line}
    assert used == REFERENCED


@pytest.mark.parametrize("path", PODS, ids=lambda p: p.name)
def test_pod_validates_against_the_clusters_kubernetes_schema(path, platform):
    versions = {env.eks.kubernetes_version for env in platform.environments.values()}
    for version in sorted(versions):
        _validate(_pod(path), f"{version}.0")


def test_the_schema_check_rejects_a_misspelt_field(platform):
    pod = copy.deepcopy(_pod(PODS[0]))
    pod["spec"]["securityContext"]["runAsNonRot"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(pod, f"{platform.environments['prod'].eks.kubernetes_version}.0")


@pytest.mark.parametrize("path", PODS, ids=lambda p: p.name)
def test_pod_runs_as_non_root_without_privilege_escalation_and_within_limits(path):
    pod = _pod(path)
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert pod["spec"]["automountServiceAccountToken"] is False
    assert pod["spec"]["containers"], f"{path}: no container"
    for container in pod["spec"]["containers"]:
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, container["name"]
        assert container["securityContext"].get("privileged", False) is False
        assert {"cpu", "memory"} <= set(container["resources"]["limits"]), container["name"]
        assert container["imagePullPolicy"] == "Always"
