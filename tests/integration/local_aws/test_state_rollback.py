"""Infrastructure rollback drill: restore the previous state object version, re-apply v1.

v1 is the repository's configuration; v2 a reviewed configuration change that updates
resources in place (the registries keep fewer release images). Restoring the state version
written by the v1 apply and applying v1 again must bring the emulator back to exactly what v1
created. (Resources that only v2 created would be unknown to the restored state and stay
behind: a state rollback undoes changes, not additions.)
"""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from local_aws.deploy import PLAN_CHANGES, PLAN_EMPTY, SHARED

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]


@pytest.fixture
def v2_synth_dir(tmp_path):
    """The platform synthesized with the v2 change: keep 50 deployed images per environment instead of the preset's."""
    from platform_constructs.app import synthesize
    from platform_constructs.config import load_platform

    environments = copy_environments(tmp_path / "environments-v2")
    set_value(environments, "shared.toml", "registry.lifecycle.keep_deployed_per_environment", 50)
    outdir = tmp_path / "v2" / "cdktf.out"
    synthesize(load_platform(environments), outdir)
    return outdir


def _state_versions(s3, bucket: str, key: str) -> list[str]:
    """Version ids of the state object, newest first."""
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    return [v["VersionId"] for v in sorted((v for v in versions if v["Key"] == key),
                                           key=lambda v: v["LastModified"], reverse=True)]


def test_restoring_the_previous_state_version_rolls_the_emulator_back(deployment, platform, synth_dir, v2_synth_dir):
    state = platform.shared.state
    key = state.key(SHARED)
    s3 = deployment.account_clients(SHARED)("s3")
    deployment.apply(["bootstrap", SHARED])
    v1 = deployment.inventory(SHARED)
    v1_state = _state_versions(s3, state.bucket, key)[0]

    deployment.stack(SHARED, synth_dir=v2_synth_dir).apply()
    v2 = deployment.inventory(SHARED)
    assert v2["ecr:repository"] != v1["ecr:repository"], "v2 must change what the emulator holds"
    assert _state_versions(s3, state.bucket, key)[0] != v1_state

    s3.copy_object(Bucket=state.bucket, Key=key, CopySource={"Bucket": state.bucket, "Key": key, "VersionId": v1_state},
                   ServerSideEncryption="aws:kms", SSEKMSKeyId=state.kms_alias)
    stack = deployment.stack(SHARED, synth_dir=synth_dir)
    assert stack.plan() == PLAN_CHANGES, "the restored v1 state sees the v2 registries as drift"
    stack.apply()

    assert deployment.inventory(SHARED) == v1
    assert stack.plan() == PLAN_EMPTY
    # the bad version stays in the bucket's history: the rollback itself can be undone
    assert len(_state_versions(s3, state.bucket, key)) >= 3
