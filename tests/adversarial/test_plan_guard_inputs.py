"""Adversarial plan-guard input through ``platformctl plan-guard``: unusable input exits 2, never 3, never a traceback.

Exit 3 (REFUSED) means "this plan deletes something it must not"; a file that is not a plan must
never be mistaken for one, and a plan must never pass because its shape confused the reader.
The second table holds well-formed plans the guard must refuse in prod.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from adversarial.harness import ROOT, assert_refused, run_platformctl

from platformctl.exit_codes import ExitCode

DB = "aws_db_instance.main"


def plan(*changes: Any, **top: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {}, **top,
            "resource_changes": list(changes)}


def change(address: str = DB, *actions: Any, **fields: Any) -> dict[str, Any]:
    return {"address": address, "mode": "managed", "type": address.split(".")[-2], "name": address.split(".")[-1],
            "change": {"actions": list(actions or ["delete"])}, **fields}


def text(value: Any) -> bytes:
    return json.dumps(value).encode()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# (case, file content, fragment of the message)
UNUSABLE: list[tuple[str, bytes, str]] = [
    ("a saved plan file instead of its JSON", zipped({"tfplan": b"\x08\x03"}), "saved plan file (a zip archive)"),
    ("an empty file", b"", "the plan is empty"),
    ("only blanks", b"  \n\t ", "the plan is empty"),
    ("Terraform's human-readable plan", b"Terraform will perform the following actions:", "the plan is not JSON"),
    ("truncated JSON", text(plan(change()))[:-5], "the plan is not JSON"),
    ("JSON with a UTF-8 byte-order mark", b"\xef\xbb\xbf" + text(plan()), "the plan is not JSON"),
    ("UTF-16 JSON", json.dumps(plan()).encode("utf-16"), "is not UTF-8 text"),
    ("Latin-1 bytes", b'{"format_version": "1.2", "x": "caf\xe9"}', "is not UTF-8 text (byte 0xe9"),
    ("JSON nested too deep", b"[" * 100_000 + b"]" * 100_000, "nests JSON too deeply"),
    ("null", b"null", "no format_version string"),
    ("a list", b"[]", "no format_version string"),
    ("a number", b"42", "no format_version string"),
    ("a string", b'"plan"', "no format_version string"),
    ("an empty object", b"{}", "no format_version string"),
    ("format_version as a number", text({"format_version": 1.2, "resource_changes": []}), "no format_version string"),
    ("format_version null", text({"format_version": None, "resource_changes": []}), "no format_version string"),
    ("a future format", text({"format_version": "2.0", "resource_changes": []}), "reads the 1.x plan format"),
    ("a state, not a plan", text({"format_version": "1.0", "values": {"root_module": {}}}), "not a plan"),
    ("an errored plan", text(plan(errored=True)), "the plan errored"),
    ("errored as a string", text(plan(errored="yes")), 'errored = "yes": expected true or false'),
    ("resource_changes null", text({**plan(), "resource_changes": None}), "resource_changes = null: expected a list"),
    ("resource_changes an object", text({**plan(), "resource_changes": {DB: {}}}),
     "expected a list of resource changes"),
    ("resource_changes a string", text({**plan(), "resource_changes": "delete"}), "expected a list"),
    ("a null change entry", text(plan(None)), "resource_changes[0] = null: expected an object"),
    ("a number as a change entry", text(plan(1)), "resource_changes[0] = 1: expected an object"),
    ("a list as a change entry", text(plan([])), "resource_changes[0] = []: expected an object"),
    ("the second entry broken", text(plan(change("aws_subnet.a", "no-op"), "x")), "resource_changes[1] = \"x\""),
    ("change null", text(plan({**change(), "change": None})), "resource_changes[0].change = null"),
    ("change a list", text(plan({**change(), "change": ["delete"]})), "resource_changes[0].change = [\"delete\"]"),
    ("actions missing", text(plan({**change(), "change": {}})), "resource_changes[0].change.actions = null"),
    ("actions null", text(plan({**change(), "change": {"actions": None}})), "change.actions = null"),
    ("actions empty", text(plan({**change(), "change": {"actions": []}})), "expected a non-empty list of action names"),
    ("actions a string", text(plan({**change(), "change": {"actions": "delete"}})), 'change.actions = "delete"'),
    ("an action null", text(plan(change(DB, None))), "change.actions = [null]"),
    ("an action a number", text(plan(change(DB, "delete", 5))), "change.actions = [\"delete\", 5]"),
    ("an unknown action", text(plan(change(DB, "destroy"))), "unknown action(s) destroy"),
    ("an action in capitals", text(plan(change(DB, "DELETE"))), "unknown action(s) DELETE"),
    ("mode unknown", text(plan({**change(), "mode": "weird"})), 'resource_changes[0].mode = "weird"'),
    ("address missing on a deletion", text(plan({k: v for k, v in change().items() if k != "address"})),
     "resource_changes[0].address = null"),
    ("address empty on a deletion", text(plan({**change(), "address": ""})), 'resource_changes[0].address = ""'),
    ("type a number on a deletion", text(plan({**change(), "type": 5})), "resource_changes[0].type = 5"),
    ("action_reason a number", text(plan(change(DB, "delete", action_reason=5))), "action_reason = 5"),
    ("deposed a list", text(plan(change(DB, "delete", deposed=[]))), "deposed = []"),
]

# (case, plan, address and action the refusal names)
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("the EKS cluster deleted", plan(change("aws_eks_cluster.main")), "aws_eks_cluster.main: delete"),
    ("an apps namespace deleted", plan(change("kubernetes_namespace_v1.api")), "kubernetes_namespace_v1.api: delete"),
    ("a deployment replaced", plan(change("kubernetes_deployment_v1.api", "delete", "create")),
     "kubernetes_deployment_v1.api: replace"),
    ("state bucket versioning destroyed", plan(change("aws_s3_bucket_versioning.state")),
     "aws_s3_bucket_versioning.state: delete"),
    ("a secret deleted", plan(change("aws_secretsmanager_secret.db")), "aws_secretsmanager_secret.db: delete"),
    ("a hosted zone replaced", plan(change("aws_route53_zone.main", "create", "delete")),
     "aws_route53_zone.main: replace"),
    ("the load balancer deleted", plan(change("aws_lb.ingress")), "aws_lb.ingress: delete"),
    ("an unclassified type deleted (fail closed)", plan(change("aws_brand_new_thing.x")),
     "aws_brand_new_thing.x: delete"),
    ("a deposed database object deleted", plan(change(DB, "delete", deposed="00000001")),
     "aws_db_instance.main: delete (deposed object 00000001)"),
    ("a database in a module replaced", plan(change("module.data.aws_db_instance.main", "delete", "create")),
     "module.data.aws_db_instance.main: replace"),
    ("a deletion hidden among no-ops", plan(*[change(f"aws_subnet.s{i}", "no-op") for i in range(50)],
                                            change("aws_kms_key.state")), "aws_kms_key.state: delete"),
]


@pytest.fixture(autouse=True)
def at_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(("case", "content", "fragment"), UNUSABLE, ids=[case[0] for case in UNUSABLE])
def test_unusable_input_exits_2_with_the_reason(tmp_path, capsys, case, content, fragment):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    outcome = run_platformctl(["plan-guard", str(path), "--env", "prod"], capsys)
    assert_refused(outcome, ExitCode.USAGE, str(path), fragment)


@pytest.mark.parametrize(("case", "plan_json", "named"), REFUSED, ids=[case[0] for case in REFUSED])
def test_protected_plans_that_lose_state_exit_3_naming_the_address(tmp_path, capsys, case, plan_json, named):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_json))
    assert_refused(run_platformctl(["plan-guard", str(path), "--env", "prod"], capsys), ExitCode.REFUSED, named,
                   "the plan guard refused")
    assert run_platformctl(["plan-guard", str(path), "--env", "dev"], capsys).code == ExitCode.OK


ARGUMENTS: list[tuple[str, list[str], str]] = [
    ("no environment (fail closed)", [], "the following arguments are required: --env"),
    ("an unknown environment", ["--env", "qa"], "--env 'qa': no such environment"),
    ("an empty environment", ["--env", ""], "--env '': no such environment"),
    ("an allow without a reason", ["--env", "prod", "--allow", DB], "needs --reason TEXT"),
    ("a reason without an allow", ["--env", "prod", "--reason", "a reason with nothing to allow"], "without --allow"),
    ("a reason too short", ["--env", "prod", "--allow", DB, "--reason", "ok"], "at least 10 characters"),
    ("a reason of blanks", ["--env", "prod", "--allow", DB, "--reason", " " * 20], "needs --reason TEXT"),
    ("two reasons", ["--env", "prod", "--allow", DB, "--reason", "first long reason", "--reason", "second reason"],
     "--reason given 2 times"),
    ("the old --protect flag", ["--env", "prod", "--protect"], "unrecognized arguments: --protect"),
]


@pytest.mark.parametrize(("case", "args", "fragment"), ARGUMENTS, ids=[case[0] for case in ARGUMENTS])
def test_bad_arguments_exit_2(tmp_path, capsys, case, args, fragment):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(change())))
    assert_refused(run_platformctl(["plan-guard", str(path), *args], capsys), ExitCode.USAGE, fragment)


@pytest.mark.parametrize(("case", "make", "fragment"), [
    ("a missing file", lambda p: p, "cannot be read"),
    ("a directory", lambda p: p.mkdir() or p, "is a directory"),
], ids=["a missing file", "a directory"])
def test_a_plan_path_that_is_not_a_file_exits_2(tmp_path, capsys, case, make, fragment):
    path = make(tmp_path / "plan.json")
    assert_refused(run_platformctl(["plan-guard", str(path), "--env", "prod"], capsys), ExitCode.USAGE, fragment)
