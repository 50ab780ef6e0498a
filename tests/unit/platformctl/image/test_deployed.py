"""The registry check before a release: the lifecycle policy must keep the image and the last good image."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platform_constructs.registry.ecr_props import LifecyclePolicy
from platform_constructs.registry.lifecycle import Image
from platformctl.image.deployed import Repository, RetentionRefused, check_retained
from platformctl.release.image_ref import ImageRef

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
REPOSITORY = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
POLICY = LifecyclePolicy(keep_deployed_per_environment=2, keep_main_builds=5, keep_branch_builds=5)


def digest(n: int) -> str:
    return f"sha256:{n:064x}"


def ref(n: int) -> ImageRef:
    return ImageRef.pinned(f"{REPOSITORY}@{digest(n)}")


class FakeRegistry:
    def __init__(self, images: list[Image], policy: str | None) -> None:
        self._images, self._policy = images, policy
        self.repository = Repository.of(ref(0))

    def images(self) -> list[Image]:
        return self._images

    def lifecycle_policy(self) -> str | None:
        return self._policy


def history(*deployed: int, builds: int = 6) -> list[Image]:
    """``builds`` main builds pushed an hour apart; those in ``deployed`` ran in prod once."""
    return [Image(digest(n), frozenset({f"main-{n:040x}"} | ({f"deployed-prod-2026010{n}T000000Z"} if n in deployed
                                                            else set())), NOW - timedelta(hours=builds - n))
            for n in range(1, builds + 1)]


def test_the_tag_records_environment_and_time_when_the_policy_keeps_both_images():
    registry = FakeRegistry(history(1, 2), POLICY.to_json(["dev", "staging", "prod"]))
    assert check_retained(registry, "prod", ref(3), ref(2), NOW) == "deployed-prod-20261201T120000Z"


def test_a_release_that_would_push_the_last_good_image_out_of_the_history_is_refused():
    # prod's last good is image 1; image 2 was a failed release; tagging image 3 keeps only 3 and 2
    registry = FakeRegistry(history(1, 2), POLICY.to_json(["dev", "staging", "prod"]))
    with pytest.raises(RetentionRefused) as refused:
        check_retained(registry, "prod", ref(3), ref(1), NOW)
    assert f"would expire prod's last good image, {ref(1)}" in str(refused.value)
    assert "keep_deployed_per_environment" in str(refused.value)


def test_an_image_the_repository_no_longer_holds_is_refused():
    registry = FakeRegistry(history(builds=3), None)
    with pytest.raises(RetentionRefused, match="is not in acme-shared-api"):
        check_retained(registry, "prod", ref(9), None, NOW)


def test_without_a_lifecycle_policy_nothing_expires():
    assert check_retained(FakeRegistry(history(builds=3), None), "dev", ref(1), None, NOW).startswith("deployed-dev-")


@pytest.mark.parametrize(("reference", "expected"), [
    (REPOSITORY, Repository("444444444444", "eu-west-1", "acme-shared-api")),
    ("111111111111.dkr.ecr.us-gov-west-1.amazonaws.com/team/api",
     Repository("111111111111", "us-gov-west-1", "team/api")),
])
def test_the_repository_comes_from_the_image_reference(reference, expected):
    assert Repository.of(ImageRef.pinned(f"{reference}@{digest(1)}")) == expected


def test_a_registry_that_is_not_ecr_is_named():
    with pytest.raises(ValueError, match=r"ghcr\.io/acme/api is not an ECR repository"):
        Repository.of(ImageRef.pinned(f"ghcr.io/acme/api@{digest(1)}"))
