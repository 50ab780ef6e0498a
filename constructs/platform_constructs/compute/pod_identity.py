"""IAM roles that Kubernetes service accounts assume through EKS Pod Identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from platform_constructs._internal.aws_context import partition, policy_document
from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, aws

#: The service principal of the EKS Pod Identity agent; it needs TagSession to pass session tags.
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"


@dataclass(frozen=True)
class ServiceAccountRef:
    """The one Kubernetes service account a Pod Identity role is for."""

    account_id: str
    """AWS account of the cluster (a plain id or a token)."""
    cluster_name: str
    """EKS cluster name."""
    namespace: str
    """Namespace of the service account."""
    service_account: str
    """Service account name."""


def pod_identity_trust_policy(subject: ServiceAccountRef) -> str:
    """Trust policy: only EKS Pod Identity may assume the role, and only for ``subject``.

    Pod Identity sets the session tags ``eks-cluster-name``, ``kubernetes-namespace`` and
    ``kubernetes-service-account``; requiring them means an association made for any other
    service account or cluster cannot obtain the role.
    """
    return policy_document({
        "Effect": "Allow",
        "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {
            "aws:SourceAccount": subject.account_id,
            "aws:RequestTag/eks-cluster-name": subject.cluster_name,
            "aws:RequestTag/kubernetes-namespace": subject.namespace,
            "aws:RequestTag/kubernetes-service-account": subject.service_account,
        }},
    })


def pod_identity_role(scope: Construct, construct_id: str, *, name: str, subject: ServiceAccountRef,
                      managed_policies: Sequence[str]) -> aws.iam_role.IamRole:
    """A role for Pod Identity with AWS-managed policies attached (names like ``service-role/X``).

    The attachments are children of ``scope`` named ``{construct_id}{policy}``.
    """
    role = aws.iam_role.IamRole(scope, construct_id, name=name, assume_role_policy=pod_identity_trust_policy(subject))
    attach_managed_policies(scope, construct_id, role, managed_policies)
    return role


def attach_managed_policies(
    scope: Construct, construct_id: str, role: aws.iam_role.IamRole, managed_policies: Sequence[str],
) -> list[aws.iam_role_policy_attachment.IamRolePolicyAttachment]:
    """Attach AWS-managed policies (``AmazonEKSClusterPolicy``, ``service-role/X``) to ``role``."""
    aws_partition = partition(scope)
    return [
        aws.iam_role_policy_attachment.IamRolePolicyAttachment(
            scope, f"{construct_id}{pascal_id(policy.rsplit('/', 1)[-1])}", role=role.name,
            policy_arn=f"arn:{aws_partition}:iam::aws:policy/{policy}",
        )
        for policy in managed_policies
    ]
