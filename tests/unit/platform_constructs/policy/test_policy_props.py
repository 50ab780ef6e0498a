"""The [policy] section: pack, enforcement, limits, and suppressions that must be reasoned."""

import pytest
from pydantic import ValidationError

from platform_constructs.config.presets import preset
from platform_constructs.policy.policy_props import PolicyProps, Suppression

GOOD = {"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "dev runs one zone to save cost"}


def test_defaults_are_the_strict_production_pack():
    props = PolicyProps()
    assert (props.pack, props.enforce, props.suppressions) == ("production", True, ())
    assert props.limits.log_retention_days == 365


@pytest.mark.parametrize(("tier", "pack", "enforce"), [
    ("dev", "baseline", False), ("staging", "production", True), ("prod", "production", True),
])
def test_tier_presets_choose_pack_and_enforcement(tier, pack, enforce):
    props = PolicyProps.model_validate(preset(tier, {"policy"})["policy"])
    assert (props.pack, props.enforce) == (pack, enforce)


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"reason": "because"}, "reason", "at least 10 characters"),
    ({"reason": "          x"}, "reason", "at least 10 characters"),
    ({"reason": None}, "reason", "valid string"),
    ({"rule": "rds.multi_az"}, "rule", "unknown rule id; known rules: "),
    ({"path": "prod Database"}, "path", "construct path such as 'prod/Database'"),
    ({"path": ""}, "path", "at least 1 character"),
    ({"extra": 1}, "extra", "Extra inputs are not permitted"),
])
def test_bad_suppressions_are_refused_naming_the_field(change, field, fragment):
    with pytest.raises(ValidationError) as raised:
        Suppression.model_validate({**GOOD, **change})
    errors = {str(error["loc"][-1]): error["msg"] for error in raised.value.errors()}
    assert fragment in errors[field]


def test_reason_and_rule_are_kept():
    suppression = Suppression.model_validate(GOOD)
    assert (suppression.rule, suppression.reason, suppression.is_address) == (
        "rds.multi-az", "dev runs one zone to save cost", False)
    assert Suppression.model_validate({**GOOD, "path": "aws_db_instance.Postgres_Instance_1A2B3C4D"}).is_address


@pytest.mark.parametrize(("limits", "fragment"), [
    ({"backup_retention_days": 36}, "less than or equal to 35"),
    ({"node_group_max_unavailable_percentage": 0}, "greater than or equal to 1"),
    ({"log_retention_days": "365"}, "valid integer"),
])
def test_limits_are_checked(limits, fragment):
    with pytest.raises(ValidationError, match=fragment):
        PolicyProps.model_validate({"limits": limits})


def test_unknown_pack_is_refused():
    with pytest.raises(ValidationError, match="'baseline' or 'production'"):
        PolicyProps(pack="strict")
