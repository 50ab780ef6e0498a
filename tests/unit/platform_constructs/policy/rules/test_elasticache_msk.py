"""Rules for ElastiCache replication groups and MSK clusters / configurations."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.limits import PolicyLimits
from platform_constructs.policy.rules import elasticache, msk
from platform_constructs.policy.rules.elasticache import (
    at_rest_encryption,
    authentication,
    customer_managed_key,
    final_snapshot,
    logging,
    multi_az,
    snapshot_retention,
    transit_encryption,
)
from platform_constructs.policy.rules.msk import (
    authentication as msk_authentication,
    broker_logs,
    customer_managed_key as msk_key,
    encryption_in_transit,
    enhanced_monitoring,
    no_public_access,
    replication_settings,
)

RG, MSK = "aws_elasticache_replication_group", "aws_msk_cluster"
GOOD_PROPERTIES = "default.replication.factor=3\nmin.insync.replicas=2\n# comment\nauto.create.topics.enable=false\n"

CASES = [
    (at_rest_encryption.RULE, RG, {"at_rest_encryption_enabled": "true"}, OK),
    (at_rest_encryption.RULE, RG, {"at_rest_encryption_enabled": True}, OK),
    (at_rest_encryption.RULE, RG, {"at_rest_encryption_enabled": "false"}, BAD, "'false', must be true"),
    (at_rest_encryption.RULE, "aws_elasticache_cluster", {}, NA),
    (customer_managed_key.RULE, RG, {"kms_key_id": "${aws_kms_key.Key.arn}"}, OK),
    (customer_managed_key.RULE, RG, {}, BAD, "kms_key_id is not set"),
    (customer_managed_key.RULE, MSK, {}, NA),
    (transit_encryption.RULE, RG, {"transit_encryption_enabled": True}, OK),
    (transit_encryption.RULE, RG, {"transit_encryption_enabled": True, "transit_encryption_mode": "preferred"}, BAD,
     "transit_encryption_mode is 'preferred'"),
    (transit_encryption.RULE, RG, {}, BAD, "transit_encryption_enabled is not set"),
    (transit_encryption.RULE, "aws_elasticache_user", {}, NA),
    (multi_az.RULE, RG, {"multi_az_enabled": True, "automatic_failover_enabled": True, "num_cache_clusters": 2}, OK),
    (multi_az.RULE, RG, {"multi_az_enabled": True, "automatic_failover_enabled": True,
                         "replicas_per_node_group": 1}, OK),
    (multi_az.RULE, RG, {"num_cache_clusters": 1}, BAD, "multi_az_enabled is not set"),
    (multi_az.RULE, RG, {"multi_az_enabled": True, "automatic_failover_enabled": True, "num_cache_clusters": 1}, BAD,
     "num_cache_clusters is 1, must be at least 2"),
    (multi_az.RULE, "aws_db_instance", {"multi_az": True}, NA),
    (snapshot_retention.RULE, RG, {"snapshot_retention_limit": 15}, OK),
    (snapshot_retention.RULE, RG, {}, BAD, "snapshot_retention_limit is 0, must be at least 15"),
    (snapshot_retention.RULE, "aws_elasticache_serverless_cache", {}, NA),
    (final_snapshot.RULE, RG, {"final_snapshot_identifier": "acme-prod-redis-final"}, OK),
    (final_snapshot.RULE, RG, {}, BAD, "final_snapshot_identifier is not set"),
    (final_snapshot.RULE, "aws_db_instance", {}, NA),
    (authentication.RULE, RG, {"user_group_ids": ["${aws_elasticache_user_group.Users.user_group_id}"]}, OK),
    (authentication.RULE, RG, {"auth_token": "${aws_secretsmanager_secret_version.Token.secret_string}"}, OK),
    (authentication.RULE, RG, {"user_group_ids": []}, BAD, "neither user_group_ids"),
    (authentication.RULE, "aws_elasticache_user_group", {}, NA),
    (logging.RULE, RG, {"log_delivery_configuration": [{"log_type": "slow-log"}, {"log_type": "engine-log"}]}, OK),
    (logging.RULE, RG, {"log_delivery_configuration": [{"log_type": "slow-log"}]}, BAD, "lacks engine-log"),
    (logging.RULE, "aws_cloudwatch_log_group", {}, NA),
    (encryption_in_transit.RULE, MSK, {"encryption_info": {"encryption_in_transit": {"client_broker": "TLS",
                                                                                     "in_cluster": True}}}, OK),
    (encryption_in_transit.RULE, MSK, {}, OK),
    (encryption_in_transit.RULE, MSK,
     {"encryption_info": {"encryption_in_transit": {"client_broker": "TLS_PLAINTEXT"}}},
     BAD, "client_broker is 'TLS_PLAINTEXT'"),
    (encryption_in_transit.RULE, MSK, {"encryption_info": {"encryption_in_transit": {"in_cluster": False}}}, BAD,
     "in_cluster is false"),
    (encryption_in_transit.RULE, "aws_msk_configuration", {}, NA),
    (msk_key.RULE, MSK, {"encryption_info": {"encryption_at_rest_kms_key_arn": "${aws_kms_key.Key.arn}"}}, OK),
    (msk_key.RULE, MSK, {}, BAD, "aws/kafka"),
    (msk_key.RULE, RG, {}, NA),
    (msk_authentication.RULE, MSK, {"client_authentication": {"sasl": {"iam": True}, "unauthenticated": False}}, OK),
    (msk_authentication.RULE, MSK, {"client_authentication": {"tls": {"certificate_authority_arns": ["arn:ca"]}}}, OK),
    (msk_authentication.RULE, MSK, {"client_authentication": {"sasl": {"iam": True}, "unauthenticated": True}}, BAD,
     "unauthenticated is true"),
    (msk_authentication.RULE, MSK, {}, BAD, "no client authentication"),
    (msk_authentication.RULE, "aws_msk_scram_secret_association", {}, NA),
    (broker_logs.RULE, MSK, {"logging_info": {"broker_logs": {"cloudwatch_logs": {"enabled": True,
                                                                                  "log_group": "/aws/msk"}}}}, OK),
    (broker_logs.RULE, MSK, {"logging_info": {"broker_logs": {"cloudwatch_logs": {"enabled": False}}}}, BAD,
     "no enabled destination"),
    (broker_logs.RULE, "aws_cloudwatch_log_group", {}, NA),
    (enhanced_monitoring.RULE, MSK, {"enhanced_monitoring": "PER_TOPIC_PER_BROKER"}, OK),
    (enhanced_monitoring.RULE, MSK, {}, BAD, "enhanced_monitoring is not set"),
    (enhanced_monitoring.RULE, MSK, {"enhanced_monitoring": "DEFAULT"}, BAD, "'DEFAULT'"),
    (enhanced_monitoring.RULE, "aws_msk_configuration", {}, NA),
    (no_public_access.RULE, MSK, {"broker_node_group_info": {"client_subnets": ["${aws_subnet.A.id}"]}}, OK),
    (no_public_access.RULE, MSK, {"broker_node_group_info": {"connectivity_info": {
        "public_access": {"type": "SERVICE_PROVIDED_EIPS"}}}}, BAD, "'SERVICE_PROVIDED_EIPS'"),
    (no_public_access.RULE, "aws_msk_configuration", {}, NA),
    (replication_settings.RULE, "aws_msk_configuration", {"server_properties": GOOD_PROPERTIES}, OK),
    (replication_settings.RULE, "aws_msk_configuration", {"server_properties": "default.replication.factor=2\n"}, BAD,
     "default.replication.factor is 2, must be at least 3; min.insync.replicas is not set"),
    (replication_settings.RULE, "aws_msk_configuration", {"server_properties": GOOD_PROPERTIES.replace(
        "enable=false", "enable=true")}, BAD, "auto.create.topics.enable is true, must be false"),
    (replication_settings.RULE, MSK, {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_snapshot_retention_follows_the_policy_limit():
    assert_case(snapshot_retention.RULE, RG, {"snapshot_retention_limit": 7}, OK,
                limits=PolicyLimits(cache_snapshot_retention_days=7))


@pytest.mark.parametrize("service", [elasticache, msk], ids=lambda module: module.__name__)
def test_every_rule_has_its_outcomes(service):
    assert_covers(service, CASES)
