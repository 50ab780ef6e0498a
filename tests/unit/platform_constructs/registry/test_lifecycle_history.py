"""The registry's lifecycle policy over a simulated release history: 500 pushes through dev, staging, prod.

Every day the simulated repository receives three to six builds (about two thirds from feature
branches), dev gets main builds and some feature builds, verified images move on to staging and
prod (except during a five-week release freeze), some releases fail verification and are rolled
back to the last good image; and once a day the lifecycle policy runs over the repository, as
ECR's does, and its expired images are deleted. Every deploy and rollback needs its image to still
exist (else: ImagePullBackOff).

The policy the library renders keeps, every day, the current and last good image of every
environment and each environment's recent history, while feature builds go first. The policy it
replaces (keep the last 100 tagged images) deletes the image prod runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from platform_constructs.registry.ecr_props import LifecyclePolicy
from platform_constructs.registry.image_tags import DEPLOYED_PREFIX, build_tag, deployed_tag
from platform_constructs.registry.lifecycle import Image, expired

ENVIRONMENTS = ("dev", "staging", "prod")
START = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
PUSHES = 500
FREEZE = range(40, 75)
"""Days without promotions to staging and prod: dev keeps receiving builds."""
PREVIOUS_POLICY = {"rules": [  # the policy this one replaces: untagged after 7 days, the last 100 tagged images
    {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                                      "countNumber": 7}, "action": {"type": "expire"}},
    {"rulePriority": 2, "selection": {"tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan",
                                      "countNumber": 100}, "action": {"type": "expire"}},
]}


class ImagePullBackOff(AssertionError):
    """A deploy or rollback named an image the lifecycle policy had deleted."""


@dataclass
class Environment:
    name: str
    current: str | None = None
    last_good: str | None = None
    deployed: list[str] = field(default_factory=list)
    """Digests in the order they were made current (a rollback appends the image again)."""
    rollbacks: int = 0


@dataclass
class Repository:
    """The images of one ECR repository, tagged like the pipelines tag them."""

    tag_deployments: bool
    images: dict[str, Image] = field(default_factory=dict)
    pushed: dict[str, bool] = field(default_factory=dict)
    """Digest → whether it was built from the main branch (for every image ever pushed)."""
    pushed_at: dict[str, datetime] = field(default_factory=dict)
    """Digest → push time (for every image ever pushed)."""
    deleted: set[str] = field(default_factory=set)

    def push(self, n: int, on_main: bool, at: datetime) -> str:
        digest = f"sha256:{n:064x}"
        commit = f"{n:040x}"
        tag = build_tag(commit, on_main=on_main) if self.tag_deployments else commit[:12]
        self.images[digest] = Image(digest, frozenset({tag}), at)
        self.pushed[digest] = on_main
        self.pushed_at[digest] = at
        return digest

    def deploy(self, env: Environment, digest: str, at: datetime) -> None:
        if digest not in self.images:
            raise ImagePullBackOff(f"{env.name}: {digest} was deleted by the lifecycle policy")
        if self.tag_deployments:  # platformctl tags the image when it makes it current
            image = self.images[digest]
            self.images[digest] = Image(digest, image.tags | {deployed_tag(env.name, at)}, image.pushed_at)
        env.current = digest
        env.deployed.append(digest)

    def run_lifecycle(self, policy: dict, now: datetime) -> set[str]:
        gone = set(expired(policy, self.images.values(), now))
        for digest in gone:
            del self.images[digest]
        self.deleted |= gone
        return gone


def simulate(policy: dict, *, tag_deployments: bool, seed: int = 12):
    """Run the release history; yield ``(day, repository, environments)`` after each day's lifecycle run."""
    rng = random.Random(seed)
    repo = Repository(tag_deployments)
    envs = {name: Environment(name) for name in ENVIRONMENTS}
    dev, staging, prod = envs["dev"], envs["staging"], envs["prod"]

    def release(env: Environment, digest: str, at: datetime, success: float) -> None:
        repo.deploy(env, digest, at)
        if rng.random() < success:
            env.last_good = digest
        elif env.last_good is not None:  # verification failed: roll back to the last good image
            repo.deploy(env, env.last_good, at + timedelta(minutes=20))
            env.rollbacks += 1

    day, n = 0, 0
    while n < PUSHES:
        now = START + timedelta(days=day)
        for hour in range(rng.choice((3, 4, 5, 6))):
            at = now + timedelta(hours=hour)
            n += 1
            on_main = rng.random() < 0.35
            digest = repo.push(n, on_main, at)
            if on_main or rng.random() < 0.3:  # every main build, and some feature builds, run in dev
                release(dev, digest, at + timedelta(minutes=10), success=0.85)
        at = now + timedelta(hours=8)
        candidate = dev.current
        frozen = day in FREEZE
        if not frozen and candidate == dev.last_good and repo.pushed[candidate] and rng.random() < 0.6:
            release(staging, candidate, at, success=0.85)  # only verified main builds leave dev
        if not frozen and staging.current == staging.last_good and staging.current not in (None, prod.current) \
                and rng.random() < 0.5:
            release(prod, staging.current, at + timedelta(hours=2), success=0.85)
        repo.run_lifecycle(policy, now + timedelta(hours=23))
        yield day, repo, envs
        day += 1


