"""Fail fast, before a synth or a Terraform run, when no usable AWS credentials are at hand, and say how to get some.

Terraform's AWS provider looks for credentials where botocore does (environment variables, the
shared config and credentials files and their profiles, IAM Identity Center, web identity, the
container and instance metadata endpoints). Without any, it keeps asking the instance metadata
endpoint for half a minute or more, then fails with "No valid credential sources found". Here
botocore's chain is asked with a one-second metadata timeout and a single attempt, then STS
``GetCallerIdentity`` with short timeouts and no retry, so missing, expired or refused
credentials are found in about a second, with a message naming what is missing and how to
provide it. Nothing here imports cdktf.

Exit codes from the one table (``platformctl --help``): 2 USAGE missing, expired or refused
credentials (the caller's set-up must change; a retry cannot help); 1 FAILED AWS STS could not be
reached (the credentials may be fine).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from platformctl.exit_codes import ExitCode

#: Seconds to wait for the instance metadata endpoint (botocore's default, set explicitly so nothing raises it).
METADATA_TIMEOUT_S = 1
#: Seconds to connect to and to wait for an answer from STS.
STS_CONNECT_TIMEOUT_S, STS_READ_TIMEOUT_S = 3, 5

_SOURCES = {
    "env": "environment variables (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
    "shared-credentials-file": "the shared credentials file",
    "config-file": "the shared config file",
    "sso": "IAM Identity Center (SSO)",
    "assume-role": "a profile assuming a role",
    "assume-role-with-web-identity": "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)",
    "container-role": "the container credentials endpoint (EKS Pod Identity, ECS)",
    "iam-role": "the EC2 instance profile",
    "custom-process": "a credential_process",
}
_EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
_REFUSED = frozenset({"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
                      "InvalidAccessKeyId", "AccessDenied", "AccessDeniedException", "AuthFailure"})

HOW_TO_PROVIDE = """\
Provide AWS credentials in one of these ways, then run the command again:
  - a named profile:     export AWS_PROFILE=<profile>      (keys or a role in ~/.aws/config, see `aws configure`)
  - IAM Identity Center: aws sso login --profile <profile> && export AWS_PROFILE=<profile>
  - assume a role:       a profile with role_arn and source_profile, or export the AccessKeyId, SecretAccessKey
                         and SessionToken of `aws sts assume-role` as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                         and AWS_SESSION_TOKEN
  - environment:         export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... [AWS_SESSION_TOKEN=...]
  - the local emulator:  make deploy-local, then eval "$(make -s local-env)"
These credentials are the caller's; each stack's provider then assumes the deploy role of its account."""


@dataclass(frozen=True)
class CallerIdentity:
    """Whose credentials were found, and where."""

    arn: str
    account: str
    source: str


class CredentialsProblem(Exception):
    """No usable credentials: what is wrong, how to fix it, and the exit code it ends the command with."""

    def __init__(self, summary: str, exit_code: ExitCode = ExitCode.USAGE) -> None:
        self.summary = summary
        self.exit_code = exit_code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The summary, then how to provide credentials (not for an unreachable STS: the credentials may be fine)."""
        return self.summary if self.exit_code == ExitCode.FAILED else f"{self.summary}\n{HOW_TO_PROVIDE}"


def _session() -> Any:
    import botocore.session

    session = botocore.session.Session()
    session.set_config_variable("metadata_service_timeout", METADATA_TIMEOUT_S)
    session.set_config_variable("metadata_service_num_attempts", 1)
    return session


def _resolve(session: Any) -> Any:
    """The caller's credentials from botocore's chain, refreshed now (SSO, assume-role, process)."""
    credentials = session.get_credentials()
    if credentials is None:
        raise CredentialsProblem(f"no AWS credentials found{_profile_note(session)} (looked in the environment, "
                                 "the shared config and credentials files, SSO, web identity, and the container "
                                 "and instance metadata endpoints)")
    credentials.get_frozen_credentials()
    return credentials


