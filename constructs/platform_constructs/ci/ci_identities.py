"""CiIdentities: the two AWS identities of the Jenkins agents, in the tooling account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from platform_constructs._internal.aws_context import policy_document
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.ci.ci_access import PLANNER_POLICIES
from platform_constructs.ci.ci_props import AgentIdentity, CiProps, ci_role_name, planner_role_name
from platform_constructs.compute.pod_identity import ServiceAccountRef, attach_managed_policies, pod_identity_role
from platform_constructs.naming import Naming

#: Reading a state object; the apply identity also writes state and its S3 lock file, and reads earlier
#: versions of the state (``platformctl rollback-infra``).
STATE_READ = ("s3:GetObject",)
STATE_WRITE = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject")
#: What a release needs of the registry: the images and their lifecycle policy, and a new tag on an image.
REGISTRY_RELEASE = ("ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:PutImage")
#: Pushing an image (BuildKit checks for existing layers, uploads the missing ones, puts the manifest).
REGISTRY_PUSH = ("ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                 "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage")
#: Pulling an image and reading what the registry's scanning found in it.
REGISTRY_SCAN = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages",
                 "ecr:DescribeImageScanFindings")
#: The registry token (``docker login``); the action has no resource to narrow it to.
REGISTRY_TOKEN = ("ecr:GetAuthorizationToken",)
#: Inspector findings of the registry's images (``promote`` to prod, ``platformctl findings``); ListFindings
#: has no resource to narrow it to, and reads findings only.
IMAGE_FINDINGS = ("inspector2:ListFindings",)


@dataclass(frozen=True)
class TargetRoles:
    """The roles of one deployment target (shared or an environment) the CI identities may assume."""

    deploy_role_arn: str
    planner_role_arn: str
    further_deploy_role_arns: tuple[str, ...] = ()
    """Roles a change of the target assumes besides its deploy role (its DNS delegation role in the tooling
    account); only the apply identity may assume them."""


@dataclass(frozen=True)
class StatePrefix:
    """Where one target keeps its stacks' state: ``s3://{bucket}/{key_prefix}/``."""

    bucket: str
    key_prefix: str


