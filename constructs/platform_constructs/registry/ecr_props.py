"""Props of the container registries (ECR, shared stack): the ``[registry]`` section.

Lifecycle rules are typed (:class:`LifecyclePolicy`) and rendered to ECR's JSON by the
library, so no environment file ever holds raw lifecycle JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

from pydantic import AfterValidator, Field

from platform_constructs.naming import Naming
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr
from platform_constructs.registry.image_tags import BRANCH_BUILD_PREFIX, MAIN_BUILD_PREFIX, deployed_pattern

#: ECR repository names may be up to 256 characters.
REPOSITORY_NAME_MAX_LENGTH = 256


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return values


#: A repository's short name; the physical name is ``{prefix}-shared-{name}``.
RepositoryName = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


class LifecyclePolicy(Props):
    """Which images a repository keeps: every environment's recent releases first, then release candidates,
    then feature builds; superseded layer sets after a few days.

    Rendered as ECR lifecycle rules in this priority order (tags: :mod:`~platform_constructs.registry.image_tags`):

    1. per environment, last in the promotion path first: the newest ``keep_deployed_per_environment``
       images ever made current there (``deployed-<env>-*``). An image selected by such a rule can
       never be expired by a later rule, so an environment's current and last good images (the two
       newest of its history, or close to them) stay, however many builds are pushed meanwhile;
    2. the newest ``keep_main_builds`` main-branch builds (``main-*``) never deployed anywhere;
    3. the newest ``keep_branch_builds`` feature builds (``branch-*``): they go first;
    4. untagged images ``expire_untagged_after_days`` after their push.

    Images with other tags are kept. ``platformctl`` refuses a release that would push an
    environment's last good image out of its history (see docs/decisions/0012-ecr-lifecycle.md).

    Example::

        LifecyclePolicy(keep_deployed_per_environment=50, keep_main_builds=30, keep_branch_builds=10)
    """

    keep_deployed_per_environment: StrictInt = Field(default=100, ge=2, le=1000, json_schema_extra=MAY_DIFFER)
    """Images kept per environment among those ever made current there, newest first; at least 2 (the
    current and the last good one). Default: 100."""
    keep_main_builds: StrictInt = Field(default=50, ge=1, le=1000, json_schema_extra=MAY_DIFFER)
    """Main-branch builds kept that no environment has run. Default: 50."""
    keep_branch_builds: StrictInt = Field(default=20, ge=1, le=1000, json_schema_extra=MAY_DIFFER)
    """Feature-branch builds kept that no environment has run. Default: 20."""
    expire_untagged_after_days: StrictInt = Field(default=7, ge=1, le=3650, json_schema_extra=MAY_DIFFER)
    """Days after push when an untagged image (a superseded layer set) expires. Default: 7."""

    def rules(self, environments: Sequence[str]) -> list[dict[str, object]]:
        """The ECR lifecycle rules, in priority order; ``environments`` in promotion order (dev first)."""
        kept = [(f"Keep the last {self.keep_deployed_per_environment} images deployed to {env}",
                 deployed_pattern(env), self.keep_deployed_per_environment) for env in reversed(environments)]
        kept += [(f"Keep the last {self.keep_main_builds} main-branch builds", f"{MAIN_BUILD_PREFIX}*",
                  self.keep_main_builds),
                 (f"Keep the last {self.keep_branch_builds} feature-branch builds", f"{BRANCH_BUILD_PREFIX}*",
                  self.keep_branch_builds)]
        rules: list[dict[str, object]] = [
            {"rulePriority": priority, "description": description,
             "selection": {"tagStatus": "tagged", "tagPatternList": [pattern], "countType": "imageCountMoreThan",
                           "countNumber": count},
             "action": {"type": "expire"}}
            for priority, (description, pattern, count) in enumerate(kept, start=1)
        ]
        rules.append({
            "rulePriority": len(rules) + 1,
            "description": f"Expire untagged images {self.expire_untagged_after_days} day(s) after push",
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                          "countNumber": self.expire_untagged_after_days},
            "action": {"type": "expire"},
        })
        return rules

    def to_json(self, environments: Sequence[str]) -> str:
        """The lifecycle policy document ECR expects."""
        return json.dumps({"rules": self.rules(environments)}, sort_keys=True)


class RegistryProps(Props):
    """Settings of the container registries (ECR, shared stack); tier defaults live in ``config/presets/registry.toml``.

    Always on, not configurable: IMMUTABLE tags, scan on push, KMS encryption with a rotating
    customer-managed key, and pull access for every environment's EKS node role.
    """

    repositories: Annotated[tuple[RepositoryName, ...], AfterValidator(_distinct)] = ()
    """Short names of the repositories, one per image (e.g. ``api``, ``worker``). Default: none."""
    lifecycle: LifecyclePolicy = Field(default_factory=LifecyclePolicy)
    """Which images every repository keeps. Default: 100 per environment, 50 main and 20 feature builds,
    untagged for 7 days."""
    enhanced_scanning: StrictBool = True
    """Registry-level enhanced scanning (Amazon Inspector, continuous, every repository); ``False``
    keeps ECR's basic scan on push only. Default: ``True``."""
    force_delete: StrictBool = False
    """Let Terraform delete a repository that still holds images. Default: ``False``."""
    deletion_protection: StrictBool = True
    """Refuse to destroy a repository (Terraform ``prevent_destroy``). Default: ``True``."""


def repository_name(naming: Naming, repository: str) -> str:
    """Physical ECR name of the short ``repository`` name, e.g. ``acme-shared-api``."""
    return naming.name(repository, max_length=REPOSITORY_NAME_MAX_LENGTH)


def repository_uri(account_id: str, region: str, naming: Naming, repository: str) -> str:
    """Image repository URI that pushes and pulls use, e.g.
    ``4444….dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api``."""
    return f"{account_id}.dkr.ecr.{region}.amazonaws.com/{repository_name(naming, repository)}"
