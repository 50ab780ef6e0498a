"""The OpenSearch part of a grant plan: the application's role and its mapping to the application's pod role.

Both are ``PUT`` requests to the security plugin's REST API, signed (SigV4, service ``es``) with the credentials
of the domain's master role, which the job assumes. A ``PUT`` replaces the role or mapping as a whole (``201``
created, ``200`` replaced), so the result is the plan's, however often it runs.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from platformctl.data_grants import GrantFailed
from platformctl.data_grants.plan import SearchGrant

SECURITY_API = "_plugins/_security/api"
#: Seconds one request may take; the job's deadline bounds the whole run.
REQUEST_TIMEOUT_S = 30

#: Sends a prepared request; returns the HTTP status (raises ``urllib.error`` errors, as ``urlopen`` does).
Send = Callable[[urllib.request.Request], int]


def role_body(grant: SearchGrant) -> dict[str, Any]:
    """The OpenSearch role: index permissions on the declared indices only."""
    permissions = {"index_patterns": list(grant.indices), "allowed_actions": list(grant.index_actions)}
    return {"cluster_permissions": list(grant.cluster_actions), "index_permissions": [permissions]}


def mapping_body(grant: SearchGrant) -> dict[str, Any]:
    """The role mapping: exactly the application's pod role, as a backend role (IAM role ARN)."""
    return {"backend_roles": [grant.backend_role], "hosts": [], "users": []}


def requests(grant: SearchGrant) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, url, body)`` of the grant: the role first, then its mapping."""
    base = f"https://{grant.endpoint}/{SECURITY_API}"
    return [("PUT", f"{base}/roles/{grant.role}", role_body(grant)),
            ("PUT", f"{base}/rolesmapping/{grant.role}", mapping_body(grant))]


def master_credentials(grant: SearchGrant, session: Any) -> Any:
    """Credentials of the domain's master role (``botocore.credentials.Credentials``), assumed by the job's role."""
    from botocore.credentials import Credentials

    assumed = session.client("sts").assume_role(RoleArn=grant.master_role_arn,
                                                RoleSessionName="data-grants")["Credentials"]
    return Credentials(assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"])


def signed_request(method: str, url: str, body: dict[str, Any], *, credentials: Any,
                   region: str) -> urllib.request.Request:
    """The request, signed with SigV4 for service ``es`` (host, date, payload and security token)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    payload = json.dumps(body).encode()
    signed = AWSRequest(method=method, url=url, data=payload, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials, "es", region).add_auth(signed)
    return urllib.request.Request(url, data=payload, method=method,  # noqa: S310 - https from the plan
                                  headers=dict(signed.headers.items()))


def _urlopen(request: urllib.request.Request) -> int:
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as answer:  # noqa: S310 - https from the plan
        return int(answer.status)


def apply(grant: SearchGrant, *, region: str, credentials: Any, send: Send = _urlopen) -> list[str]:
    """Send the role, then its mapping; returns one line per request.

    Raises:
        GrantFailed: the domain answered an error status or could not be reached (the role may exist without
            its mapping then: the next run replaces both).
    """
    done = []
    for method, url, body in requests(grant):
        try:
            status = send(signed_request(method, url, body, credentials=credentials, region=region))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            raise GrantFailed(f"OpenSearch {method} {url}: HTTP {error.code} {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise GrantFailed(f"OpenSearch {method} {url}: cannot be reached ({reason})") from None
        done.append(f"search: {method} {url}: HTTP {status} ({'created' if status == 201 else 'replaced'})")
    return done