def find_credentials() -> str:
    """Where the caller's credentials come from, without asking AWS; :class:`CredentialsProblem` when there are none.

    For commands whose next step is an AWS call anyway: that call's refusal is explained by :func:`explain`.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    session = _session()
    try:
        credentials = _resolve(session)
    except (BotoCoreError, ClientError) as error:
        raise _problem(error, session) from None
    return str(_SOURCES.get(credentials.method, credentials.method))


def check_credentials(region: str | None = None) -> CallerIdentity:
    """The caller's identity, or :class:`CredentialsProblem` (exit 2: unusable credentials; exit 1: STS unreachable).

    Asks STS, for commands whose next step is slow to fail (a synth, Terraform). ``region`` is used
    when the environment names none (STS is regional); ``AWS_ENDPOINT_URL`` (the emulator) is honoured.
    """
    import botocore.config
    from botocore.exceptions import BotoCoreError, ClientError

    session = _session()
    try:
        credentials = _resolve(session)
        client = session.create_client(
            "sts", region_name=session.get_config_variable("region") or region or "us-east-1",
            config=botocore.config.Config(connect_timeout=STS_CONNECT_TIMEOUT_S, read_timeout=STS_READ_TIMEOUT_S,
                                          retries={"total_max_attempts": 1}))
        identity = client.get_caller_identity()
    except (BotoCoreError, ClientError) as error:
        raise _problem(error, session) from None
    return CallerIdentity(str(identity["Arn"]), str(identity["Account"]),
                          str(_SOURCES.get(credentials.method, credentials.method)))


def _problem(error: BaseException, session: Any) -> BaseException:
    """The :class:`CredentialsProblem` behind ``error``, or ``error`` itself when it is about something else."""
    return explain(error, session) or error


@functools.cache
def ensure_credentials(region: str | None = None) -> CallerIdentity:
    """:func:`check_credentials`, once per process and region: every later AWS call uses the same credentials."""
    return check_credentials(region)


@functools.cache
def ensure_found() -> str:
    """:func:`find_credentials`, once per process."""
    return find_credentials()


def explain(error: BaseException, session: Any | None = None) -> CredentialsProblem | None:
    """The credentials problem behind a botocore error, or ``None`` when it is about something else."""
    from botocore import exceptions as botocore_errors

    profile = _profile_note(session)
    if isinstance(error, botocore_errors.ProfileNotFound):
        known = ", ".join(sorted(session.available_profiles)) if session is not None else ""
        there = f" (profiles there: {known})" if known else ""
        return CredentialsProblem(f"the AWS profile {error.kwargs.get('profile')!r} does not exist in the shared "
                                  f"config or credentials file{there}")
    if isinstance(error, botocore_errors.NoCredentialsError):
        return CredentialsProblem(f"no AWS credentials found{profile}")
    if isinstance(error, botocore_errors.PartialCredentialsError):
        return CredentialsProblem(f"incomplete AWS credentials{profile}: {error}")
    if isinstance(error, (botocore_errors.SSOError, botocore_errors.TokenRetrievalError)):
        name = session.profile if session is not None and session.profile else "<profile>"
        return CredentialsProblem(f"the IAM Identity Center (SSO) session{profile} has expired or was never started "
                                  f"({error}); run `aws sso login --profile {name}`")
    if isinstance(error, botocore_errors.CredentialRetrievalError):
        return CredentialsProblem(f"the AWS credentials{profile} could not be obtained: {error}")
    if isinstance(error, (botocore_errors.EndpointConnectionError, botocore_errors.ConnectTimeoutError,
                          botocore_errors.ReadTimeoutError)):
        return CredentialsProblem(f"AWS STS could not be reached to check the credentials{profile}: {error}; check the "
                                  "network, the proxy settings or AWS_ENDPOINT_URL", ExitCode.FAILED)
    if isinstance(error, botocore_errors.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        operation = getattr(error, "operation_name", "")
        if code in _EXPIRED:
            return CredentialsProblem(f"the AWS credentials{profile} have expired ({code}: {message}); renew them")
        if code in _REFUSED:
            what = "could not assume its role" if operation == "AssumeRole" else "were refused by AWS"
            return CredentialsProblem(f"the AWS credentials{profile} {what} ({code}: {message})")
    return None


def _profile_note(session: Any | None) -> str:
    profile = session.get_config_variable("profile") if session is not None else None
    return f" for profile {profile!r}" if profile else ""
