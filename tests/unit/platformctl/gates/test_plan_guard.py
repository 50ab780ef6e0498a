"""Plan guard: which planned changes refuse a plan, overrides, and the ``platformctl plan-guard`` command.

Plans here are written in the shape of ``terraform show -json PLANFILE`` (format 1.2); the
emulator drill (tests/integration/local_aws/test_plan_guard_drill.py) feeds it real plans, and
tests/adversarial/ holds the table of malformed inputs.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from platformctl.exit_codes import ExitCode
from platformctl.gates.plan_guard import (
    STATEFUL,
    STATELESS,
    Override,
    PlanGuardError,
    classification,
    evaluate,
)
from platformctl.main import main


def change(address: str, *actions: str, reason: str | None = None, mode: str = "managed",
           deposed: str | None = None) -> dict:
    resource_type = address.split(".")[-2] if not address.startswith("data.") else address.split(".")[1]
    entry = {"address": address, "mode": mode, "type": resource_type, "name": address.split(".")[-1],
             "change": {"actions": list(actions)}}
    if reason:
        entry["action_reason"] = reason
    if deposed:
        entry["deposed"] = deposed
    return entry


def plan(*changes: dict) -> dict:
    return {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {},
            "resource_changes": list(changes)}


DB = "aws_db_instance.main"

# (case, plan, protected, blocked addresses and actions)
CASES = [
    ("nothing changes", plan(change(DB, "no-op")), True, []),
    ("stateful resource created", plan(change(DB, "create")), True, []),
    ("stateful resource updated in place", plan(change(DB, "update")), True, []),
    ("stateful resource deleted", plan(change(DB, "delete", reason="delete_because_no_resource_config")), True,
     [(DB, "delete")]),
    ("stateful resource replaced, destroy first", plan(change(DB, "delete", "create",
                                                              reason="replace_because_cannot_update")), True,
     [(DB, "replace")]),
    ("stateful resource replaced, create first", plan(change(DB, "create", "delete")), True, [(DB, "replace")]),
    ("deposed object of a stateful resource deleted", plan(change(DB, "delete", deposed="1a2b3c4d")), True,
     [(DB, "delete")]),
    ("resource in a module replaced", plan(change("module.data.aws_rds_cluster.main", "delete", "create")), True,
     [("module.data.aws_rds_cluster.main", "replace")]),
    ("stateless resource deleted", plan(change("aws_subnet.private_a", "delete")), True, []),
    ("unclassified resource type deleted: guarded (fail closed)", plan(change("aws_dynamodb_table_item.x", "delete")),
     True, [("aws_dynamodb_table_item.x", "delete")]),
    ("EKS cluster replaced", plan(change("aws_eks_cluster.main", "delete", "create")), True,
     [("aws_eks_cluster.main", "replace")]),
    ("apps namespace deleted", plan(change("kubernetes_namespace_v1.api", "delete")), True,
     [("kubernetes_namespace_v1.api", "delete")]),
    ("state bucket versioning destroyed", plan(change("aws_s3_bucket_versioning.state", "delete")), True,
     [("aws_s3_bucket_versioning.state", "delete")]),
    ("log group deleted", plan(change("aws_cloudwatch_log_group.flow", "delete")), True,
     [("aws_cloudwatch_log_group.flow", "delete")]),
    ("stateless resource replaced", plan(change("aws_launch_template.nodes", "delete", "create")), True, []),
    ("data source read", plan(change("data.aws_db_instance.main", "read", mode="data")), True, []),
    ("removed from state only (removed block, destroy = false)", plan(change(DB, "forget")), True, []),
    ("several stateful resources go", plan(
        change("aws_s3_bucket.state", "delete"), change("aws_kms_key.logs", "delete", "create"),
        change("aws_msk_cluster.kafka", "update"), change("aws_ecr_repository.api", "delete")), True,
     [("aws_s3_bucket.state", "delete"), ("aws_kms_key.logs", "replace"), ("aws_ecr_repository.api", "delete")]),
    ("unprotected environment: stateful resource deleted", plan(change(DB, "delete")), False, []),
    ("plan without resource_changes (no changes at all)",
     {"format_version": "1.2", "planned_values": {}}, True, []),
]


@pytest.mark.parametrize(("case", "plan_json", "protected", "expected"), CASES, ids=[c[0] for c in CASES])
def test_blocked_changes(case, plan_json, protected, expected):
    result = evaluate(plan_json, protected=protected)
    assert [(f.address, f.action) for f in result.blocked] == expected
    assert result.allowed is (not expected)
    assert result.exit_code == (ExitCode.REFUSED if expected else ExitCode.OK)


@pytest.mark.parametrize("resource_type", sorted(STATEFUL))
def test_every_stateful_type_is_guarded_and_says_what_it_loses(resource_type):
    result = evaluate(plan(change(f"{resource_type}.x", "delete", "create")), protected=True)
    assert [f.resource_type for f in result.blocked] == [resource_type]
    assert STATEFUL[resource_type] in result.report()


@pytest.mark.parametrize("resource_type", sorted(STATELESS))
def test_stateless_types_may_be_replaced_even_when_protected(resource_type):
    assert evaluate(plan(change(f"{resource_type}.x", "delete", "create")), protected=True).allowed


def test_the_table_is_one_classification_per_type():
    assert STATEFUL and STATELESS and not set(STATEFUL) & STATELESS
    assert classification("aws_eks_cluster") == "stateful" and classification("aws_subnet") == "stateless"
    assert classification("aws_new_thing") == "unclassified"


def test_the_issue_types_are_stateful():
    assert {"aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group", "aws_msk_cluster",
            "aws_opensearch_domain", "aws_s3_bucket", "aws_kms_key", "aws_ecr_repository", "aws_eks_cluster",
            "aws_cloudwatch_log_group", "kubernetes_namespace_v1", "kubernetes_deployment_v1",
            "aws_s3_bucket_versioning", "aws_secretsmanager_secret", "aws_route53_zone", "aws_lb",
            "aws_acm_certificate", "aws_wafv2_web_acl"} <= set(STATEFUL)


def test_unprotected_environments_still_see_the_findings():
    result = evaluate(plan(change(DB, "delete")), protected=False)
    assert result.allowed
    assert [f.address for f in result.findings] == [DB]
    assert "not protected" in result.report() and DB in result.report()


def test_an_override_allows_exactly_its_address():
    destructive = plan(change(DB, "delete", "create"), change("aws_s3_bucket.assets", "delete"))
    result = evaluate(destructive, protected=True, overrides=[Override(DB, "restored from snapshot, checked by QA")])
    assert [f.address for f in result.blocked] == ["aws_s3_bucket.assets"]
    assert [(f.address, o.reason) for f, o in result.overridden] == [(DB, "restored from snapshot, checked by QA")]
    assert not result.allowed


def test_overrides_for_every_finding_allow_the_plan_and_are_reported():
    result = evaluate(plan(change(DB, "delete")), protected=True,
                      overrides=[Override(DB, "decommissioned per CHG-1234")])
    assert result.allowed
    assert "overridden: aws_db_instance.main: delete: decommissioned per CHG-1234" in result.report()


def test_an_override_that_matches_nothing_is_reported_as_unused():
    result = evaluate(plan(change(DB, "delete")), protected=True,
                      overrides=[Override("aws_db_instance.mian", "typo in the address here")])
    assert not result.allowed
    assert [o.address for o in result.unused_overrides] == ["aws_db_instance.mian"]
    assert "--allow aws_db_instance.mian matches nothing" in result.report()


def test_the_refusal_names_each_resource_action_reason_and_loss():
    result = evaluate(plan(change(DB, "delete", "create", reason="replace_because_cannot_update")), protected=True)
    report = result.report()
    assert "REFUSED" in report
    assert "aws_db_instance.main: replace (replace_because_cannot_update): loses the database" in report
    assert "--allow ADDRESS [--allow ADDRESS]... --reason" in report


def test_result_as_json():
    result = evaluate(plan(change(DB, "delete")), protected=True)
    assert result.to_dict() == {
        "allowed": False, "protected": True,
        "blocked": [{"address": DB, "type": "aws_db_instance", "action": "delete", "reason": None, "deposed": None}],
        "findings": [{"address": DB, "type": "aws_db_instance", "action": "delete", "reason": None, "deposed": None}],
        "overridden": [], "unused_overrides": [],
    }


def test_plan_text_and_bytes_are_accepted_as_well_as_parsed_json():
    assert not evaluate(json.dumps(plan(change(DB, "delete"))), protected=True).allowed
    assert not evaluate(json.dumps(plan(change(DB, "delete"))).encode(), protected=True).allowed


BAD_OVERRIDES = [
    ("reason too short", DB, "because", "--reason 'because' (for aws_db_instance.main): must explain"),
    ("reason only blanks", DB, "            ", "at least 10 characters"),
    ("empty address", "", "a perfectly good reason", "--allow '': must be a resource address"),
]


@pytest.mark.parametrize(("case", "address", "reason", "message"), BAD_OVERRIDES, ids=[c[0] for c in BAD_OVERRIDES])
def test_overrides_need_an_address_and_a_real_reason(case, address, reason, message):
    with pytest.raises(PlanGuardError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Override(address, reason)


# --- platformctl plan-guard ---------------------------------------------------------------------

@pytest.fixture
def destructive_plan(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(change(DB, "delete", "create", reason="replace_because_cannot_update"),
                                    change("aws_subnet.a", "delete"))))
    return path


@pytest.fixture(autouse=True)
def repository_environments(monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)


def test_cli_refuses_a_destructive_plan_in_prod(destructive_plan, capsys):
    assert main(["plan-guard", str(destructive_plan), "--env", "prod"]) == ExitCode.REFUSED
    captured = capsys.readouterr()
    assert "aws_db_instance.main: replace (replace_because_cannot_update)" in captured.out
    assert "aws_subnet.a" not in captured.out
    assert "the plan guard refused" in captured.err and "prod (protected environment)" in captured.err


def test_cli_allows_it_with_an_override_and_a_reason(destructive_plan, capsys):
    assert main(["plan-guard", str(destructive_plan), "--env", "prod", "--allow", DB,
                 "--reason", "rebuilt from snapshot CHG-42"]) == ExitCode.OK
    assert "overridden: aws_db_instance.main: replace" in capsys.readouterr().out


def test_cli_warns_and_allows_in_unprotected_dev(destructive_plan, capsys):
    assert main(["plan-guard", str(destructive_plan), "--env", "dev"]) == ExitCode.OK
    assert "not protected" in capsys.readouterr().out


def test_cli_reads_the_plan_from_stdin(destructive_plan, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(destructive_plan.read_bytes())))
    assert main(["plan-guard", "-", "--env", "prod"]) == ExitCode.REFUSED


def test_cli_json_output(destructive_plan, capsys):
    assert main(["plan-guard", str(destructive_plan), "--env", "prod", "--json"]) == ExitCode.REFUSED
    assert json.loads(capsys.readouterr().out)["blocked"][0]["address"] == DB


@pytest.mark.parametrize(("environment", "expected"), [
    ("dev", ExitCode.OK), ("staging", ExitCode.REFUSED), ("prod", ExitCode.REFUSED), ("shared", ExitCode.REFUSED),
])
def test_cli_takes_protection_from_the_registry_and_configuration(destructive_plan, environment, expected):
    assert main(["plan-guard", str(destructive_plan), "--env", environment]) == expected


def test_the_module_form_is_an_alias_of_the_subcommand(destructive_plan):
    done = subprocess.run([sys.executable, "-m", "platformctl.gates.plan_guard", str(destructive_plan), "--env",
                           "prod"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == ExitCode.REFUSED, done.stdout + done.stderr
