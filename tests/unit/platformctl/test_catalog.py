"""The catalog the pipelines read (`environments`, `applications`) and the build tag (`image-tag`).

The pipelines take every environment, application, stack and lock name from these commands, so
their output is the contract between the configuration and Jenkins: what one configuration
change (an application, an environment) makes appear there is tested here; what the pipelines
do with it is tested in tests/cicd.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from envfiles import copy_environments, delete_value, set_value

from platformctl.exit_codes import ExitCode
from platformctl.main import main

ROOT = Path(__file__).resolve().parents[3]
WORKER = {"image_repository": "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker",
          "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"}, "replicas": 1}


@pytest.fixture(autouse=True)
def no_aws(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing answers: the catalog reads files only
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unused")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unused")
    monkeypatch.chdir(ROOT)


def _run(capsys, *argv: str) -> str:
    assert main(list(argv)) == ExitCode.OK
    return capsys.readouterr().out


def test_environments_are_listed_in_promotion_order(capsys):
    assert _run(capsys, "environments").split() == ["dev", "staging", "prod"]


def test_every_target_names_its_stacks_locks_and_approvers(capsys):
    targets = json.loads(_run(capsys, "environments", "--json"))["targets"]
    assert [(t["name"], t["kind"], t["protected"], t["approvers"]) for t in targets] == [
        ("shared", "shared", True, "platform-admins"), ("dev", "environment", False, "platform-team"),
        ("staging", "environment", True, "platform-team"), ("prod", "environment", True, "platform-admins")]
    prod = targets[-1]
    assert (prod["platform_stack"], prod["lock"], prod["promote_from"]) == ("prod", "platform-prod", ["staging"])
    assert prod["apps"] == {"api": {"stack": "prod-app-api", "lock": "app-prod-api"}}
    assert prod["cluster_config"] == {"stack": "prod-cluster-config", "lock": "platform-prod"}
    assert (targets[0]["platform_stack"], targets[0]["lock"], targets[0]["cluster_config"], targets[0]["apps"]) == (
        "shared", "platform-shared", None, {})


def test_an_environment_without_applications_has_no_cluster_configuration(tmp_path, monkeypatch, capsys):
    """Its only content would switch NetworkPolicy enforcement on, which only the applications' policies need."""
    environments = copy_environments(tmp_path / "environments")
    delete_value(environments, "dev.toml", "apps")
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    targets = {t["name"]: t for t in json.loads(_run(capsys, "environments", "--json"))["targets"]}
    assert (targets["dev"]["cluster_config"], targets["dev"]["apps"]) == (None, {})
    assert targets["staging"]["cluster_config"] == {"stack": "staging-cluster-config", "lock": "platform-staging"}


def test_locks_of_different_applications_and_environments_never_coincide(tmp_path, monkeypatch, capsys):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "apps.worker", WORKER)
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    targets = json.loads(_run(capsys, "environments", "--json"))["targets"]
    locks = [t["lock"] for t in targets] + [a["lock"] for t in targets for a in t["apps"].values()]
    assert len(locks) == len(set(locks)) == 4 + 4
    [dev] = [t for t in targets if t["name"] == "dev"]
    assert dev["apps"]["worker"] == {"stack": "dev-app-worker", "lock": "app-dev-worker"}


def test_applications_name_their_source_and_the_environments_that_run_them(tmp_path, monkeypatch, capsys):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "apps.worker", WORKER)
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    assert _run(capsys, "applications").split() == ["api", "worker"]
    described = json.loads(_run(capsys, "applications", "--json"))
    assert described == {
        "api": {"repository": "https://git.acme.example/acme/api.git", "main_branch": "main",
                "environments": ["dev", "staging", "prod"],
                "urls": {env: f"https://api.{env}.acme.example" for env in ("dev", "staging", "prod")}},
        # no [apps.worker.ingress]: no URL, which the release job refuses before it builds anything
        "worker": {"repository": "https://git.acme.example/acme/worker.git", "main_branch": "main",
                   "environments": ["dev"], "urls": {}},
    }


def test_an_application_without_a_source_is_refused_before_any_pipeline_sees_it(tmp_path, monkeypatch, capsys):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "apps.billing", {**WORKER, "image_repository": WORKER["image_repository"]
                                                        .replace("worker", "billing")})
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    assert main(["applications", "--json"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "apps.billing" in err and "ci.applications" in err and "Traceback" not in err


@pytest.mark.parametrize(("on_main", "tag"), [("true", "main-3f2c1e0"), ("false", "branch-3f2c1e0")])
def test_the_build_tag_says_whether_the_commit_is_on_main(on_main, tag, capsys):
    assert _run(capsys, "image-tag", "--commit", "3f2c1e0", "--on-main", on_main).strip() == tag


@pytest.mark.parametrize("commit", ["3F2C1E0", "3f2c1e", "main", "3f2c1e0; rm -rf /", "-x"])
def test_a_build_tag_names_a_commit_only(commit, capsys):
    assert main(["image-tag", f"--commit={commit}", "--on-main", "true"]) == ExitCode.USAGE
    assert "a build tag names a commit id" in capsys.readouterr().err
