"""AWS-managed IAM policies too powerful for a workload: refused in ``pod_policy_arns``.

A pod's role should reach the application's own resources, through a customer-managed policy
scoped to them. The AWS-managed policies refused here grant administrator power over the whole
account or over a whole service in it (docs/decisions/0013-admin-grade-managed-policies.md):

* ``AdministratorAccess`` (and its ``AdministratorAccess-*`` variants), ``PowerUserAccess``,
  and the job-function policies ``SystemAdministrator``, ``NetworkAdministrator`` and
  ``DatabaseAdministrator``;
* every ``…FullAccess`` policy (``IAMFullAccess``, ``AmazonS3FullAccess``, ``AWSLambda_FullAccess``,
  …): ``<service>:*`` on every resource of the account, which for IAM, STS, KMS, S3 or
  Organizations is a path to administrator, and for any service reaches the other teams'
  resources and the platform's own (state buckets, keys, clusters).

Customer-managed policies (``arn:aws:iam::<account>:policy/…``) are reviewed where they are written.
"""

from __future__ import annotations

import re

#: Any partition, also the unresolved ``${data.aws_partition…}`` of a synthesized stack (the guardrail reads those).
_AWS_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/(?P<path>.+)$")
#: AWS-managed policies (path under ``policy/``) that make their holder an administrator.
ADMINISTRATOR_POLICIES: tuple[str, ...] = (
    "AdministratorAccess", "PowerUserAccess", "job-function/SystemAdministrator",
    "job-function/NetworkAdministrator", "job-function/DatabaseAdministrator",
)


def admin_grade_reason(policy_arn: str) -> str | None:
    """Why ``policy_arn`` is too powerful for a workload, or ``None`` when it is not refused."""
    match = _AWS_MANAGED.match(policy_arn)
    if match is None:
        return None
    path = match["path"]
    name = path.rsplit("/", 1)[-1]
    if path in ADMINISTRATOR_POLICIES or name.startswith("AdministratorAccess"):
        return f"{path} makes the pods administrators of the account"
    if name.endswith("FullAccess"):
        return f"{path} grants every action of a service on every resource of the account"
    return None
