"""The shared registry in the local AWS emulator: its repositories with their lifecycle policy, and images.

Used by the platformctl integration tests and bench/rollback_drill.py: every deploy, promotion and
rollback first checks that the registry holds the image and that its lifecycle policy keeps it.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from platform_constructs.config.loader import Platform
from platform_constructs.naming import Naming
from platform_constructs.registry.ecr_props import repository_name, repository_uri
from platform_constructs.registry.image_tags import build_tag
from platform_constructs.stacks.names import environment_order

DIGIT = "0123456789abcdef"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def create_repositories(ecr: Any, platform: Platform) -> None:
    """The shared registry's repositories, empty, with the lifecycle policy the shared stack gives them."""
    shared = platform.shared
    naming = Naming(shared.naming.prefix, shared.name)
    policy = shared.registry.lifecycle.to_json(environment_order(platform))
    for repo in shared.registry.repositories:
        name = repository_name(naming, repo)
        with contextlib.suppress(ecr.exceptions.RepositoryNotFoundException):
            ecr.delete_repository(repositoryName=name, force=True)
        ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=policy)


def push_image(ecr: Any, platform: Platform, n: int, app: str = "api") -> str:
    """A digest reference of ``app``'s repository, pushed as a main-branch build; ``n`` picks the digest."""
    shared = platform.shared
    naming = Naming(shared.naming.prefix, shared.name)
    digest = f"sha256:{DIGIT[n % 16] * 64}"
    manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "config": {"digest": digest}, "layers": []})
    with contextlib.suppress(ecr.exceptions.ImageAlreadyExistsException):
        ecr.put_image(repositoryName=repository_name(naming, app), imageManifest=manifest,
                      imageManifestMediaType=MANIFEST_TYPE, imageTag=build_tag(f"{n:040x}", on_main=True),
                      imageDigest=digest)
    return f"{repository_uri(shared.aws.account_id, shared.aws.region, naming, app)}@{digest}"
