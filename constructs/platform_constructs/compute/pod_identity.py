"""IAM roles that Kubernetes service accounts assume through EKS Pod Identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from platform_constructs._internal.aws_context import partition, policy_document
from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformResource, aws
from platform_constructs.security.grants import PolicyStatement

#: Name of the inline policy that holds a pod role's grants.
GRANTS_POLICY_NAME = "grants"

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


class PodRole:
    """The IAM role of one service account's pods (EKS Pod Identity), extended only through grants.

    Stores add statements with their ``grant_*`` methods (:class:`~platform_constructs.security.grants.Grantee`);
    they land in one inline policy (``grants``), created with the first statement, so a role without grants has
    no policy at all. ``managed_policy_arns`` (full ARNs) are attached exclusively: a policy attached by hand
    outside Terraform is detached again on the next apply.

    The resources are children of ``scope`` named ``{base_id}Role``, ``{base_id}Policies`` and ``{base_id}Grants``
    (not of a construct of their own, so the pod roles keep the addresses they had before grants existed).
    """

    def __init__(self, scope: Construct, base_id: str, *, name: str, subject: ServiceAccountRef,
                 description: str, managed_policy_arns: Sequence[str] = ()) -> None:
        self._scope = scope
        self._base_id = base_id
        self.role = aws.iam_role.IamRole(scope, f"{base_id}Role", name=name, description=description,
                                         assume_role_policy=pod_identity_trust_policy(subject))
        aws.iam_role_policy_attachments_exclusive.IamRolePolicyAttachmentsExclusive(
            scope, f"{base_id}Policies", role_name=self.role.name, policy_arns=list(managed_policy_arns))
        self.statements: list[PolicyStatement] = []
        self._policy: aws.iam_role_policy.IamRolePolicy | None = None
        self.arn: str = self.role.arn
        self.name: str = self.role.name

    @property
    def resources(self) -> list[TerraformResource]:
        """The role and its grants policy: what a pod needs in place before it asks for credentials."""
        return [self.role] if self._policy is None else [self.role, self._policy]

    def add_to_policy(self, statement: PolicyStatement) -> None:
        """Add ``statement`` to the role's ``grants`` policy; an identical statement is added once, and two
        different statements may not share a statement id."""
        for existing in self.statements:
            if existing.sid == statement.sid:
                if existing != statement:
                    raise ValueError(f"statement id {statement.sid} is already used by another statement")
                return
        self.statements.append(statement)
        document = policy_document(*(item.to_json() for item in self.statements))
        if self._policy is None:
            self._policy = aws.iam_role_policy.IamRolePolicy(self._scope, f"{self._base_id}Grants", role=self.role.id,
                                                             name=GRANTS_POLICY_NAME, policy=document)
        else:
            self._policy.policy = document
