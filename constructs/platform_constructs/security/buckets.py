"""The parts every bucket of the platform has: versioning, default encryption, no public access, no
ACLs, a TLS-only policy, and lifecycle expiry.

Functions rather than a construct: they create their resources directly under ``scope`` with ids
derived from ``construct_id``, so the buckets created before these helpers existed (the state
buckets) keep their Terraform addresses.
"""

from __future__ import annotations

from typing import Any

from platform_constructs._internal.aws_context import policy_document
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws


def secure_bucket(scope: Construct, construct_id: str, name: str, lifecycle: TerraformResourceLifecycle,
                  kms_key_arn: str | None, extra_statements: tuple[dict[str, Any], ...] = (),
                  ) -> tuple[aws.s3_bucket.S3Bucket, aws.s3_bucket_policy.S3BucketPolicy]:
    """A versioned bucket with public access blocked, ACLs disabled and a policy refusing plain HTTP and
    TLS below 1.2; SSE-KMS with ``kms_key_arn``, or SSE-S3 without one (where a service writing into the
    bucket accepts nothing else). ``extra_statements`` join the bucket policy."""
    bucket = aws.s3_bucket.S3Bucket(scope, f"{construct_id}Bucket", bucket=name, force_destroy=False,
                                    lifecycle=lifecycle)
    aws.s3_bucket_versioning.S3BucketVersioningA(
        scope, f"{construct_id}Versioning", bucket=bucket.id,
        versioning_configuration=aws.s3_bucket_versioning.S3BucketVersioningVersioningConfiguration(status="Enabled"),
    )
    encryption = aws.s3_bucket_server_side_encryption_configuration
    default = (
        encryption.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn)
        if kms_key_arn is not None
        else encryption.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm="AES256")
    )
    encryption.S3BucketServerSideEncryptionConfigurationA(
        scope, f"{construct_id}Encryption", bucket=bucket.id,
        rule=[encryption.S3BucketServerSideEncryptionConfigurationRuleA(
            apply_server_side_encryption_by_default=default, bucket_key_enabled=kms_key_arn is not None)],
    )
    aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock(
        scope, f"{construct_id}PublicAccessBlock", bucket=bucket.id, block_public_acls=True,
        block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
    )
    aws.s3_bucket_ownership_controls.S3BucketOwnershipControls(
        scope, f"{construct_id}Ownership", bucket=bucket.id,
        rule=aws.s3_bucket_ownership_controls.S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
    )
    policy = aws.s3_bucket_policy.S3BucketPolicy(
        scope, f"{construct_id}Policy", bucket=bucket.id,
        policy=policy_document(
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [bucket.arn, f"{bucket.arn}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "DenyOutdatedTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [bucket.arn, f"{bucket.arn}/*"],
             "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
            *extra_statements,
        ),
    )
    return bucket, policy


def expire_objects(scope: Construct, construct_id: str, bucket: aws.s3_bucket.S3Bucket, rule_id: str, *,
                   noncurrent_days: int, current_days: int | None = None) -> None:
    """Expire replaced versions (and, when given, current objects); abort stale multipart uploads."""
    lifecycle = aws.s3_bucket_lifecycle_configuration
    expiration = [lifecycle.S3BucketLifecycleConfigurationRuleExpiration(days=current_days)] if current_days else None
    lifecycle.S3BucketLifecycleConfiguration(
        scope, construct_id, bucket=bucket.id,
        rule=[lifecycle.S3BucketLifecycleConfigurationRule(
            id=rule_id, status="Enabled",
            filter=[lifecycle.S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            expiration=expiration,
            noncurrent_version_expiration=[
                lifecycle.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_days)],
            abort_incomplete_multipart_upload=[
                lifecycle.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)],
        )],
    )
