"""The policy logic the emulator adjustments add to moto (pure functions, no emulator needed).

The adjustments themselves run inside the emulator process; tests/integration/emulator/
exercises them through the AWS APIs.
"""

from __future__ import annotations

import json

import pytest

from local_aws.adjustments import (
    ADJUSTMENTS,
    _policy_grants_log_delivery,
    _trusts_account,
    conditions_hold,
    evaluate_bucket_policy,
    registered,
)

BUCKET = "arn:aws:s3:::state"
TLS_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [BUCKET, f"{BUCKET}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "DenyOutdatedTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [BUCKET, f"{BUCKET}/*"], "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
]})

POLICY_CASES = [
    ("https with TLS 1.3 passes", {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}, "neutral"),
    ("https with TLS 1.2 passes", {"aws:SecureTransport": "true", "s3:TlsVersion": "1.2"}, "neutral"),
    ("plain http is denied", {"aws:SecureTransport": "false"}, "deny"),
    ("TLS 1.1 is denied", {"aws:SecureTransport": "true", "s3:TlsVersion": "1.1"}, "deny"),
    ("no request context: conditions cannot hold", {}, "neutral"),
]


@pytest.mark.parametrize(("case", "context", "verdict"), POLICY_CASES, ids=[c[0] for c in POLICY_CASES])
def test_tls_only_bucket_policy(case, context, verdict):
    assert evaluate_bucket_policy(TLS_ONLY, "s3:GetObject", f"{BUCKET}/platform/dev.tfstate", context) == verdict


def test_a_deny_outside_its_resources_does_not_apply():
    outside = evaluate_bucket_policy(TLS_ONLY, "s3:GetObject", "arn:aws:s3:::other/key",
                                     {"aws:SecureTransport": "false"})
    assert outside == "neutral"


def test_an_applicable_allow_permits_and_deny_wins():
    policy = json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject"], "Resource": f"{BUCKET}/*"},
        {"Effect": "Deny", "Principal": "*", "NotAction": "s3:Get*", "Resource": f"{BUCKET}/*"},
    ]})
    assert evaluate_bucket_policy(policy, "s3:GetObject", f"{BUCKET}/k", {}) == "allow"
    assert evaluate_bucket_policy(policy, "s3:PutObject", f"{BUCKET}/k", {}) == "deny"


def test_statements_for_named_principals_are_not_evaluated():
    policy = json.dumps({"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::1:root"},
                                        "Action": "s3:*", "Resource": "*"}]})
    assert evaluate_bucket_policy(policy, "s3:GetObject", f"{BUCKET}/k", {}) == "neutral"


CONDITION_CASES = [
    ("StringEquals match", {"StringEquals": {"aws:SourceAccount": "111"}}, {"aws:SourceAccount": "111"}, True),
    ("StringEquals any of a list", {"StringEquals": {"k": ["a", "b"]}}, {"k": "b"}, True),
    ("StringEquals mismatch", {"StringEquals": {"k": "a"}}, {"k": "b"}, False),
    ("StringNotEquals", {"StringNotEquals": {"k": "a"}}, {"k": "b"}, True),
    ("StringLike wildcard", {"StringLike": {"k": "arn:*:log-group:*"}}, {"k": "arn:aws:log-group:x"}, True),
    ("StringNotLike", {"StringNotLike": {"k": "a*"}}, {"k": "abc"}, False),
    ("ArnLike", {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::state"}}, {"aws:SourceArn": "arn:aws:s3:::state"}, True),
    ("Bool is case-insensitive", {"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "FALSE"}, True),
    ("NumericLessThan", {"NumericLessThan": {"s3:TlsVersion": "1.2"}}, {"s3:TlsVersion": "1.3"}, False),
    ("NumericGreaterThanEquals", {"NumericGreaterThanEquals": {"n": "2"}}, {"n": "2"}, True),
    ("missing key fails", {"StringEquals": {"k": "a"}}, {}, False),
    ("missing key with IfExists passes", {"StringEqualsIfExists": {"k": "a"}}, {}, True),
    ("Null true: key absent", {"Null": {"k": "true"}}, {}, True),
    ("Null false: key present", {"Null": {"k": "false"}}, {"k": "x"}, True),
    ("Null true but key present", {"Null": {"k": "true"}}, {"k": "x"}, False),
    ("all blocks must hold", {"StringEquals": {"a": "1"}, "Bool": {"b": "true"}}, {"a": "1", "b": "false"}, False),
    ("unknown operator never holds", {"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}, {"aws:CurrentTime": "x"},
     False),
]


@pytest.mark.parametrize(("case", "conditions", "context", "expected"), CONDITION_CASES,
                         ids=[c[0] for c in CONDITION_CASES])
def test_condition_operators(case, conditions, context, expected):
    assert conditions_hold(conditions, context) is expected


LOG_BUCKET = "arn:aws:s3:::state-access-logs"
DELIVERY_CASES = [
    ("service principal, prefix resource", {"Service": "logging.s3.amazonaws.com"}, "s3:PutObject",
     f"{LOG_BUCKET}/s3/state/*", True),
    ("service principal in a list, whole bucket", {"Service": ["logging.s3.amazonaws.com"]}, ["s3:PutObject"],
     f"{LOG_BUCKET}/*", True),
    ("wildcard principal and action", "*", "s3:*", f"{LOG_BUCKET}/*", True),
    ("other service", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", f"{LOG_BUCKET}/*", False),
    ("other prefix", {"Service": "logging.s3.amazonaws.com"}, "s3:PutObject", f"{LOG_BUCKET}/other/*", False),
    ("read only", {"Service": "logging.s3.amazonaws.com"}, "s3:GetObject", f"{LOG_BUCKET}/*", False),
]


@pytest.mark.parametrize(("case", "principal", "action", "resource", "expected"), DELIVERY_CASES,
                         ids=[c[0] for c in DELIVERY_CASES])
def test_log_delivery_permission(case, principal, action, resource, expected):
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": action,
                                        "Resource": resource}]}).encode()
    assert _policy_grants_log_delivery(policy, LOG_BUCKET, "s3/state/") is expected


def test_no_policy_grants_no_log_delivery():
    assert _policy_grants_log_delivery(None, LOG_BUCKET, "") is False


TRUST_CASES = [
    ("account root", {"AWS": "arn:aws:iam::444444444444:root"}, "444444444444", True),
    ("bare account id", {"AWS": "444444444444"}, "444444444444", True),
    ("a role of the account", {"AWS": ["arn:aws:iam::444444444444:role/ci"]}, "444444444444", True),
    ("another account", {"AWS": "arn:aws:iam::555555555555:root"}, "444444444444", False),
    ("a service only", {"Service": "ec2.amazonaws.com"}, "444444444444", False),
]


@pytest.mark.parametrize(("case", "principal", "caller", "expected"), TRUST_CASES, ids=[c[0] for c in TRUST_CASES])
def test_role_trust(case, principal, caller, expected):
    trust = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}]})
    assert _trusts_account(trust, caller) is expected


def test_every_adjustment_names_the_aws_behaviour_it_restores():
    adjustments = registered()
    assert len({a.name for a in adjustments}) == len(adjustments) == len(ADJUSTMENTS)
    assert {"kafka-cluster-lifecycle", "elasticache-replication-group-members",
            "eks-nodegroup-as-requested"} <= {a.name for a in adjustments}
    assert all(len(a.restores) > 60 for a in adjustments)
