"""The longest each pipeline step can take, from what bounds it: the stage timeouts must exceed these.

A Jenkins ``timeout`` that fires aborts the step mid-way: an apply interrupted by it leaves the
state locked and the change half made, a rollback interrupted by it leaves the release in place.
So every stage's timeout must be longer than everything inside it can take, and each inner bound
is one the code enforces itself: Terraform's state-lock wait (``-lock-timeout``), the Deployment's
update timeout (the Kubernetes provider gives up after it), kubectl's ``--timeout``, the smoke
requests' count, pause and timeout, the provider's default timeouts of the platform's resources.
"""

from __future__ import annotations

from platform_constructs.config.schema import EnvironmentConfig
from platformctl.commands.release import (
    ROLLOUT_TIMEOUT_SECONDS,
    SMOKE_ATTEMPTS,
    SMOKE_INTERVAL_SECONDS,
    SMOKE_REQUEST_TIMEOUT_SECONDS,
)
from platformctl.release.evidence import evidence_for
from platformctl.terraform.workdir import STATE_LOCK_TIMEOUT_SECONDS

#: ``terraform init``, ``plan``, ``show``, the gates, records and registry calls of one change, apart
#: from waiting: 9 s measured against the emulator (docs/rollback.md), 300 s allowed for AWS and large states.
TERRAFORM_OVERHEAD_SECONDS = 300
#: ``platformctl checkout-revision`` (a git worktree) and its synth: 18 s measured, 180 s allowed.
CHECKOUT_AND_SYNTH_SECONDS = 180
#: The provider's (hashicorp/aws 5.x) default update timeouts of the slow resources the platform
#: stacks hold; a platform apply or an infrastructure rollback may wait this long for one resource.
#: OpenSearch from internal/service/opensearch/domain.go (Update: 180 min), the others from their
#: resources' Timeouts blocks; any other resource type updates within 60 min.
PROVIDER_UPDATE_MINUTES = {
    "aws_opensearch_domain": 180,
    "aws_msk_cluster": 120,
    "aws_db_instance": 80,
    "aws_eks_cluster": 60,
    "aws_eks_node_group": 60,
    "aws_elasticache_replication_group": 40,
}
OTHER_RESOURCE_UPDATE_MINUTES = 60


def verify_seconds(observe_seconds: int = 0) -> int:
    """``platformctl verify`` with its defaults: rollout status, then alarms and the smoke URL (retried)."""
    smoke = SMOKE_ATTEMPTS * SMOKE_REQUEST_TIMEOUT_SECONDS + (SMOKE_ATTEMPTS - 1) * SMOKE_INTERVAL_SECONDS
    return ROLLOUT_TIMEOUT_SECONDS + observe_seconds + smoke + 30


def apply_seconds(env: EnvironmentConfig) -> int:
    """One plan and apply of an application stack: two state-lock waits, overhead, the Deployment's update."""
    return 2 * STATE_LOCK_TIMEOUT_SECONDS + TERRAFORM_OVERHEAD_SECONDS + env.rollout.update_timeout.to_seconds()


def release_seconds(env: EnvironmentConfig) -> int:
    """A deploy or promotion stage: checkout and synth of the revision, the apply, then verification."""
    return CHECKOUT_AND_SYNTH_SECONDS + apply_seconds(env) + verify_seconds()


def rollback_seconds(env: EnvironmentConfig, *, checkout: bool) -> int:
    """A rollback: the re-apply of the last good image (after a checkout and synth when ``checkout``)."""
    return (CHECKOUT_AND_SYNTH_SECONDS if checkout else 0) + apply_seconds(env)


def verified_rollback_seconds(env: EnvironmentConfig, *, checkout: bool) -> int:
    """A rollback followed by ``verify --after-rollback``: the longest clearing time of any application's
    alarms in ``env`` (the verification waits that long at most), then a verification with its defaults."""
    settle = max((evidence_for(env, app).clear_seconds for app in env.apps), default=0)
    return rollback_seconds(env, checkout=checkout) + settle + verify_seconds()


def slowest_update_minutes(stack: dict) -> int:
    """The longest a resource of a synthesized stack may take to update, by the provider's timeouts."""
    minutes = [OTHER_RESOURCE_UPDATE_MINUTES]
    for kind, resources in stack.get("resource", {}).items():
        for body in resources.values():
            explicit = body.get("timeouts", {}).get("update")
            minutes.append(_minutes(explicit) if explicit else PROVIDER_UPDATE_MINUTES.get(kind, 0))
    return max(minutes)


def _minutes(duration: str) -> int:
    number, unit = int(duration[:-1]), duration[-1]
    return {"s": -(-number // 60), "m": number, "h": number * 60}[unit]
