"""Least privilege for every identity policy and attachment, in every tier (the baseline pack)."""

import json

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.packs import BASELINE
from platform_constructs.policy.rules import iam
from platform_constructs.policy.rules.iam import no_admin_policies, no_wildcard_actions, no_wildcard_data_resources
from platform_constructs.policy.rules.iam.no_wildcard_data_resources import is_wildcard_resource

ACTIONS, DATA, ADMIN = no_wildcard_actions.RULE, no_wildcard_data_resources.RULE, no_admin_policies.RULE
USER_ARN = "arn:aws:rds-db:eu-west-1:111111111111:dbuser:db-ABC/orders"


def policy(*statements):
    return {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def allow(action, resource, sid="S"):
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource}


CASES = [
    (ACTIONS, "aws_iam_role_policy", policy(allow(["rds-db:connect"], USER_ARN)), OK),
    (ACTIONS, "aws_iam_policy", policy(allow("*", "*")), BAD, "wildcard action(s) *"),
    (ACTIONS, "aws_iam_role_policy", policy(allow(["es:ESHttp*"], "arn:aws:es:r:1:domain/d/x-*")), BAD,
     "statement S allows the wildcard action(s) es:ESHttp*"),
    (ACTIONS, "aws_iam_role_policy", policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), BAD,
     "allows everything but NotAction"),
    (ACTIONS, "aws_iam_role_policy", policy({"Effect": "Deny", "Action": "*", "Resource": "*"}), OK),
    (ACTIONS, "aws_iam_role_policy", {"policy": "${data.aws_iam_policy_document.x.json}"}, BAD,
     "not a literal JSON document"),
    (ACTIONS, "aws_iam_role", {"assume_role_policy": json.dumps({"Statement": []})}, NA),
    (DATA, "aws_iam_role_policy", policy(allow("rds-db:connect", USER_ARN)), OK),
    (DATA, "aws_iam_role_policy", policy(allow(["es:ESHttpGet"], "arn:aws:es:r:1:domain/d/orders-*")), OK),
    (DATA, "aws_iam_role_policy", policy(allow(["logs:PutLogEvents"], "*")), OK),
    (DATA, "aws_iam_role_policy", policy(allow("rds-db:connect", "arn:aws:rds-db:eu-west-1:1:dbuser:db-ABC/*")), BAD,
     "allows rds-db:connect on arn:aws:rds-db:eu-west-1:1:dbuser:db-ABC/*"),
    (DATA, "aws_iam_policy", policy(allow(["kafka-cluster:ReadData"], "*")), BAD, "on *"),
    (DATA, "aws_iam_role_policy", policy(allow(["elasticache:Connect"], "arn:aws:elasticache:*:1:user:u")), BAD,
     "arn:aws:elasticache:*:1:user:u"),
    (DATA, "aws_iam_role_policy", policy({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                          "NotResource": "arn:x"}), BAD, "everything but NotResource"),
    (DATA, "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, NA),
    (ADMIN, "aws_iam_role_policy_attachments_exclusive", {"policy_arns": ["arn:aws:iam::1:policy/mine"]}, OK),
    (ADMIN, "aws_iam_role_policy_attachments_exclusive", {"policy_arns": []}, OK),
    (ADMIN, "aws_iam_role_policy_attachment",
     {"policy_arn": "arn:${data.aws_partition.Partition.partition}:iam::aws:policy/AdministratorAccess"}, BAD,
     "policy_arn attaches AdministratorAccess"),
    (ADMIN, "aws_iam_role_policy_attachments_exclusive",
     {"policy_arns": ["arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/IAMFullAccess"]}, BAD,
     "attaches PowerUserAccess, IAMFullAccess"),
    (ADMIN, "aws_iam_role", {"managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}, BAD,
     "managed_policy_arns attaches AdministratorAccess"),
    (ADMIN, "aws_iam_user_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}, BAD,
     "policy_arn attaches AmazonS3FullAccess"),
    (ADMIN, "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, OK),
    (ADMIN, "aws_iam_role_policy", policy(allow("s3:GetObject", "arn:aws:s3:::b/k")), NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_every_rule_has_its_outcomes():
    assert_covers(iam, CASES)


def test_the_rules_hold_in_every_tier():
    assert {ACTIONS, DATA, ADMIN} <= set(BASELINE)


@pytest.mark.parametrize(("arn", "wildcard"), [
    ("arn:aws:es:eu-west-1:1:domain/d/orders-*", False),
    ("arn:aws:kafka:eu-west-1:1:topic/c/uuid/orders.events", False),
    ("*", True),
    ("arn:aws:es:eu-west-1:1:domain/d/*", True),
    ("arn:aws:es:eu-west-1:1:domain/d/or*ders", True),
    ("arn:aws:rds-db:eu-west-1:*", True),
    ("arn:aws:rds-db:eu-west-1:1:dbuser:db-1/user?", True),
    # an S3 key is one string: a fixed key prefix scopes it, whatever character ends the prefix
    ("arn:aws:s3:::state-bucket/platform/dev/*", False),
    ("arn:aws:s3:::state-bucket/platform/dev-*", False),
    ("arn:aws:s3:::state-bucket/*", True),
    ("arn:aws:s3:::state-bucket/platform/*/dev.tfstate", True),
    ("arn:aws:s3:::*/platform/dev/*", True),
])
def test_what_counts_as_a_wildcard_resource(arn, wildcard):
    assert is_wildcard_resource(arn) is wildcard


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_synthesized_pod_roles_pass(stack_json, env):
    from platform_constructs.policy.engine import Resource

    policies = stack_json(f"{env}-app-api")["resource"]["aws_iam_role_policy"]
    assert policies
    for name, body in policies.items():
        for rule in (ACTIONS, DATA):
            verdict = rule.evaluate(Resource("aws_iam_role_policy", name, "p", body), None)
            assert verdict.compliance is OK, verdict.reason


@pytest.mark.parametrize(("text", "read"), [
    ('{"a": "${x.y}"}', '{"a": "${reference}"}'),
    ('["${replace(x, ":cluster/", ":topic/")}/t"]', '["${reference}/t"]'),
    ('"${merge({a = "}"}, b)}"', '"${reference}"'),
    ("no interpolation", "no interpolation"),
])
def test_interpolations_are_read_as_references(text, read):
    from platform_constructs.policy.rules.iam._statements import without_interpolations

    assert without_interpolations(text) == read
