"""The OpenSearch part of a grant plan: the application's role and its mapping to the application's pod role.

Both are ``PUT`` requests to the security plugin's REST API, signed (SigV4, service ``es``) with the credentials
of the domain's master role, which the job assumes. A ``PUT`` replaces the role or mapping as a whole, so the
result is the plan's, however often it runs.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

SECURITY_API = "_plugins/_security/api"


def role_body(section: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenSearch role: index permissions on the declared indices only."""
    return {"cluster_permissions": list(section["cluster_actions"]),
            "index_permissions": [{"index_patterns": list(section["indices"]),
                                   "allowed_actions": list(section["index_actions"])}]}


def mapping_body(section: Mapping[str, Any]) -> dict[str, Any]:
    """The role mapping: exactly the application's pod role, as a backend role (IAM role ARN)."""
    return {"backend_roles": [section["backend_role"]], "hosts": [], "users": []}


def requests(section: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, url, body)`` of the grant: the role first, then its mapping."""
    base = f"https://{section['endpoint']}/{SECURITY_API}"
    return [("PUT", f"{base}/roles/{section['role']}", role_body(section)),
            ("PUT", f"{base}/rolesmapping/{section['role']}", mapping_body(section))]


def apply(section: Mapping[str, Any], *, region: str, session: Any,
          send: Callable[[urllib.request.Request], Any] = urllib.request.urlopen) -> list[str]:
    """Assume the master role and send the requests; returns one line per request."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    assumed = session.client("sts").assume_role(RoleArn=section["master_role_arn"],
                                                RoleSessionName="data-grants")["Credentials"]
    credentials = Credentials(assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"])
    done = []
    for method, url, body in requests(section):
        payload = json.dumps(body).encode()
        signed = AWSRequest(method=method, url=url, data=payload, headers={"Content-Type": "application/json"})
        SigV4Auth(credentials, "es", region).add_auth(signed)
        with send(urllib.request.Request(url, data=payload, method=method, headers=dict(signed.headers))) as answer:
            done.append(f"{method} {url}: HTTP {answer.status}")
    return done
