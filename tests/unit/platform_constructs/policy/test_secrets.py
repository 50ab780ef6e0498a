"""The secret-literal scanner used by the no-secret rule and the synthesized-JSON scan."""

import pytest

from platform_constructs.policy.secrets import is_secret_key, secret_literals


@pytest.mark.parametrize(("key", "secret"), [
    ("password", True), ("master_password", True), ("auth_token", True), ("secret_key", True), ("token", True),
    ("secret_string", True), ("password_wo", True), ("api_key", True), ("private_key", True),
    ("manage_master_user_password", False), ("master_user_secret_kms_key_id", False), ("secret_arn", False),
    ("auth_token_update_strategy", False), ("password_wo_version", False), ("authentication_mode", False),
    ("kms_key_id", False), ("http_tokens", False), ("secret_status", False),
    ("iam_database_authentication_enabled", False), ("enable_secret_rotation", False),
    ("/acme/dev/platform/postgres/master-secret-arn", False),
    ("/acme/dev/platform/postgres/master-secret-key-arn", False),
    ("/acme/dev/app/db-password", True), ("api-token", True),
])
def test_secret_keys(key, secret):
    assert is_secret_key(key) is secret


@pytest.mark.parametrize(("document", "paths"), [
    ({"resource": {"aws_db_instance": {"Db": {"password": "hunter2"}}}}, ["resource.aws_db_instance.Db.password"]),
    ({"password": "${random_password.p.result}"}, []),
    ({"password": ""}, []),
    ({"auth_token_update_strategy": "ROTATE", "manage_master_user_password": True}, []),
    ({"env": [{"name": "API_TOKEN", "value": "abc"}, {"name": "LOG_LEVEL", "value": "info"}]}, ["env.0.value"]),
    ({"env": [{"name": "API_TOKEN_SECRET_ARN", "value": "arn:aws:secretsmanager:x"}]}, []),
    ({"aws_ssm_parameter.P": {"name": "/acme/dev/platform/postgres/master-secret-arn",
                              "value": "arn:aws:secretsmanager:x"}}, []),
    ({"aws_ssm_parameter.P": {"name": "/acme/dev/app/db-password", "value": "hunter2"}}, ["aws_ssm_parameter.P.value"]),
    ({"variable": {"db_password": {"type": "string", "default": "letmein"}}}, ["variable.db_password.default"]),
    ({"variable": {"db_password": {"type": "string", "sensitive": True}}}, []),
    ({"provider": {"aws": [{"access_key": "AKIA...", "region": "eu-west-1"}]}}, ["provider.aws.0.access_key"]),
    ({"//": {"password": "only a comment"}}, []),
])
def test_secret_literals_are_found_by_path(document, paths):
    assert list(secret_literals(document)) == paths
