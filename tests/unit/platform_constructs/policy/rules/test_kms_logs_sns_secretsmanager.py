"""Rules for KMS keys, CloudWatch log groups, SNS topics and Secrets Manager secrets."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.limits import PolicyLimits
from platform_constructs.policy.rules import kms, logs, secretsmanager, sns
from platform_constructs.policy.rules.kms import key_rotation
from platform_constructs.policy.rules.logs import kms_encryption, retention_minimum, retention_set
from platform_constructs.policy.rules.secretsmanager import customer_managed_key
from platform_constructs.policy.rules.sns import kms_encryption as sns_kms

KEY = "${aws_kms_key.Key.arn}"
CASES = [
    (key_rotation.RULE, "aws_kms_key", {"enable_key_rotation": True}, OK),
    (key_rotation.RULE, "aws_kms_key", {}, BAD, "enable_key_rotation is not set"),
    (key_rotation.RULE, "aws_kms_key", {"enable_key_rotation": False}, BAD, "is false, must be true"),
    (key_rotation.RULE, "aws_kms_alias", {}, NA),
    (retention_set.RULE, "aws_cloudwatch_log_group", {"retention_in_days": 14}, OK),
    (retention_set.RULE, "aws_cloudwatch_log_group", {}, BAD, "retention_in_days is not set"),
    (retention_set.RULE, "aws_cloudwatch_log_group", {"retention_in_days": 0}, BAD, "at least 1"),
    (retention_set.RULE, "aws_s3_bucket", {}, NA),
    (retention_minimum.RULE, "aws_cloudwatch_log_group", {"retention_in_days": 365}, OK),
    (retention_minimum.RULE, "aws_cloudwatch_log_group", {"retention_in_days": "400"}, OK),
    (retention_minimum.RULE, "aws_cloudwatch_log_group", {"retention_in_days": 90}, BAD, "at least 365"),
    (retention_minimum.RULE, "aws_cloudwatch_log_group", {"retention_in_days": "${var.days}"}, BAD, "a number"),
    (retention_minimum.RULE, "aws_flow_log", {}, NA),
    (kms_encryption.RULE, "aws_cloudwatch_log_group", {"kms_key_id": KEY}, OK),
    (kms_encryption.RULE, "aws_cloudwatch_log_group", {"kms_key_id": ""}, BAD, "kms_key_id is not set"),
    (kms_encryption.RULE, "aws_sns_topic", {}, NA),
    (sns_kms.RULE, "aws_sns_topic", {"kms_master_key_id": KEY}, OK),
    (sns_kms.RULE, "aws_sns_topic", {}, BAD, "kms_master_key_id is not set"),
    (sns_kms.RULE, "aws_sqs_queue", {}, NA),
    (customer_managed_key.RULE, "aws_secretsmanager_secret", {"kms_key_id": KEY}, OK),
    (customer_managed_key.RULE, "aws_secretsmanager_secret", {}, BAD, "kms_key_id is not set"),
    (customer_managed_key.RULE, "aws_secretsmanager_secret_version", {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_retention_minimum_follows_the_policy_limit():
    assert_case(retention_minimum.RULE, "aws_cloudwatch_log_group", {"retention_in_days": 90}, OK,
                limits=PolicyLimits(log_retention_days=90))


@pytest.mark.parametrize("service", [kms, logs, sns, secretsmanager], ids=lambda module: module.__name__)
def test_every_rule_has_its_outcomes(service):
    assert_covers(service, CASES)
