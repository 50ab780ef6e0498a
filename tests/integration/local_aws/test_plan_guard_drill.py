"""The plan guard against real prod plans in the emulator.

Part of the prod stack is applied (``-target``: the stateful resource and what it depends on),
then a changed configuration is planned with the real Terraform CLI. The changes are made to
the synthesized JSON, as a code change would make them:

- a change that forces a KMS key to be replaced (prod KMS keys carry no ``prevent_destroy``):
  Terraform plans it, the guard refuses it;
- a change that forces the database to be replaced: ``prevent_destroy`` already stops the plan;
- a refactoring that renames the database construct (new address, old one gone):
  ``prevent_destroy`` leaves with the old configuration, so only the guard stops it;
- the same refactoring of the EKS cluster (the AWS provider 5.x has no EKS deletion protection):
  ``platformctl plan-guard --env prod`` refuses it with exit 3.

An apps namespace cannot be planned here (no kubernetes provider binary on this machine), so its
deletion is judged from a plan in ``terraform show -json`` shape built from the address the
synthesized prod-app-api stack gives it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import ROOT

from local_aws.deploy import PLAN_CHANGES, TerraformFailed
from platformctl.exit_codes import ExitCode
from platformctl.gates.plan_guard import Override, evaluate
from platformctl.main import main as platformctl

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

PROD = "prod"


def _only(config: dict, resource_type: str, contains: str) -> str:
    [name] = [name for name in config["resource"][resource_type] if contains in name]
    return name


def _variant(synth_dir: Path, target: Path, change) -> Path:
    """A copy of the prod stack's JSON with ``change`` applied, laid out like a cdktf.out."""
    config = copy.deepcopy(json.loads((synth_dir / "stacks" / PROD / "cdk.tf.json").read_text()))
    change(config)
    (target / "stacks" / PROD).mkdir(parents=True)
    (target / "stacks" / PROD / "cdk.tf.json").write_text(json.dumps(config, indent=2))
    return target


def _plan_json(deployment, synth_dir: Path, tmp_path: Path) -> tuple[str, Path]:
    stack = deployment.stack(PROD, synth_dir=synth_dir)
    plan_file = tmp_path / "prod.tfplan"
    assert stack.plan(plan_file) == PLAN_CHANGES
    text = stack.show_json(plan_file)
    (tmp_path / "prod.plan.json").write_text(text)
    return text, tmp_path / "prod.plan.json"


@pytest.fixture
def prod_config(synth_dir) -> dict:
    return json.loads((synth_dir / "stacks" / PROD / "cdk.tf.json").read_text())


def test_the_guard_refuses_a_prod_plan_that_replaces_a_kms_key(deployment, platform, synth_dir, prod_config, tmp_path):
    key = _only(prod_config, "aws_kms_key", "LogsKey")
    deployment.apply_prerequisites(PROD)
    deployment.stack(PROD).run("apply", "-input=false", "-auto-approve", f"-target=aws_kms_key.{key}")

    def multi_region(config: dict) -> None:  # changing a key to multi-Region forces a new key
        config["resource"]["aws_kms_key"][key]["multi_region"] = True

    text, plan_file = _plan_json(deployment, _variant(synth_dir, tmp_path / "v2", multi_region), tmp_path)
    address = f"aws_kms_key.{key}"
    protected = platform.environments[PROD].plan_guard.protected
    assert protected is True

    refused = evaluate(text, protected=protected)
    assert [(f.address, f.action) for f in refused.blocked] == [(address, "replace")]
    assert f"{address}: replace" in refused.report()
    assert platformctl(["plan-guard", str(plan_file), "--env", PROD, "--root", str(ROOT)]) == ExitCode.REFUSED

    allowed = evaluate(text, protected=protected, overrides=[Override(address, "logs re-encrypted; CHG-2041")])
    assert allowed.allowed and [f.address for f, _ in allowed.overridden] == [address]
    assert platformctl(["plan-guard", str(plan_file), "--env", PROD, "--root", str(ROOT), "--allow", address,
                        "--reason", "logs re-encrypted; CHG-2041"]) == ExitCode.OK
    # the same plan in an unprotected environment (dev) passes with a warning
    assert evaluate(text, protected=platform.environments["dev"].plan_guard.protected).allowed


