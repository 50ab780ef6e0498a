"""The registry side of a release: the image is tagged as deployed, and must outlive the lifecycle policy.

Before an image becomes current in an environment, ``platformctl`` checks against the
repository's own lifecycle policy, evaluated over the repository's images as they will be once
the image carries its ``deployed-<env>-<time>`` tag, that neither the image nor the environment's
last good image would be expired (a later rollback would then hit ImagePullBackOff). Once the
plan passed its gates, it adds the tag (``ecr:PutImage`` with the image's own manifest: a new
tag on the same digest, which an IMMUTABLE repository accepts). The lifecycle policy keeps each
environment's recent ``deployed-<env>-*`` images, so what an environment runs and last ran
successfully stays in the registry however many builds follow.

ECR is reached with the caller's credentials (the tooling account that owns the registry), as
``registry-login`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from platform_constructs.registry.image_tags import MAIN_BUILD_PREFIX, deployed_tag
from platform_constructs.registry.lifecycle import Image, expired
from platformctl.release.image_ref import ImageRef

_ECR_REPOSITORY = re.compile(
    r"^(?P<registry>\d{12})\.dkr\.ecr\.(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws\.com/(?P<name>.+)$")


class RetentionRefused(ValueError):
    """The lifecycle policy would expire an image the release needs."""


@dataclass(frozen=True)
class Repository:
    """One ECR repository, addressed by the repository part of an image reference."""

    registry_id: str
    region: str
    name: str

    @classmethod
    def of(cls, image: ImageRef) -> Repository:
        """The ECR repository of ``image``; a ``ValueError`` for a registry that is not ECR."""
        match = _ECR_REPOSITORY.match(image.repository)
        if match is None:
            raise ValueError(f"{image.repository} is not an ECR repository "
                             "(<account>.dkr.ecr.<region>.amazonaws.com/<name>)")
        return cls(match["registry"], match["region"], match["name"])


class Registry:
    """Reads and tags the images of one repository."""

    def __init__(self, ecr: Any, repository: Repository) -> None:
        self._ecr = ecr
        self.repository = repository

    def images(self) -> list[Image]:
        """Every image of the repository: digest, tags, push time."""
        pages = self._ecr.get_paginator("describe_images").paginate(
            registryId=self.repository.registry_id, repositoryName=self.repository.name)
        return [Image(detail["imageDigest"], frozenset(detail.get("imageTags", [])), detail["imagePushedAt"])
                for page in pages for detail in page["imageDetails"]]

    def lifecycle_policy(self) -> str | None:
        """The repository's lifecycle policy document, or ``None`` when it has none."""
        try:
            policy: str = self._ecr.get_lifecycle_policy(registryId=self.repository.registry_id,
                                                         repositoryName=self.repository.name)["lifecyclePolicyText"]
        except self._ecr.exceptions.LifecyclePolicyNotFoundException:
            return None
        return policy

    def add_tag(self, digest: str, tag: str) -> None:
        """Put ``tag`` on the image ``digest`` (its manifest pushed again under the new tag)."""
        [image] = self._ecr.batch_get_image(registryId=self.repository.registry_id, repositoryName=self.repository.name,
                                            imageIds=[{"imageDigest": digest}])["images"]
        self._ecr.put_image(registryId=self.repository.registry_id, repositoryName=self.repository.name,
                            imageManifest=image["imageManifest"],
                            imageManifestMediaType=image["imageManifestMediaType"],
                            imageTag=tag, imageDigest=digest)


def check_retained(registry: Registry, environment: str, image: ImageRef, last_good: ImageRef | None,
                   now: datetime) -> str:
    """The tag ``image`` will get in ``environment``, once checked that the lifecycle policy keeps it.

    Raises:
        RetentionRefused: the image is not in the repository, or the policy would expire it or the
            environment's last good image once the image carries its deployed tag.
    """
    tag = deployed_tag(environment, now)
    images = registry.images()
    digests = {stored.digest for stored in images}
    where = f"{registry.repository.name}"
    if image.digest not in digests:
        raise RetentionRefused(f"{image} is not in {where} (never pushed, or already expired by its lifecycle policy)")
    policy = registry.lifecycle_policy()
    if policy is None:
        return tag
    tagged = [Image(stored.digest, stored.tags | {tag}, stored.pushed_at) if stored.digest == image.digest else stored
              for stored in images]
    gone = expired(policy, tagged, now)
    for role, ref in (("the image it deploys", image), (f"{environment}'s last good image", last_good)):
        if ref is not None and ref.digest in gone:
            raise RetentionRefused(
                f"the lifecycle policy of {where} would expire {role}, {ref}, once {image.digest} is tagged {tag} "
                f"(rule {gone[ref.digest]}): a rollback could no longer pull it. Verify a newer image in {environment} "
                "first, or raise [registry.lifecycle].keep_deployed_per_environment in shared.toml")
    return tag


def check_main_build(registry: Registry, image: ImageRef) -> None:
    """Refuse an image not built from the application's main branch (its build tag says ``main-``).

    Feature builds reach dev only: a commit that was never merged must not reach staging or prod.
    """
    tags = next((stored.tags for stored in registry.images() if stored.digest == image.digest), None)
    if tags is None:
        raise RetentionRefused(f"{image} is not in {registry.repository.name}")
    if not any(tag.startswith(MAIN_BUILD_PREFIX) for tag in tags):
        raise RetentionRefused(f"{image} was not built from the application's main branch (tags: "
                               f"{', '.join(sorted(tags)) or 'none'}): only main builds are promoted beyond dev")
