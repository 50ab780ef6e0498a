"""Provider and backend set-up shared by every stack."""

from __future__ import annotations

from platform_constructs._internal.tf import (
    S3Backend,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
    aws,
)
from platform_constructs.ci.ci_props import ROLE_VARIABLE, planner_role_arn
from platform_constructs.config.schema import AwsTarget, DeploymentTarget, StateLocation
from platform_constructs.naming import Naming


def role_variable(stack: TerraformStack, target: DeploymentTarget) -> str | None:
    """Declare :data:`~platform_constructs.ci.ci_props.ROLE_VARIABLE` on ``stack`` and return its expression
    (``None`` without a deploy role). It defaults to the deploy role; a read-only plan (``platformctl plan
    --read-only``, branch builds) passes the target's planner role instead; no other value is accepted."""
    deployer = target.aws.deploy_role_arn
    if deployer is None:
        return None
    planner = planner_role_arn(target.aws.account_id, Naming(target.naming.prefix, target.name))
    TerraformVariable(
        stack, ROLE_VARIABLE, type="string", nullable=False, default=deployer,
        description="Role the providers assume: the deploy role, or the read-only planner role for a plan that is "
                    "never applied.",
        validation=[TerraformVariableValidationConfig(
            condition=f'${{contains(["{deployer}", "{planner}"], var.{ROLE_VARIABLE})}}',
            error_message=f"The value of {ROLE_VARIABLE} must be {deployer} or {planner}.",
        )],
    )
    return f"${{var.{ROLE_VARIABLE}}}"


def follow_role_variable(target: DeploymentTarget, *, deploying: str, planning: str) -> str:
    """The role of a stack's second provider (e.g. one acting in another account), following the stack's
    :func:`role_variable`: ``deploying`` while the stack assumes the deploy role, ``planning`` during a
    read-only plan. The variable's validation admits only those two values, so the choice is total."""
    return f'${{var.{ROLE_VARIABLE} == "{target.aws.deploy_role_arn}" ? "{deploying}" : "{planning}"}}'


def aws_provider(stack: TerraformStack, target: AwsTarget, tags: dict[str, str], *, role_arn: str | None,
                 region: str | None = None, alias: str | None = None) -> aws.provider.AwsProvider:
    """The AWS provider of a stack: pinned to one account, tagging everything it creates.

    ``allowed_account_ids`` makes a plan against the wrong account fail before it changes
    anything; ``default_tags`` puts the mandatory tags on every taggable resource. ``role_arn``
    is the role the provider assumes, usually the expression :func:`role_variable` returned
    (``None``: the caller's credentials).
    """
    assume_role = None
    if role_arn is not None:
        assume_role = [aws.provider.AwsProviderAssumeRole(role_arn=role_arn, session_name=f"platform-{stack.node.id}")]
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