def test_prevent_destroy_and_the_guard_both_protect_the_prod_database(deployment, platform, synth_dir, prod_config,
                                                                     tmp_path):
    database = _only(prod_config, "aws_db_instance", "Postgres")
    assert prod_config["resource"]["aws_db_instance"][database]["lifecycle"]["prevent_destroy"] is True
    deployment.apply_prerequisites(PROD)
    deployment.stack(PROD).run("apply", "-input=false", "-auto-approve", f"-target=aws_db_instance.{database}")

    def new_database_name(config: dict) -> None:  # the initial database name cannot change in place
        config["resource"]["aws_db_instance"][database]["db_name"] += "_v2"

    with pytest.raises(TerraformFailed, match="cannot be destroyed"):
        deployment.stack(PROD, synth_dir=_variant(synth_dir, tmp_path / "replace", new_database_name)).plan()

    def renamed_construct(config: dict) -> None:
        _renamed(config, "aws_db_instance", database, "Postgres_Database_Renamed")

    text, _ = _plan_json(deployment, _variant(synth_dir, tmp_path / "rename", renamed_construct), tmp_path)
    refused = evaluate(text, protected=platform.environments[PROD].plan_guard.protected)
    assert [(f.address, f.action, f.reason) for f in refused.blocked] == [
        (f"aws_db_instance.{database}", "delete", "delete_because_no_resource_config")]


def _renamed(config: dict, resource_type: str, name: str, new_name: str) -> None:
    """A refactoring without a ``moved`` block: the resource gets a new address, the old one is gone."""
    renamed = json.loads(json.dumps(config).replace(f"{resource_type}.{name}", f"{resource_type}.{new_name}"))
    renamed["resource"][resource_type][new_name] = renamed["resource"][resource_type].pop(name)
    config.update(renamed)


def test_platformctl_plan_guard_refuses_a_prod_plan_that_deletes_the_eks_cluster(deployment, platform, synth_dir,
                                                                                 prod_config, tmp_path, capsys):
    cluster = _only(prod_config, "aws_eks_cluster", "")
    deployment.apply_prerequisites(PROD)
    deployment.stack(PROD).run("apply", "-input=false", "-auto-approve", f"-target=aws_eks_cluster.{cluster}")

    text, plan_file = _plan_json(deployment, _variant(
        synth_dir, tmp_path / "rename", lambda config: _renamed(config, "aws_eks_cluster", cluster, "Eks_Renamed")),
        tmp_path)
    assert (f"aws_eks_cluster.{cluster}", "delete", "delete_because_no_resource_config") in [
        (f.address, f.action, f.reason) for f in evaluate(text, protected=True).blocked]
    capsys.readouterr()
    assert platformctl(["plan-guard", str(plan_file), "--env", PROD, "--root", str(ROOT)]) == ExitCode.REFUSED
    out = capsys.readouterr().out
    assert f"aws_eks_cluster.{cluster}: delete (delete_because_no_resource_config): loses the cluster" in out


def test_platformctl_plan_guard_refuses_a_prod_plan_that_deletes_an_apps_namespace(platform, stack_json, tmp_path,
                                                                                   capsys):
    app_namespace = platform.environments[PROD].apps["api"].namespace_for("api")  # not its grant job's namespace
    namespaces = stack_json("prod-app-api")["resource"]["kubernetes_namespace_v1"]
    [namespace] = [name for name, body in namespaces.items() if body["metadata"]["name"] == app_namespace]
    address = f"kubernetes_namespace_v1.{namespace}"
    plan = {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {}, "errored": False,
            "resource_changes": [{"address": address, "mode": "managed", "type": "kubernetes_namespace_v1",
                                  "name": namespace, "change": {"actions": ["delete"]},
                                  "action_reason": "delete_because_no_resource_config"}]}
    plan_file = tmp_path / "prod-app-api.plan.json"
    plan_file.write_text(json.dumps(plan))
    assert platformctl(["plan-guard", str(plan_file), "--env", PROD, "--root", str(ROOT)]) == ExitCode.REFUSED
    assert f"{address}: delete (delete_because_no_resource_config): loses the namespace and everything in it" in \
        capsys.readouterr().out
    assert platformctl(["plan-guard", str(plan_file), "--env", "dev", "--root", str(ROOT)]) == ExitCode.OK
