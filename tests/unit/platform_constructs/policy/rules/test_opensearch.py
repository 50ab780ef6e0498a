"""Rules for OpenSearch domains."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.rules import opensearch
from platform_constructs.policy.rules.opensearch import (
    customer_managed_key,
    dedicated_masters,
    encryption_at_rest,
    fine_grained_access,
    https_only,
    logging,
    node_to_node_encryption,
    vpc_only,
    zone_awareness,
)

DOMAIN = "aws_opensearch_domain"
ALL_LOGS = [{"log_type": kind, "cloudwatch_log_group_arn": "${aws_cloudwatch_log_group.L.arn}"}
            for kind in ("INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS")]

CASES = [
    (vpc_only.RULE, DOMAIN, {"vpc_options": {"subnet_ids": ["${aws_subnet.A.id}"]}}, OK),
    (vpc_only.RULE, DOMAIN, {}, BAD, "public endpoint"),
    (vpc_only.RULE, "aws_opensearch_domain_policy", {}, NA),
    (encryption_at_rest.RULE, DOMAIN, {"encrypt_at_rest": {"enabled": True}}, OK),
    (encryption_at_rest.RULE, DOMAIN, {"encrypt_at_rest": {"enabled": False}}, BAD, "encrypt_at_rest.enabled is false"),
    (encryption_at_rest.RULE, "aws_elasticsearch_domain", {}, NA),
    (customer_managed_key.RULE, DOMAIN, {"encrypt_at_rest": {"enabled": True, "kms_key_id": "${aws_kms_key.K.arn}"}},
     OK),
    (customer_managed_key.RULE, DOMAIN, {"encrypt_at_rest": {"enabled": True}}, BAD, "aws/es"),
    (customer_managed_key.RULE, "aws_kms_key", {}, NA),
    (node_to_node_encryption.RULE, DOMAIN, {"node_to_node_encryption": {"enabled": True}}, OK),
    (node_to_node_encryption.RULE, DOMAIN, {}, BAD, "node_to_node_encryption.enabled is not set"),
    (node_to_node_encryption.RULE, "aws_msk_cluster", {}, NA),
    (https_only.RULE, DOMAIN, {"domain_endpoint_options": {"enforce_https": True,
                                                           "tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10"}},
     OK),
    (https_only.RULE, DOMAIN, {"domain_endpoint_options": {"enforce_https": True,
                                                           "tls_security_policy": "Policy-Min-TLS-1-0-2019-07"}}, BAD,
     "tls_security_policy is 'Policy-Min-TLS-1-0-2019-07'"),
    (https_only.RULE, DOMAIN, {}, BAD, "enforce_https is not set"),
    (https_only.RULE, "aws_opensearch_vpc_endpoint", {}, NA),
    (fine_grained_access.RULE, DOMAIN, {"advanced_security_options": {"enabled": True,
                                                                      "anonymous_auth_enabled": False}}, OK),
    (fine_grained_access.RULE, DOMAIN, {"advanced_security_options": {"enabled": True,
                                                                      "anonymous_auth_enabled": True}}, BAD,
     "anonymous_auth_enabled is true"),
    (fine_grained_access.RULE, DOMAIN, {}, BAD, "advanced_security_options.enabled is not set"),
    (fine_grained_access.RULE, "aws_iam_role", {}, NA),
    (dedicated_masters.RULE, DOMAIN, {"cluster_config": {"dedicated_master_enabled": True,
                                                         "dedicated_master_count": 3}}, OK),
    (dedicated_masters.RULE, DOMAIN, {"cluster_config": {"dedicated_master_enabled": True,
                                                         "dedicated_master_count": 2}}, BAD,
     "dedicated_master_count is 2, must be one of 3, 5"),
    (dedicated_masters.RULE, DOMAIN, {"cluster_config": {"instance_count": 1}}, BAD, "dedicated_master_enabled"),
    (dedicated_masters.RULE, "aws_opensearch_outbound_connection", {}, NA),
    (zone_awareness.RULE, DOMAIN, {"cluster_config": {"zone_awareness_enabled": True}}, OK),
    (zone_awareness.RULE, DOMAIN, {"cluster_config": {"zone_awareness_enabled": False}}, BAD,
     "zone_awareness_enabled is false"),
    (zone_awareness.RULE, "aws_subnet", {}, NA),
    (logging.RULE, DOMAIN, {"log_publishing_options": ALL_LOGS}, OK),
    (logging.RULE, DOMAIN, {"log_publishing_options": [*ALL_LOGS[:3], {**ALL_LOGS[3], "enabled": False}]}, BAD,
     "lacks AUDIT_LOGS"),
    (logging.RULE, DOMAIN, {}, BAD, "lacks INDEX_SLOW_LOGS, SEARCH_SLOW_LOGS, ES_APPLICATION_LOGS, AUDIT_LOGS"),
    (logging.RULE, "aws_cloudwatch_log_resource_policy", {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_every_rule_has_its_outcomes():
    assert_covers(opensearch, CASES)
