"""LoadBalancerLogBucket: where an environment's load balancers write their access logs."""

from __future__ import annotations

from platform_constructs._internal.aws_context import account_id, partition
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.security.buckets import expire_objects, secure_bucket

#: Service principal of load-balancer log delivery in regions opened since August 2022.
LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"
#: Days a replaced or deleted log object is kept (the bucket is versioned).
NONCURRENT_DAYS = 7


class LoadBalancerLogBucket(Construct):
    """A versioned, TLS-only, private bucket for ALB access logs, kept ``retention_days``.

    Load balancers deliver access logs only to buckets encrypted with SSE-S3 (AES256), never SSE-KMS,
    so this bucket uses SSE-S3. Its policy lets only Elastic Load Balancing write, and only below
    ``AWSLogs/<this account>/``: the region's ELB account (``aws_elb_service_account``) for regions
    older than August 2022, the log-delivery service principal for the others.

    Example::

        logs = LoadBalancerLogBucket(self, "LoadBalancerLogs", name="acme-prod-lb-logs-333333333333",
                                     retention_days=365, prevent_destroy=True)
        logs.bucket_name
    """

    def __init__(self, scope: Construct, construct_id: str, *, name: str, retention_days: int,
                 prevent_destroy: bool) -> None:
        super().__init__(scope, construct_id)
        aws_partition, account = partition(self), account_id(self)
        written = f"arn:{aws_partition}:s3:::{name}/*/AWSLogs/{account}/*"
        elb_account = aws.data_aws_elb_service_account.DataAwsElbServiceAccount(self, "ElbAccount")
        delivery = (
            {"Sid": "ElbAccountDelivery", "Effect": "Allow", "Principal": {"AWS": elb_account.arn},
             "Action": "s3:PutObject", "Resource": written},
            {"Sid": "LogDeliveryService", "Effect": "Allow", "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
             "Action": "s3:PutObject", "Resource": written,
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        )
        self.bucket, self.policy = secure_bucket(
            self, "AccessLogs", name, TerraformResourceLifecycle(prevent_destroy=prevent_destroy), kms_key_arn=None,
            extra_statements=delivery)
        expire_objects(self, "AccessLogsLifecycle", self.bucket, "expire-access-logs",
                       noncurrent_days=NONCURRENT_DAYS, current_days=retention_days)
        self.bucket_name: str = self.bucket.bucket
