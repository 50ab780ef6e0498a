"""The policy aspect at synth: errors, warnings, suppressions in metadata, stale suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.policy.policy_props import PolicyProps, Suppression

FIX = "Fix: set enable_key_rotation = true"


@pytest.fixture
def app(tmp_path):
    from platform_constructs._internal.tf import App

    return App(outdir=str(tmp_path / "out"))


def stack_with_key(app, name="test", rotation=False, policy=None, owner="test"):
    """A stack holding one KMS key (``rotation`` decides whether it complies) under ``policy``."""
    from platform_constructs._internal.tf import TerraformStack, aws
    from platform_constructs.policy.guard import apply_policy

    stack = TerraformStack(app, name)
    aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
    aws.kms_key.KmsKey(stack, "Key", enable_key_rotation=rotation)
    guard = apply_policy(stack, policy or PolicyProps(), owner=owner)
    return stack, guard


def synthesized(app, stack: str) -> dict:
    return json.loads((Path(app.outdir) / "stacks" / stack / "cdk.tf.json").read_text())


def suppression(path="test/Key", rule="kms.key-rotation"):
    return Suppression(rule=rule, path=path, reason="rotation is handled by an external HSM process")


def test_violation_fails_synth_naming_rule_path_and_fix(app):
    stack_with_key(app)
    with pytest.raises(RuntimeError) as raised:
        app.synth()
    message = str(raised.value)
    assert ("[test/Key] [kms.key-rotation] (high) aws_kms_key.Key: enable_key_rotation is false, must be true. "
            f"{FIX}") in message
    assert not (Path(app.outdir) / "stacks" / "test" / "cdk.tf.json").exists()


def test_report_mode_warns_and_synthesizes(app):
    stack_with_key(app, policy=PolicyProps(enforce=False))
    app.synth()
    annotations = json.loads((Path(app.outdir) / "manifest.json").read_text())["stacks"]["test"]["annotations"]
    assert [(a["level"], a["constructPath"]) for a in annotations if "[kms.key-rotation]" in a["message"]] == [
        ("@cdktf/warn", "test/Key")]


def test_compliant_resources_synthesize_without_policy_metadata(app):
    stack_with_key(app, rotation=True)
    app.synth()
    assert synthesized(app, "test")["resource"]["aws_kms_key"]["Key"]["//"] == {
        "metadata": {"path": "test/Key", "uniqueId": "Key"}}


def test_rules_see_the_synthesized_form_with_overrides(app):
    stack, guard = stack_with_key(app)  # created without rotation, overridden to rotate
    stack.node.find_child("Key").add_override("enable_key_rotation", True)
    app.synth()
    assert synthesized(app, "test")["resource"]["aws_kms_key"]["Key"]["enable_key_rotation"] is True
    assert guard.violations == []


def test_an_override_that_breaks_a_rule_is_caught(app):
    stack, guard = stack_with_key(app, rotation=True)  # created compliant, overridden not to rotate
    stack.node.find_child("Key").add_override("enable_key_rotation", False)
    with pytest.raises(RuntimeError,
                       match=r"\[kms.key-rotation\] \(high\) aws_kms_key.Key: enable_key_rotation is false"):
        app.synth()
    assert [(violation.rule.id, violation.resource.path) for violation in guard.violations] == [
        ("kms.key-rotation", "test/Key")]


@pytest.mark.parametrize("path", ["test/Key", "test", "aws_kms_key.Key"])
def test_suppression_is_recorded_in_the_resource_metadata(app, path):
    stack_with_key(app, policy=PolicyProps(suppressions=(suppression(path),)))
    app.synth()
    metadata = synthesized(app, "test")["resource"]["aws_kms_key"]["Key"]["//"]
    assert metadata["policy"] == {"suppressed": [
        {"rule": "kms.key-rotation", "reason": "rotation is handled by an external HSM process"}]}
    assert metadata["metadata"]["path"] == "test/Key"


def test_stale_suppression_fails_synth(app):
    stack_with_key(app, rotation=True, policy=PolicyProps(suppressions=(suppression(),)))
    with pytest.raises(RuntimeError, match=r"policy.suppressions.0 of test: rule kms.key-rotation at test/Key "
                                           r"suppresses nothing \(no resource at that path breaks the rule\)"):
        app.synth()


def test_suppression_of_a_rule_outside_the_pack_is_stale(app):
    policy = PolicyProps(pack="baseline", suppressions=(suppression(rule="rds.multi-az"),))
    stack_with_key(app, rotation=True, policy=policy)
    with pytest.raises(RuntimeError, match=r"rds.multi-az at test/Key suppresses nothing \(the rule is not in the "
                                           r"baseline pack\)"):
        app.synth()


def test_stacks_of_one_owner_share_the_suppression_audit(app):
    policy = PolicyProps(suppressions=(suppression(path="second/Key"),))
    _, first = stack_with_key(app, "first", rotation=True, policy=policy)
    _, second = stack_with_key(app, "second", rotation=False, policy=policy)
    assert first is second
    app.synth()  # used in "second" only, so not stale
    assert [(f.resource.path, f.suppressed) for f in first.violations] == [("second/Key", True)]


def test_one_owner_cannot_have_two_policies(app):
    stack_with_key(app, "first", rotation=True)
    with pytest.raises(ValueError, match="stacks of test were given different policies"):
        stack_with_key(app, "second", rotation=True, policy=PolicyProps(enforce=False))


def test_repository_stacks_run_their_environment_pack(synth_dir, platform):
    """The full synth passed the packs; the shared suppression is in the bootstrap JSON."""
    bootstrap = json.loads((synth_dir / "stacks" / "bootstrap" / "cdk.tf.json").read_text())
    suppressed = [
        (name, body["//"]["policy"]["suppressed"])
        for name, body in bootstrap["resource"]["aws_s3_bucket_server_side_encryption_configuration"].items()
        if "policy" in body["//"]
    ]
    assert [rules for _, rules in suppressed] == [[{
        "rule": "s3.kms-encryption", "reason": platform.shared.policy.suppressions[0].reason}]]
    assert "AccessLogsEncryption" in suppressed[0][0]


def test_policy_violation_in_an_environment_exits_1_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from platformctl.synth import run_synth

    environments = copy_environments(tmp_path / "environments")
    # prod keeps 14 days of database backups; demanding 35 makes the prod pack refuse it.
    set_value(environments, "prod.toml", "policy.limits.backup_retention_days", 35)
    outdir = tmp_path / "cdktf.out"
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    assert run_synth(Path(__file__).resolve().parents[4], str(outdir)) == 1
    error = capsys.readouterr().err
    assert "[rds.backup-retention] (high)" in error
    assert "backup_retention_period is 14, must be at least 35. Fix: raise backup_retention_days in [postgres]" in error
    assert "[prod/Postgres/" in error
    assert "Traceback" not in error
    assert not outdir.exists()


@pytest.mark.parametrize("pack", ["baseline", "production"])
def test_each_resource_type_meets_exactly_the_rules_of_the_pack_that_concern_it(pack):
    from platform_constructs.policy.engine import ANY_TYPE
    from platform_constructs.policy.guard import PolicyGuard

    guard = PolicyGuard(PolicyProps(pack=pack), owner="test")
    types = sorted({kind for rule in guard.rules for kind in rule.resource_types if rule.resource_types != ANY_TYPE})
    assert types and any(rule.resource_types == ANY_TYPE for rule in guard.rules)
    for kind in [*types, "aws_unknown_thing"]:
        assert guard.rules_for(kind) == [rule for rule in guard.rules
                                         if rule.resource_types == ANY_TYPE or kind in rule.resource_types]
    assert {rule.id for kind in types for rule in guard.rules_for(kind)} == {rule.id for rule in guard.rules}
