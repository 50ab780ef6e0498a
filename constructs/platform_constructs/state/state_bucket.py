"""StateBucket: the versioned, KMS-encrypted, TLS-only S3 bucket that holds Terraform state."""

from __future__ import annotations

from pydantic import Field

from platform_constructs._internal.aws_context import account_id, partition, policy_document
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.props import Props, StrictBool, StrictInt, StrictStr
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps


class StateBucketProps(Props):
    """Props of :class:`StateBucket`."""

    bucket: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    """Bucket name. Default: required."""
    kms_alias: StrictStr = Field(pattern=r"^alias/[a-zA-Z0-9/_-]+$")
    """Alias of the key that encrypts state objects; the S3 backend names it in ``kms_key_id``. Default: required."""
    noncurrent_version_days: StrictInt = Field(default=365, ge=30)
    """Days a replaced state version is kept for rollback before it expires. Default: 365."""
    access_log_retention_days: StrictInt = Field(default=365, ge=90)
    """Days server access logs of the state bucket are kept. Default: 365."""
    prevent_destroy: StrictBool = True
    """Refuse ``terraform destroy`` of the bucket (lifecycle ``prevent_destroy``). Default: ``True``."""


class StateBucket(Construct):
    """The state bucket, its key and its access-log bucket.

    - versioning on, so every earlier state can be restored (infrastructure rollback);
    - SSE-KMS with a rotating key, public access blocked, ACLs disabled;
    - a bucket policy that refuses plain HTTP and TLS below 1.2;
    - old versions expire after ``noncurrent_version_days``; incomplete uploads after 7 days;
    - server access logs to a separate bucket (which cannot use SSE-KMS: log delivery requires SSE-S3),
      whose policy lets only the S3 logging service, on behalf of the state bucket, write them;
    - ``prevent_destroy`` so a stray destroy cannot take the platform's memory with it.

    Locking uses S3 lock files (``use_lockfile``), so no DynamoDB table is created.
    """

    def __init__(self, scope: Construct, construct_id: str, *, props: StateBucketProps) -> None:
        super().__init__(scope, construct_id)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=props.prevent_destroy)
        self.key = KmsKey(self, "Key", props=KmsKeyProps(
            alias=props.kms_alias.removeprefix("alias/"), description=f"Terraform state in s3://{props.bucket}",
        ))
        log_prefix = f"s3/{props.bucket}/"
        log_bucket_name = f"{props.bucket}-access-logs"
        # With ACLs disabled (BucketOwnerEnforced) only the bucket policy can let S3 deliver access logs.
        log_delivery = {
            "Sid": "AllowServerAccessLogDelivery", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": f"arn:{partition(self)}:s3:::{log_bucket_name}/{log_prefix}*",
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:{partition(self)}:s3:::{props.bucket}"},
                          "StringEquals": {"aws:SourceAccount": account_id(self)}},
        }
        self.log_bucket, log_bucket_policy = self._bucket("AccessLogs", log_bucket_name, lifecycle, kms_key_arn=None,
                                                          extra_statements=(log_delivery,))
        self.bucket, _ = self._bucket("State", props.bucket, lifecycle, kms_key_arn=self.key.arn)
        aws.s3_bucket_logging.S3BucketLoggingA(
            self, "StateAccessLogging", bucket=self.bucket.id, target_bucket=self.log_bucket.id,
            target_prefix=log_prefix, depends_on=[log_bucket_policy],  # delivery is allowed before it starts
        )
        self._lifecycle("StateLifecycle", self.bucket, "expire-old-state-versions",
                        noncurrent_days=props.noncurrent_version_days)
        self._lifecycle("AccessLogsLifecycle", self.log_bucket, "expire-access-logs",
                        noncurrent_days=30, current_days=props.access_log_retention_days)
        self.bucket_name: str = self.bucket.bucket
        self.bucket_arn: str = self.bucket.arn
        self.kms_key_arn: str = self.key.arn

    def _lifecycle(self, construct_id: str, bucket: aws.s3_bucket.S3Bucket, rule_id: str, *,
                   noncurrent_days: int, current_days: int | None = None) -> None:
        """Expire replaced versions (and, when given, current objects); abort stale multipart uploads."""
        lifecycle = aws.s3_bucket_lifecycle_configuration
        expiration = [lifecycle.S3BucketLifecycleConfigurationRuleExpiration(days=current_days)] if current_days else None
        lifecycle.S3BucketLifecycleConfiguration(
            self, construct_id, bucket=bucket.id,
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

    def _bucket(self, construct_id: str, name: str, lifecycle: TerraformResourceLifecycle,
                kms_key_arn: str | None, extra_statements: tuple[dict, ...] = (),
                ) -> tuple[aws.s3_bucket.S3Bucket, aws.s3_bucket_policy.S3BucketPolicy]:
        bucket = aws.s3_bucket.S3Bucket(self, f"{construct_id}Bucket", bucket=name, force_destroy=False,
                                        lifecycle=lifecycle)
        aws.s3_bucket_versioning.S3BucketVersioningA(
            self, f"{construct_id}Versioning", bucket=bucket.id,
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
            self, f"{construct_id}Encryption", bucket=bucket.id,
            rule=[encryption.S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default=default, bucket_key_enabled=kms_key_arn is not None)],
        )
        aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock(
            self, f"{construct_id}PublicAccessBlock", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        )
        aws.s3_bucket_ownership_controls.S3BucketOwnershipControls(
            self, f"{construct_id}Ownership", bucket=bucket.id,
            rule=aws.s3_bucket_ownership_controls.S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        policy = aws.s3_bucket_policy.S3BucketPolicy(
            self, f"{construct_id}Policy", bucket=bucket.id,
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