def rendered_policy(lifecycle: LifecyclePolicy) -> dict:
    return {"rules": lifecycle.rules(ENVIRONMENTS)}


@pytest.mark.parametrize("lifecycle", [LifecyclePolicy(), LifecyclePolicy(keep_deployed_per_environment=10,
                                                                          keep_main_builds=10, keep_branch_builds=5)],
                         ids=["prod-tier", "dev-tier"])
def test_current_last_good_and_recent_history_of_every_environment_survive_500_pushes(lifecycle):
    keep = lifecycle.keep_deployed_per_environment
    days = 0
    for days, repo, envs in simulate(rendered_policy(lifecycle), tag_deployments=True):
        for env in envs.values():
            for image in (env.current, env.last_good):
                assert image is None or image in repo.images, f"day {days}: {env.name} lost {image}"
            # the environment's history: the newest images (by push) it ever ran
            history = sorted(set(env.deployed), key=lambda digest: (repo.pushed_at[digest], digest), reverse=True)
            missing = [digest for digest in history[:keep] if digest not in repo.images]
            assert not missing, f"day {days}: {env.name} lost {len(missing)} of its last {keep} deployed images"
        never_deployed = [image for image in repo.images.values()
                          if not any(tag.startswith(DEPLOYED_PREFIX) for tag in image.tags)]
        branch = [image for image in never_deployed if not repo.pushed[image.digest]]
        main = [image for image in never_deployed if repo.pushed[image.digest]]
        assert len(branch) <= lifecycle.keep_branch_builds and len(main) <= lifecycle.keep_main_builds
    # the history really happened: every environment released, failed and rolled back; the policy deleted a lot
    assert len(repo.pushed) >= PUSHES and days > 100
    activity = {env.name: (len(env.deployed), env.rollbacks) for env in envs.values()}
    assert all(deploys >= 10 and rollbacks >= 1 for deploys, rollbacks in activity.values()), activity
    assert len(repo.deleted) > PUSHES // 2
    # feature builds go first: the oldest feature build still kept is younger than the oldest main build kept
    branch_kept = [image.pushed_at for image in repo.images.values() if not repo.pushed[image.digest]
                   and not any(tag.startswith(DEPLOYED_PREFIX) for tag in image.tags)]
    main_kept = [image.pushed_at for image in repo.images.values() if repo.pushed[image.digest]]
    assert branch_kept and main_kept and min(branch_kept) > min(main_kept)


def test_the_previous_policy_deletes_the_image_prod_runs():
    with pytest.raises(ImagePullBackOff) as lost:  # noqa: PT012 - raised on the day of the simulation it happens
        for day, repo, envs in simulate(PREVIOUS_POLICY, tag_deployments=False):
            prod = envs["prod"]
            for image in (prod.current, prod.last_good):
                if image is not None and image not in repo.images:
                    raise ImagePullBackOff(f"day {day}: prod's {image} was deleted")
    assert "prod" in str(lost.value)
