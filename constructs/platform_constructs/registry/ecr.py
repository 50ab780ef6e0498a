"""ContainerRegistry: the ECR repositories every environment pulls its images from."""

from __future__ import annotations

import re
from collections.abc import Sequence

from platform_constructs._internal.aws_context import policy_document
from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.registry.ecr_props import RegistryProps, repository_name
from platform_constructs.registry.lifecycle import InvalidLifecyclePolicy, parse_policy
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

#: What pulling an image needs on the repository side; ``ecr:GetAuthorizationToken`` is granted
#: in the puller's own account (the node role's ``AmazonEC2ContainerRegistryReadOnly``).
PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
_ROLE_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):role/[\w+=,.@/-]{1,512}$")


class ContainerRegistry(Construct):
    """ECR repositories with immutable tags, scanning, KMS encryption and typed lifecycle rules.

    - every repository: IMMUTABLE tags (a tag names one image forever, so promotion by tag or
      digest is safe), scan on push, encryption with one rotating KMS key (given, or created
      here), the lifecycle rules of ``props.lifecycle`` for ``environments`` (promotion order:
      each environment's deployed images are kept first, the last in the path with the highest
      priority);
    - the registry: enhanced scanning (Amazon Inspector, continuous, all repositories) when
      ``props.enhanced_scanning``, else basic scan on push;
    - pulls: each repository policy lets exactly the roles in ``pull_role_arns`` pull. The
      principal is the role's account root, narrowed by ``aws:PrincipalArn``, so the policy is
      valid before those roles exist (they live in other accounts and other stacks);
    - ``props.force_delete`` lets Terraform delete repositories that hold images;
      ``props.deletion_protection`` adds ``prevent_destroy``.

    Example::

        registry = ContainerRegistry(self, "Registry", props=RegistryProps(repositories=("api",)),
                                     naming=Naming("acme", "shared"), environments=["dev", "prod"],
                                     pull_role_arns=["arn:aws:iam::111111111111:role/acme-dev-eks-node"])
        registry.repository_urls["api"]
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: RegistryProps,
        naming: Naming,
        environments: Sequence[str] = (),
        pull_role_arns: Sequence[str] = (),
        kms_key: KmsKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # validate
        pullers = [self._parse_role_arn(index, arn) for index, arn in enumerate(pull_role_arns)]
        self._lifecycle_policy = self._checked_lifecycle(props, environments)
        # resolve defaults
        names = {repo: repository_name(naming, repo) for repo in props.repositories}
        self.kms_key = kms_key or KmsKey(self, "Key", props=KmsKeyProps(
            alias=naming.name("ecr"), description="Container images in ECR"))
        pull_policy = _pull_policy(pullers) if pullers else None

        # create resources
        self._create_scanning_configuration(props.enhanced_scanning)
        self.repositories = {
            repo: self._create_repository(repo, name, props, pull_policy) for repo, name in names.items()
        }

        # expose attributes
        self.repository_urls: dict[str, str] = {repo: r.repository_url for repo, r in self.repositories.items()}
        self.repository_arns: dict[str, str] = {repo: r.arn for repo, r in self.repositories.items()}

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "repository_urls": self.repository_urls,
            "repository_arns": self.repository_arns,
            "kms_key_arn": self.kms_key.arn,
        }

    def _parse_role_arn(self, index: int, arn: str) -> tuple[str, str, str]:
        """``(partition, account, arn)`` of one pull role; refuses anything but a plain role ARN."""
        match = _ROLE_ARN.match(arn)
        if match is None:
            raise ConstructValidationError(
                "ecr.pull-role", f"pull_role_arns[{index}]",
                f"{arn!r} is not an IAM role ARN such as arn:aws:iam::111111111111:role/acme-dev-eks-node",
                self.node.path)
        return match["partition"], match["account"], arn

    def _checked_lifecycle(self, props: RegistryProps, environments: Sequence[str]) -> str:
        """The lifecycle policy document, refused here if ECR would refuse it."""
        policy = props.lifecycle.to_json(environments)
        try:
            parse_policy(policy)
        except InvalidLifecyclePolicy as error:
            raise ConstructValidationError("ecr.lifecycle", "lifecycle", str(error), self.node.path) from None
        return policy

    def _create_scanning_configuration(self, enhanced: bool) -> None:
        scanning = aws.ecr_registry_scanning_configuration
        scanning.EcrRegistryScanningConfiguration(
            self, "ScanningConfiguration",
            scan_type="ENHANCED" if enhanced else "BASIC",
            rule=[scanning.EcrRegistryScanningConfigurationRule(
                scan_frequency="CONTINUOUS_SCAN" if enhanced else "SCAN_ON_PUSH",
                repository_filter=[scanning.EcrRegistryScanningConfigurationRuleRepositoryFilter(
                    filter="*", filter_type="WILDCARD")],
            )],
        )

    def _create_repository(self, repo: str, name: str, props: RegistryProps,
                           pull_policy: str | None) -> aws.ecr_repository.EcrRepository:
        construct_id = f"Repository{pascal_id(repo)}"
        repository = aws.ecr_repository.EcrRepository(
            self, construct_id, name=name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configuration=[aws.ecr_repository.EcrRepositoryEncryptionConfiguration(
                encryption_type="KMS", kms_key=self.kms_key.arn)],
            force_delete=props.force_delete,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.deletion_protection),
        )
        aws.ecr_lifecycle_policy.EcrLifecyclePolicy(
            self, f"{construct_id}Lifecycle", repository=repository.name, policy=self._lifecycle_policy,
        )
        if pull_policy is not None:
            aws.ecr_repository_policy.EcrRepositoryPolicy(
                self, f"{construct_id}Policy", repository=repository.name, policy=pull_policy,
            )
        return repository


def _pull_policy(pullers: list[tuple[str, str, str]]) -> str:
    """Repository policy: the given roles, and nothing else in their accounts, may pull."""
    accounts = sorted({f"arn:{aws_partition}:iam::{account}:root" for aws_partition, account, _ in pullers})
    return policy_document({
        "Sid": "PullByEnvironmentNodeRoles",
        "Effect": "Allow",
        "Principal": {"AWS": accounts},
        "Action": list(PULL_ACTIONS),
        "Condition": {"ArnEquals": {"aws:PrincipalArn": sorted(arn for _, _, arn in pullers)}},
    })
