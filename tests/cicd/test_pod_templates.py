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
    used = {line.split(marker)[1].split("'")[0].split("/")[-1]
            for pipeline in (ROOT / "cicd").glob("Jenkinsfile-*") for line in pipeline.read_text().splitlines()
            for marker in ("yamlFile '", "readTrusted('") if marker in line}
    assert used == REFERENCED


def test_zap_gets_a_writable_work_directory_and_knows_it_runs_in_a_container():
    """zap-baseline.py reads -c and writes -r/-J under /zap/wrk, and starts ZAP itself only when it believes it is
    containerized (/.dockerenv, /run/.containerenv or IS_CONTAINERIZED=true: zaproxy docker/zap_common.py)."""
    pod = _pod(ROOT / "cicd" / "pods" / "scanners.yaml")
    [zap] = [container for container in pod["spec"]["containers"] if container["name"] == "zap"]
    assert zap["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {mount["mountPath"]: mount["name"] for mount in zap["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    assert "emptyDir" in volumes[mounts["/zap/wrk"]] and not any(m.get("readOnly") for m in zap["volumeMounts"])
    assert {"name": "IS_CONTAINERIZED", "value": "true"} in zap["env"]


def test_the_zap_rules_file_is_one_zap_loads_and_fails_only_on_listed_rules():
    """The format zap_common.load_config accepts: comments, or <id>TAB<level>TAB<text>; levels IGNORE/INFO/WARN/FAIL."""
    lines = [line for line in (ROOT / "cicd" / "zap" / "baseline-rules.tsv").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines
    levels = {}
    for line in lines:
        assert line.count("\t") >= 2, f"not tab separated: {line!r}"
        rule, level, _ = line.rstrip().split("\t", 2)
        assert rule.isdigit() and level in ("IGNORE", "INFO", "WARN", "FAIL"), line
        assert rule not in levels, f"rule {rule} listed twice"
        levels[rule] = level
    assert {"10010", "10011", "10021", "10035"} <= {rule for rule, level in levels.items() if level == "FAIL"}


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


def test_each_pod_runs_as_the_service_account_whose_identity_the_shared_stack_creates():
    """The build-side pods name the service accounts CiIdentities binds (EKS Pod Identity); the platform
    pod names none: the stage's Kubernetes cloud gives it jenkins-plan or jenkins-apply."""
    from platform_constructs.config.loader import load_platform

    ci = load_platform(ROOT / "environments").shared.ci
    accounts = {path.name: _pod(path)["spec"].get("serviceAccountName") for path in PODS}
    assert accounts == {"image-build.yaml": ci.image_push.service_account,
                        "scanners.yaml": ci.image_scan.service_account,
                        "platform.yaml": None, "app-test.yaml": None}
