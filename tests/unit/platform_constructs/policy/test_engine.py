"""The engine: resource views, verdicts, violations, suppressions, and rules that fail."""

import pytest
from policy_cases import resource

from platform_constructs.policy.engine import ANY_TYPE, Compliance, Rule, Severity, Verdict, evaluate, is_reference
from platform_constructs.policy.limits import PolicyLimits
from platform_constructs.policy.policy_props import Suppression


def rule(check, resource_types=("aws_db_instance",), rule_id="rds.multi-az"):
    return Rule(id=rule_id, severity=Severity.HIGH, resource_types=resource_types, summary="s", fix="do the thing",
                check=check)


@pytest.mark.parametrize(("props", "dotted", "expected"), [
    ({"a": {"b": 1}}, "a.b", 1),
    ({"a": [{"b": 1}]}, "a.b", 1),          # a single nested block synthesized as a one-item list
    ({"a": [{"b": 1}, {"b": 2}]}, "a.b", None),  # a repeated block has no single value
    ({"a": None}, "a.b", None),
    ({}, "a", None),
])
def test_get_reads_nested_blocks(props, dotted, expected):
    assert resource("aws_x", props).get(dotted) == expected


def test_blocks_returns_every_repeated_block():
    view = resource("aws_x", {"log": [{"t": 1}, {"t": 2}], "one": {"t": 3}})
    assert view.blocks("log") == [{"t": 1}, {"t": 2}]
    assert view.blocks("one") == [{"t": 3}]
    assert view.blocks("missing") == []


def test_address_is_type_dot_logical_name():
    assert resource("aws_db_instance", {}).address == "aws_db_instance.Thing_Resource_0A1B2C3D"


@pytest.mark.parametrize(("value", "expected"), [
    ("${aws_kms_key.Key.arn}", True), ("arn:${data.aws_partition.P.partition}:iam::1:root", True),
    ("alias/aws/rds", False), (True, False), (None, False),
])
def test_references_are_recognised(value, expected):
    assert is_reference(value) is expected


def test_rule_skips_other_types_and_any_type_rules_see_everything():
    always_bad = lambda _r, _l: Verdict.non_compliant("bad")  # noqa: E731
    limits = PolicyLimits()
    assert rule(always_bad).evaluate(resource("aws_s3_bucket", {}), limits).compliance is Compliance.NOT_APPLICABLE
    verdict = rule(always_bad, ANY_TYPE).evaluate(resource("aws_s3_bucket", {}), limits)
    assert verdict.compliance is Compliance.NON_COMPLIANT


def test_violations_carry_rule_resource_reason_and_fix():
    violations = evaluate(resource("aws_db_instance", {}),
                          [rule(lambda _r, _l: Verdict.non_compliant("multi_az is off"))],
                        PolicyLimits())
    assert [f.message() for f in violations] == [
        "[rds.multi-az] (high) aws_db_instance.Thing_Resource_0A1B2C3D: multi_az is off. Fix: do the thing"]
    assert not violations[0].suppressed


def test_compliant_and_not_applicable_verdicts_produce_no_finding():
    rules = [rule(lambda _r, _l: Verdict.compliant()), rule(lambda _r, _l: Verdict.not_applicable())]
    assert evaluate(resource("aws_db_instance", {}), rules, PolicyLimits()) == []


def test_a_rule_that_raises_becomes_a_finding_instead_of_aborting():
    def broken(view, _limits):
        return view.props["missing"]

    violations = evaluate(resource("aws_db_instance", {}), [broken_rule := rule(broken),
                                                          rule(lambda _r, _l: Verdict.non_compliant("second"))],
                        PolicyLimits())
    assert violations[0].rule is broken_rule
    assert "rule could not be evaluated (KeyError: 'missing')" in violations[0].reason
    assert violations[1].reason == "second"


@pytest.mark.parametrize(("path", "resource_path", "accepted"), [
    ("prod/Database", "prod/Database/Instance", True),
    ("prod/Database/Instance", "prod/Database/Instance", True),
    ("prod", "prod/Database/Instance", True),
    ("prod/Data", "prod/Database/Instance", False),          # a prefix of a name is not its parent
    ("staging/Database", "prod/Database/Instance", False),
    ("aws_db_instance.Thing_Resource_0A1B2C3D", "prod/Database/Instance", True),
    ("aws_db_instance.Other_1234", "prod/Database/Instance", False),
])
def test_suppression_matches_construct_subtree_or_resource_address(path, resource_path, accepted):
    suppression = Suppression(rule="rds.multi-az", path=path, reason="single-AZ is accepted here")
    view = resource("aws_db_instance", {}, path=resource_path)
    violations = evaluate(view, [rule(lambda _r, _l: Verdict.non_compliant("off"))], PolicyLimits(), [suppression])
    assert violations[0].suppressed is accepted
    assert (violations[0].suppression is suppression) is accepted


def test_suppression_of_another_rule_does_not_apply():
    suppression = Suppression(rule="rds.deletion-protection", path="test", reason="another rule entirely")
    violations = evaluate(resource("aws_db_instance", {}), [rule(lambda _r, _l: Verdict.non_compliant("off"))],
                        PolicyLimits(), [suppression])
    assert not violations[0].suppressed
