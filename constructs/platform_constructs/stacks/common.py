"""Provider and backend set-up shared by every stack."""

from __future__ import annotations

from platform_constructs._internal.tf import S3Backend, TerraformStack, aws
from platform_constructs.config.schema import AwsTarget, StateLocation


def aws_provider(stack: TerraformStack, target: AwsTarget, tags: dict[str, str], *,
                 region: str | None = None, alias: str | None = None) -> aws.provider.AwsProvider:
    """The AWS provider of a stack: pinned to one account, tagging everything it creates.

    ``allowed_account_ids`` makes a plan against the wrong account fail before it changes
    anything; ``default_tags`` puts the mandatory tags on every taggable resource.
    """
    assume_role = None
    if target.deploy_role_name is not None:
        assume_role = [aws.provider.AwsProviderAssumeRole(
            role_arn=f"arn:aws:iam::{target.account_id}:role/{target.deploy_role_name}",
            session_name=f"platform-{stack.node.id}",
        )]
    return aws.provider.AwsProvider(
        stack, "aws" if alias is None else f"aws-{alias}",
        region=region or target.region,
        alias=alias,
        allowed_account_ids=[target.account_id],
        assume_role=assume_role,
        default_tags=[aws.provider.AwsProviderDefaultTags(tags=tags)],
    )


def s3_backend(stack: TerraformStack, state: StateLocation, region: str) -> S3Backend:
    """S3 backend with one key per stack, KMS encryption and S3-native locking.

    cdktf 0.21's ``S3Backend`` has no ``use_lockfile`` argument, so it is added as an
    override; DynamoDB locking (deprecated by Terraform) is not used.
    """
    backend = S3Backend(
        stack,
        bucket=state.bucket,
        key=state.key(stack.node.id),
        region=region,
        encrypt=True,
        kms_key_id=state.kms_alias,
    )
    backend.add_override("use_lockfile", True)
    return backend