class CiIdentities(Construct):
    """The AWS identities of the Jenkins agents (EKS Pod Identity on the CI cluster).

    - ``{prefix}-shared-ci-plan``: only pods of the plan service account (``ci.plan``) on the CI
      cluster get it (trust policy pinned to cluster, namespace and service account). It may assume
      every target's planner role and read the state objects, and write nothing: branch builds plan
      with ``-lock=false``.
    - ``{prefix}-shared-ci-apply``: only pods of the apply service account (``ci.apply``). It may
      assume every target's deploy role (and an environment's DNS delegation role), read and write the
      targets' state objects (and their lock files), read the registry's images and lifecycle policy
      and tag an image as deployed.
    - ``{prefix}-shared-ci-image-push`` and ``…-ci-image-scan``: the image build's pods may push to
      the application repositories, the scanners' pods may pull from them and read scan findings;
      neither may touch an environment. Every other pod of the ``ci-build`` cloud (tests, the
      application's own code) has no AWS identity.
    - ``{prefix}-shared-ci-planner``: the tooling account's own planner role (read-only plans of the
      shared stack). Each environment's planner comes from its platform stack (:class:`CiAccess`).

    Which Jenkins jobs may start pods in which namespace is the Jenkins configuration (a Kubernetes
    cloud per namespace, restricted to folders; cicd/jobs.groovy): the Jenkinsfile cannot choose.

    Example::

        CiIdentities(self, "Ci", ci=shared.ci, naming=Naming("acme", "shared"), tooling_account_id="444444444444",
                     targets=[TargetRoles(deployer, planner)], state=[StatePrefix("acme-tfstate", "platform/dev")],
                     state_key_arns=[key.arn], repository_arns=registry.repository_arns.values())
    """

    def __init__(self, scope: Construct, construct_id: str, *, ci: CiProps, naming: Naming, tooling_account_id: str,
                 targets: Sequence[TargetRoles], state: Sequence[StatePrefix], state_key_arns: Sequence[str],
                 repository_arns: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        self._ci, self._naming, self._account = ci, naming, tooling_account_id
        self.plan_role = self._create_identity("plan", ci.plan, [
            _statement("AssumePlannerRoles", ["sts:AssumeRole"], [target.planner_role_arn for target in targets]),
            *_state_statements(state, STATE_READ, state_key_arns, write=False),
        ])
        self.apply_role = self._create_identity("apply", ci.apply, [
            _statement("AssumeDeployRoles", ["sts:AssumeRole"], [
                arn for target in targets for arn in (target.deploy_role_arn, *target.further_deploy_role_arns)]),
            *_state_statements(state, STATE_WRITE, state_key_arns, write=True),
            _statement("TagDeployedImages", list(REGISTRY_RELEASE), list(repository_arns)),
            _statement("ReadImageFindings", list(IMAGE_FINDINGS), ["*"]),
        ])
        self.image_push_role = self._create_identity("image-push", ci.image_push, [
            _statement("RegistryToken", list(REGISTRY_TOKEN), ["*"]),
            _statement("PushImages", list(REGISTRY_PUSH), list(repository_arns)),
        ])
        self.image_scan_role = self._create_identity("image-scan", ci.image_scan, [
            _statement("RegistryToken", list(REGISTRY_TOKEN), ["*"]),
            _statement("ReadImages", list(REGISTRY_SCAN), list(repository_arns)),
        ])
        self.planner_role = self._create_planner()

    def _create_identity(self, name: str, identity: AgentIdentity,
                         statements: list[dict[str, Any]]) -> aws.iam_role.IamRole:
        subject = ServiceAccountRef(self._account, self._ci.cluster_name, identity.namespace, identity.service_account)
        construct_name = name.title().replace("-", "")
        role = pod_identity_role(self, f"{construct_name}Role", name=ci_role_name(self._naming, name), subject=subject,
                                 managed_policies=())
        aws.iam_role_policy.IamRolePolicy(self, f"{construct_name}Policy", role=role.name,
                                          policy=policy_document(*statements))
        aws.eks_pod_identity_association.EksPodIdentityAssociation(
            self, f"{construct_name}Association", cluster_name=self._ci.cluster_name, namespace=identity.namespace,
            service_account=identity.service_account, role_arn=role.arn,
        )
        return role

    def _create_planner(self) -> aws.iam_role.IamRole:
        role = aws.iam_role.IamRole(
            self, "PlannerRole", name=planner_role_name(self._naming),
            description="Read-only plans of the shared stack (CI plan identity)",
            assume_role_policy=policy_document({"Effect": "Allow", "Principal": {"AWS": self.plan_role.arn},
                                                "Action": "sts:AssumeRole"}),
        )
        attach_managed_policies(self, "PlannerRole", role, PLANNER_POLICIES)
        return role


def _statement(sid: str, actions: list[str], resources: list[str],
               condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": sorted(set(resources))}
    if condition:
        statement["Condition"] = condition
    return statement


def _state_statements(state: Sequence[StatePrefix], actions: Sequence[str], key_arns: Sequence[str], *,
                      write: bool) -> list[dict[str, Any]]:
    buckets = sorted({prefix.bucket for prefix in state})
    kms = ["kms:Decrypt", *(["kms:Encrypt", "kms:GenerateDataKey"] if write else [])]
    listing = ["s3:ListBucket", *(["s3:ListBucketVersions"] if write else [])]
    return [
        _statement("StateObjects", list(actions),
                   [f"arn:aws:s3:::{prefix.bucket}/{prefix.key_prefix}/*" for prefix in state]),
        _statement("StateListing", listing, [f"arn:aws:s3:::{bucket}" for bucket in buckets],
                   {"StringLike": {"s3:prefix": sorted({f"{prefix.key_prefix}/*" for prefix in state})}}),
        _statement("StateEncryption", kms, list(key_arns)),
    ]
