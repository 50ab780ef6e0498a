"""StateBucket: the versioned, KMS-encrypted, TLS-only S3 bucket that holds Terraform state."""

from __future__ import annotations

from pydantic import Field

from platform_constructs._internal.aws_context import account_id, partition
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.props import Props, StrictBool, StrictInt, StrictStr
from platform_constructs.security.buckets import expire_objects, secure_bucket
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
        self.log_bucket, log_bucket_policy = secure_bucket(self, "AccessLogs", log_bucket_name, lifecycle,
                                                           kms_key_arn=None, extra_statements=(log_delivery,))
        self.bucket, _ = secure_bucket(self, "State", props.bucket, lifecycle, kms_key_arn=self.key.arn)
        aws.s3_bucket_logging.S3BucketLoggingA(
            self, "StateAccessLogging", bucket=self.bucket.id, target_bucket=self.log_bucket.id,
            target_prefix=log_prefix, depends_on=[log_bucket_policy],  # delivery is allowed before it starts
        )
        expire_objects(self, "StateLifecycle", self.bucket, "expire-old-state-versions",
                        noncurrent_days=props.noncurrent_version_days)
        expire_objects(self, "AccessLogsLifecycle", self.log_bucket, "expire-access-logs",
                        noncurrent_days=30, current_days=props.access_log_retention_days)
        self.bucket_name: str = self.bucket.bucket
        self.bucket_arn: str = self.bucket.arn
        self.kms_key_arn: str = self.key.arn
