"""iam.no-admin-policies: no role, user or group gets AdministratorAccess, PowerUserAccess or IAMFullAccess."""

from platform_constructs.access.least_privilege import ADMIN_POLICY_NAMES, admin_policy_name
from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

_SINGLE = ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment",
           "aws_iam_group_policy_attachment")
_LISTS = {"aws_iam_role_policy_attachments_exclusive": "policy_arns", "aws_iam_role": "managed_policy_arns"}


def _check(resource: Resource, _limits: object) -> Verdict:
    field = _LISTS.get(resource.type, "policy_arn")
    arns = resource.get(field) or []
    arns = arns if isinstance(arns, list) else [arns]
    admin = [name for arn in arns if (name := admin_policy_name(str(arn))) is not None]
    return Verdict.require(not admin, f"{field} attaches {', '.join(admin)}")


RULE = Rule(
    id="iam.no-admin-policies", severity=Severity.HIGH, resource_types=(*_SINGLE, *_LISTS),
    summary=f"no principal gets an administrator policy ({', '.join(ADMIN_POLICY_NAMES)})",
    fix="grant exactly what is needed: declare data stores in [apps.<name>.uses], or attach a narrow policy",
    check=_check,
)
