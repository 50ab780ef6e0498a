"""Plan guard: which planned changes refuse a plan, overrides, bad input, and the command line.

Plans here are written in the shape of ``terraform show -json PLANFILE`` (format 1.2); the
emulator tests (tests/integration/emulator/test_plan_guard_drill.py) feed it real plans.
"""

from __future__ import annotations

import json

import pytest

from platformctl.gates.plan_guard import (
    EXIT_ALLOWED,
    EXIT_INVALID,
    EXIT_REFUSED,
    STATEFUL_TYPES,
    Override,
    PlanGuardError,
    evaluate,
    main,
)


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
    assert result.exit_code == (EXIT_REFUSED if expected else EXIT_ALLOWED)


@pytest.mark.parametrize("resource_type", sorted(STATEFUL_TYPES))
def test_every_stateful_type_is_guarded(resource_type):
    result = evaluate(plan(change(f"{resource_type}.x", "delete", "create")), protected=True)
    assert [f.resource_type for f in result.blocked] == [resource_type]


def test_the_brief_stateful_types_are_all_covered():
    assert {"aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group", "aws_msk_cluster",
            "aws_opensearch_domain", "aws_s3_bucket", "aws_kms_key", "aws_ecr_repository"} <= STATEFUL_TYPES


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
    assert "override for aws_db_instance.mian matches nothing" in result.report()


def test_the_refusal_names_each_resource_action_and_reason():
    result = evaluate(plan(change(DB, "delete", "create", reason="replace_because_cannot_update")), protected=True)
    report = result.report()
    assert "REFUSED" in report
    assert "aws_db_instance.main: replace (replace_because_cannot_update)" in report
    assert "--allow ADDRESS --reason" in report


def test_result_as_json():
    result = evaluate(plan(change(DB, "delete")), protected=True)
    assert result.to_dict() == {
        "allowed": False, "protected": True,
        "blocked": [{"address": DB, "type": "aws_db_instance", "action": "delete", "reason": None, "deposed": None}],
        "findings": [{"address": DB, "type": "aws_db_instance", "action": "delete", "reason": None, "deposed": None}],
        "overridden": [], "unused_overrides": [],
    }


def test_plan_text_is_accepted_as_well_as_parsed_json():
    assert not evaluate(json.dumps(plan(change(DB, "delete"))), protected=True).allowed


def test_stateful_types_can_be_widened():
    table = plan(change("aws_dynamodb_table.sessions", "delete"))
    assert evaluate(table, protected=True).allowed
    assert not evaluate(table, protected=True, stateful_types=STATEFUL_TYPES | {"aws_dynamodb_table"}).allowed


BAD_INPUTS = [
    ("not JSON", "terraform plan output, not json", "plan is not JSON"),
    ("JSON but not Terraform", {"resources": []}, "no format_version"),
    ("a state, not a plan", {"format_version": "1.0", "values": {"root_module": {}}}, "not a plan"),
    ("an errored plan", {"format_version": "1.2", "planned_values": {}, "errored": True}, "the plan errored"),
    ("a JSON list", [], "no format_version"),
]


@pytest.mark.parametrize(("case", "plan_json", "message"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_unusable_plans_are_refused_with_the_reason(case, plan_json, message):
    with pytest.raises(PlanGuardError, match=message):
        evaluate(plan_json if not isinstance(plan_json, str) else plan_json, protected=True)


BAD_OVERRIDES = [
    ("reason too short", DB, "because", "override.reason = 'because' (for aws_db_instance.main): must explain"),
    ("reason only blanks", DB, "            ", "at least 10 characters"),
    ("empty address", "", "a perfectly good reason", "override.address = '': must be a resource address"),
]


@pytest.mark.parametrize(("case", "address", "reason", "message"), BAD_OVERRIDES, ids=[c[0] for c in BAD_OVERRIDES])
def test_overrides_need_an_address_and_a_real_reason(case, address, reason, message):
    with pytest.raises(PlanGuardError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Override(address, reason)


# --- command line ---------------------------------------------------------------------------

@pytest.fixture()
def destructive_plan(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(change(DB, "delete", "create", reason="replace_because_cannot_update"),
                                    change("aws_subnet.a", "delete"))))
    return path


def test_cli_refuses_a_destructive_plan_when_protected(destructive_plan, capsys):
    assert main([str(destructive_plan), "--protect"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "aws_db_instance.main: replace (replace_because_cannot_update)" in err
    assert "aws_subnet.a" not in err


def test_cli_allows_it_with_an_override_and_a_reason(destructive_plan, capsys):
    assert main([str(destructive_plan), "--protect", "--allow", DB, "--reason", "rebuilt from snapshot CHG-42"]) == 0
    assert "overridden: aws_db_instance.main: replace" in capsys.readouterr().out


def test_cli_without_protection_warns_and_allows(destructive_plan, capsys):
    assert main([str(destructive_plan)]) == EXIT_ALLOWED
    assert "not protected" in capsys.readouterr().out


def test_cli_reads_the_plan_from_stdin(destructive_plan, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(destructive_plan.read_text()))
    assert main(["-", "--protect"]) == EXIT_REFUSED


def test_cli_json_output(destructive_plan, capsys):
    assert main([str(destructive_plan), "--protect", "--json"]) == EXIT_REFUSED
    assert json.loads(capsys.readouterr().out)["blocked"][0]["address"] == DB


@pytest.mark.parametrize(("environment", "expected"), [
    ("dev", EXIT_ALLOWED), ("staging", EXIT_REFUSED), ("prod", EXIT_REFUSED), ("shared", EXIT_REFUSED),
])
def test_cli_takes_protection_from_the_environment_configuration(destructive_plan, environment, expected):
    from conftest import ENVIRONMENTS

    assert main([str(destructive_plan), "--env", environment, "--environments", str(ENVIRONMENTS)]) == expected


CLI_ERRORS = [
    ("--allow without --reason", ["--protect", "--allow", DB], "1 --allow but 0 --reason"),
    ("reason too short", ["--protect", "--allow", DB, "--reason", "ok"], "override.reason = 'ok'"),
    ("unknown environment", ["--env", "qa"], "--env = 'qa': no such environment; known: shared, dev, prod, staging"),
]


@pytest.mark.parametrize(("case", "args", "message"), CLI_ERRORS, ids=[c[0] for c in CLI_ERRORS])
def test_cli_bad_arguments_exit_2_naming_the_problem(destructive_plan, case, args, message, capsys):
    from conftest import ENVIRONMENTS

    assert main([str(destructive_plan), "--environments", str(ENVIRONMENTS), *args]) == EXIT_INVALID
    assert message in capsys.readouterr().err


def test_cli_missing_plan_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "missing.json"), "--protect"]) == EXIT_INVALID
    assert "cannot read plan" in capsys.readouterr().err


def test_cli_protect_and_env_are_exclusive(destructive_plan):
    with pytest.raises(SystemExit) as exit_info:
        main([str(destructive_plan), "--protect", "--env", "prod"])
    assert exit_info.value.code == EXIT_INVALID
