"""Props of the container registries (ECR, shared stack): the ``[registry]`` section.

Lifecycle rules are typed (:class:`LifecyclePolicy`) and rendered to ECR's JSON by the
library, so no environment file ever holds raw lifecycle JSON.
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import AfterValidator, Field

from platform_constructs.naming import Naming
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr

#: ECR repository names may be up to 256 characters.
REPOSITORY_NAME_MAX_LENGTH = 256
#: ECR accepts at most this many wildcards in one tag pattern.
MAX_TAG_PATTERN_WILDCARDS = 4


def _tag_pattern(value: str) -> str:
    if value.count("*") > MAX_TAG_PATTERN_WILDCARDS:
        raise ValueError(f"has {value.count('*')} wildcards; ECR allows at most {MAX_TAG_PATTERN_WILDCARDS}")
    return value


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return values


#: An image tag pattern; ``*`` matches any characters (``v*``, ``release-*``, ``*``).
TagPattern = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9._*-]{1,128}$"), AfterValidator(_tag_pattern)]
#: A repository's short name; the physical name is ``{prefix}-shared-{name}``.
RepositoryName = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


class LifecyclePolicy(Props):
    """Which images a repository keeps: the last N release images, untagged ones for D days.

    Rendered as two ECR lifecycle rules: untagged images expire first (priority 1), then every
    release image beyond the newest ``keep_last_releases`` (priority 2). Images with no tag
    matching ``release_tag_pattern`` are never expired by this policy.

    Example::

        LifecyclePolicy(keep_last_releases=50, expire_untagged_after_days=7)
    """

    keep_last_releases: StrictInt = Field(default=100, ge=1, le=10000, json_schema_extra=MAY_DIFFER)
    """Release images kept per repository, newest first; older ones expire. Default: 100."""
    release_tag_pattern: TagPattern = "*"
    """Tag pattern that makes an image a release (``*`` = every tagged image, e.g. git-SHA builds;
    ``v*`` = version tags only). One pattern: ECR selects only images matching *every* pattern of
    a list. Default: ``*``."""
    expire_untagged_after_days: StrictInt = Field(default=7, ge=1, le=3650, json_schema_extra=MAY_DIFFER)
    """Days after push when an untagged image (a superseded layer set) expires. Default: 7."""

    def rules(self) -> list[dict[str, object]]:
        """The ECR lifecycle rules, in priority order."""
        return [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images {self.expire_untagged_after_days} day(s) after push",
                "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                              "countNumber": self.expire_untagged_after_days},
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the last {self.keep_last_releases} release images",
                "selection": {"tagStatus": "tagged", "tagPatternList": [self.release_tag_pattern],
                              "countType": "imageCountMoreThan", "countNumber": self.keep_last_releases},
                "action": {"type": "expire"},
            },
        ]

    def to_json(self) -> str:
        """The lifecycle policy document ECR expects."""
        return json.dumps({"rules": self.rules()}, sort_keys=True)


class RegistryProps(Props):
    """Settings of the container registries (ECR, shared stack); tier defaults live in ``config/presets/registry.toml``.

    Always on, not configurable: IMMUTABLE tags, scan on push, KMS encryption with a rotating
    customer-managed key, and pull access for every environment's EKS node role.
    """

    repositories: Annotated[tuple[RepositoryName, ...], AfterValidator(_distinct)] = ()
    """Short names of the repositories, one per image (e.g. ``api``, ``worker``). Default: none."""
    lifecycle: LifecyclePolicy = Field(default_factory=LifecyclePolicy)
    """Which images every repository keeps. Default: 100 release images, untagged for 7 days."""
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
    """Image repository URI that pushes and pulls use, e.g. ``4444….dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api``."""
    return f"{account_id}.dkr.ecr.{region}.amazonaws.com/{repository_name(naming, repository)}"
