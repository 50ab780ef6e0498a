"""boto3 sessions in an environment's account, the same way its Terraform provider gets there.

The stacks' AWS provider assumes ``deploy_role_name`` in the environment's account; the release
records and alarms live there too, so the CLI assumes the same role. The caller's own
credentials (the pipeline agent's pod identity) are used as they are for the state bucket,
like the S3 backend does. ``AWS_ENDPOINT_URL`` (a local emulator) is honoured by boto3 itself.
"""

from __future__ import annotations

from typing import Any

from platform_constructs.config.schema import AwsTarget
from platformctl.credentials import ensure_found


class WrongAccount(RuntimeError):
    """The caller's credentials belong to another account than the configuration names."""


def caller_session(region: str) -> Any:
    """A session with the caller's credentials, found first (:class:`~platformctl.credentials.CredentialsProblem`).

    Only found, not checked with STS: the session's first call fails as fast, and ``main`` explains its refusal.
    """
    import boto3  # imported here: ``platformctl --help`` stays fast

    ensure_found()
    return boto3.Session(region_name=region)


def account_session(target: AwsTarget, session_name: str, role_arn: str | None = None) -> Any:
    """A session in ``target.account_id``: ``role_arn`` (default: the deploy role) assumed, or the
    caller's credentials when no role is configured (then they must already be in that account,
    as the provider's ``allowed_account_ids`` demands)."""
    session = caller_session(target.region)
    role_arn = role_arn or target.deploy_role_arn
    if role_arn is None:
        account = session.client("sts").get_caller_identity()["Account"]
        if account != target.account_id:
            raise WrongAccount(f"the caller's credentials are for account {account}, not {target.account_id}")
        return session
    credentials = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name[:64])["Credentials"]
    import boto3

    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=target.region,
    )
