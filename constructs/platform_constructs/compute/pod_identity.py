"""IAM roles that Kubernetes service accounts assume through EKS Pod Identity."""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.aws_context import partition, policy_document
from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, aws

#: The service principal of the EKS Pod Identity agent; it needs TagSession to pass session tags.
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"


def pod_identity_trust_policy() -> str:
    """Trust policy letting EKS Pod Identity hand the role to an associated service account."""
    return policy_document({
        "Effect": "Allow",
        "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
    })


def pod_identity_role(scope: Construct, construct_id: str, *, name: str,
                      managed_policies: Sequence[str]) -> aws.iam_role.IamRole:
    """A role for Pod Identity with AWS-managed policies attached (names like ``service-role/X``).

    The attachments are children of ``scope`` named ``{construct_id}{policy}``.
    """
    role = aws.iam_role.IamRole(scope, construct_id, name=name, assume_role_policy=pod_identity_trust_policy())
    attach_managed_policies(scope, construct_id, role, managed_policies)
    return role


def attach_managed_policies(scope: Construct, construct_id: str, role: aws.iam_role.IamRole,
                            managed_policies: Sequence[str]) -> list[aws.iam_role_policy_attachment.IamRolePolicyAttachment]:
    """Attach AWS-managed policies (``AmazonEKSClusterPolicy``, ``service-role/X``) to ``role``."""
    aws_partition = partition(scope)
    return [
        aws.iam_role_policy_attachment.IamRolePolicyAttachment(
            scope, f"{construct_id}{pascal_id(policy.rsplit('/', 1)[-1])}", role=role.name,
            policy_arn=f"arn:{aws_partition}:iam::aws:policy/{policy}",
        )
        for policy in managed_policies
    ]
