"""Rules for every resource type: no secret literals; prevent_destroy on stateful resources."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.rules import general
from platform_constructs.policy.rules.general import no_secret_literals, prevent_destroy

NO_SECRETS, PREVENT = no_secret_literals.RULE, prevent_destroy.RULE

CASES = [
    (NO_SECRETS, "aws_db_instance", {"manage_master_user_password": True, "username": "app"}, OK),
    (NO_SECRETS, "aws_elasticache_replication_group",
     {"auth_token": "${aws_secretsmanager_secret_version.token.secret_string}"}, OK),
    (NO_SECRETS, "aws_db_instance", {"password": "hunter2hunter2"}, BAD, "at password"),
    (NO_SECRETS, "aws_elasticache_replication_group", {"auth_token": "s3cr3t-t0ken-value"}, BAD, "auth_token"),
    (NO_SECRETS, "kubernetes_deployment_v1", {"spec": {"template": {"spec": {"container": [
        {"env": [{"name": "DB_PASSWORD", "value": "plain"}]}]}}}}, BAD, "env.0.value"),
    (NO_SECRETS, "aws_secretsmanager_secret_version", {"secret_string": '{"password":"x"}'}, BAD, "secret_string"),
    (NO_SECRETS, "aws_opensearch_domain", {"advanced_security_options": {"master_user_options": {
        "master_user_password": "Admin123!"}}}, BAD, "master_user_options.master_user_password"),
    (PREVENT, "aws_db_instance", {"lifecycle": {"prevent_destroy": True}}, OK),
    (PREVENT, "aws_s3_bucket", {}, BAD, "lifecycle.prevent_destroy is not set"),
    (PREVENT, "aws_msk_cluster", {"lifecycle": {"prevent_destroy": False}}, BAD, "is false"),
    (PREVENT, "aws_kms_key", {}, NA),
    (PREVENT, "aws_security_group", {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_every_rule_has_its_outcomes():
    assert_covers(general, CASES)
