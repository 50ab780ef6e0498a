"""iam.no-admin-policies: no role, user or group gets an administrator-grade AWS-managed policy."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.security.managed_policies import admin_grade_reason

_SINGLE = ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment",
           "aws_iam_group_policy_attachment")
_LISTS = {"aws_iam_role_policy_attachments_exclusive": "policy_arns", "aws_iam_role": "managed_policy_arns"}


def _check(resource: Resource, _limits: object) -> Verdict:
    field = _LISTS.get(resource.type, "policy_arn")
    arns = resource.get(field) or []
    arns = arns if isinstance(arns, list) else [arns]
    refused = [str(arn).split(":policy/", 1)[-1] for arn in arns if admin_grade_reason(str(arn)) is not None]
    return Verdict.require(not refused, f"{field} attaches {', '.join(refused)}")


RULE = Rule(
    id="iam.no-admin-policies", severity=Severity.HIGH, resource_types=(*_SINGLE, *_LISTS),
    summary="no principal gets an administrator-grade AWS-managed policy (AdministratorAccess, PowerUserAccess, "
            "job-function administrators, any …FullAccess)",
    fix="grant exactly what is needed: declare data stores in [apps.<name>.uses], or attach a narrow policy",
    check=_check,
)
