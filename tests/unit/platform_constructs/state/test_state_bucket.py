"""State bucket (bootstrap stack): versioned, KMS-encrypted, TLS-only, private, undeletable."""

from __future__ import annotations

import json

from tfjson import resources_of

STATE_BUCKET = "acme-platform-tfstate-444444444444"


def _by_bucket(config, resource_type, bucket_resource):
    return [r for r in resources_of(config, resource_type).values()
            if r["bucket"] == f"${{aws_s3_bucket.{bucket_resource}.id}}"]


def _state_bucket(config):
    return next((name, body) for name, body in resources_of(config, "aws_s3_bucket").items()
                if body["bucket"] == STATE_BUCKET)


def test_one_state_bucket_for_the_distinct_bucket_in_the_configuration(stack_json):
    buckets = sorted(b["bucket"] for b in resources_of(stack_json("bootstrap"), "aws_s3_bucket").values())
    assert buckets == [STATE_BUCKET, f"{STATE_BUCKET}-access-logs"]


def test_state_bucket_is_versioned_and_encrypted_with_its_rotating_key(stack_json):
    config = stack_json("bootstrap")
    name, bucket = _state_bucket(config)
    assert bucket["force_destroy"] is False
    assert bucket["lifecycle"] == {"prevent_destroy": True}
    [versioning] = _by_bucket(config, "aws_s3_bucket_versioning", name)
    assert versioning["versioning_configuration"]["status"] == "Enabled"
    [encryption] = _by_bucket(config, "aws_s3_bucket_server_side_encryption_configuration", name)
    default = encryption["rule"][0]["apply_server_side_encryption_by_default"]
    assert default["sse_algorithm"] == "aws:kms"
    assert default["kms_master_key_id"].startswith("${aws_kms_key.")
    keys = resources_of(config, "aws_kms_key").values()
    assert keys
    assert all(key["enable_key_rotation"] is True for key in keys)
    aliases = [alias["name"] for alias in resources_of(config, "aws_kms_alias").values()]
    assert aliases == [f"alias/{STATE_BUCKET}"]


def test_state_bucket_is_private_and_tls_only(stack_json):
    config = stack_json("bootstrap")
    name, _ = _state_bucket(config)
    [block] = _by_bucket(config, "aws_s3_bucket_public_access_block", name)
    assert all(block[flag] is True for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                                "restrict_public_buckets"))
    [policy] = _by_bucket(config, "aws_s3_bucket_policy", name)
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["DenyOutdatedTls"]["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    assert all(s["Effect"] == "Deny" for s in statements.values())


def test_old_state_versions_are_kept_a_year_and_access_is_logged(stack_json):
    config = stack_json("bootstrap")
    name, _ = _state_bucket(config)
    [lifecycle] = _by_bucket(config, "aws_s3_bucket_lifecycle_configuration", name)
    rule = lifecycle["rule"][0]
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == 365
    assert rule["abort_incomplete_multipart_upload"][0]["days_after_initiation"] == 7
    [logging] = _by_bucket(config, "aws_s3_bucket_logging", name)
    assert logging["target_bucket"].startswith("${aws_s3_bucket.")


def test_access_logs_expire_after_a_year(stack_json):
    config = stack_json("bootstrap")
    log_bucket = next(name for name, body in resources_of(config, "aws_s3_bucket").items()
                      if body["bucket"] == f"{STATE_BUCKET}-access-logs")
    [lifecycle] = _by_bucket(config, "aws_s3_bucket_lifecycle_configuration", log_bucket)
    rule = lifecycle["rule"][0]
    assert rule["expiration"][0]["days"] == 365
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == 30
    assert rule["abort_incomplete_multipart_upload"][0]["days_after_initiation"] == 7


def test_bootstrap_keeps_its_own_state_outside_cdktf_out(stack_json):
    backend = stack_json("bootstrap")["terraform"]["backend"]
    assert backend == {"local": {"path": "../../../.state/bootstrap.tfstate"}}


def test_only_s3_log_delivery_for_the_state_bucket_may_write_access_logs(stack_json):
    config = stack_json("bootstrap")
    name, _ = _state_bucket(config)
    log_name = next(n for n, b in resources_of(config, "aws_s3_bucket").items() if b["bucket"].endswith("-access-logs"))
    [policy] = _by_bucket(config, "aws_s3_bucket_policy", log_name)
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    grant = statements["AllowServerAccessLogDelivery"]
    assert (grant["Effect"], grant["Principal"], grant["Action"]) == (
        "Allow", {"Service": "logging.s3.amazonaws.com"}, "s3:PutObject")
    assert grant["Resource"].endswith(f"{STATE_BUCKET}-access-logs/s3/{STATE_BUCKET}/*")
    assert grant["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f":s3:::{STATE_BUCKET}")
    assert [s["Effect"] for sid, s in statements.items() if sid != "AllowServerAccessLogDelivery"] == ["Deny", "Deny"]
    [logging] = _by_bucket(config, "aws_s3_bucket_logging", name)
    policy_name = next(n for n, p in resources_of(config, "aws_s3_bucket_policy").items() if p is policy)
    assert logging["depends_on"] == [f"aws_s3_bucket_policy.{policy_name}"], "delivery is allowed before logging starts"
