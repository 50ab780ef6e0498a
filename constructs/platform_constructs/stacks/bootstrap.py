"""BootstrapStack: creates the state buckets every other stack's S3 backend uses."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, LocalBackend, TerraformOutput, TerraformStack
from platform_constructs.config.loader import Platform
from platform_constructs.policy.guard import apply_policy
from platform_constructs.stacks.common import aws_provider, role_variable
from platform_constructs.stacks.names import BOOTSTRAP_STACK
from platform_constructs.state.state_bucket import StateBucket, StateBucketProps

#: Local state of the bootstrap stack, relative to its working directory
#: (``cdktf.out/stacks/bootstrap``): kept outside ``cdktf.out`` so a new synth never loses it.
BOOTSTRAP_STATE_PATH = "../../../.state/bootstrap.tfstate"


class BootstrapStack(TerraformStack):
    """One :class:`StateBucket` per distinct bucket named by the configuration files.

    It runs in the shared (tooling) account with local state: the buckets it creates cannot
    hold its own state before they exist. Its state file is small and can be migrated into the
    bucket afterwards with ``terraform init -migrate-state``.
    """

    def __init__(self, scope: Construct, platform: Platform) -> None:
        super().__init__(scope, BOOTSTRAP_STACK)
        shared = platform.shared
        LocalBackend(self, path=BOOTSTRAP_STATE_PATH)
        aws_provider(self, shared.aws, shared.all_tags, role_arn=role_variable(self, shared))
        apply_policy(self, shared.policy, owner=shared.name)
        buckets = {config.state.bucket: config.state for _, config in platform.configs()}
        for name, state in sorted(buckets.items()):
            bucket = StateBucket(self, f"StateBucket-{name}", props=StateBucketProps(
                bucket=name, kms_alias=state.kms_alias, prevent_destroy=shared.tier != "dev",
            ))
            TerraformOutput(self, f"state-bucket-{name}", value=bucket.bucket_name,
                            description=f"State bucket {name}")
            TerraformOutput(self, f"state-kms-key-{name}", value=bucket.kms_key_arn,
                            description=f"KMS key of state bucket {name}")
