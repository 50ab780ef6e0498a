"""A local HTTPS stand-in for an OpenSearch domain's security REST API (roles and role mappings), on 127.0.0.1.

No OpenSearch can run on this machine (no distribution reaches it), so the grant job's requests go to this server.
It keeps what OpenSearch's security plugin does for the two calls the job makes, and checks what AWS checks:

- ``PUT …/_plugins/_security/api/roles/<name>`` and ``…/rolesmapping/<name>`` replace the whole document:
  ``201`` when it was new, ``200`` when it replaced one; ``GET`` returns it. A mapping of a role that does not
  exist is refused (``404``), as the plugin refuses it.
- Every request must carry a valid SigV4 signature for service ``es`` in the domain's region, from the one
  access key it knows, with its session token (``403`` otherwise). The signature is recomputed here from the
  SigV4 specification, independently of botocore, which signs the job's requests.

TLS comes from the emulator's throw-away authority (``local_aws.tls``); clients trust it through ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local_aws import tls

API = "/_plugins/_security/api/"
_AUTHORIZATION = re.compile(r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>[^,]+), "
                            r"SignedHeaders=(?P<headers>[^,]+), Signature=(?P<signature>[0-9a-f]{64})$")


@dataclass
class SecurityApi:
    """What the stand-in holds and whom it accepts."""

    region: str
    access_key: str
    secret_key: str
    session_token: str
    roles: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    """``(method, path, status)`` of every request, in order."""
    endpoint: str = ""
    """``127.0.0.1:<port>`` once started."""
    ca_bundle: Path | None = None
    """The authority clients must trust."""

    def refusal(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str | None:
        """Why the request's signature is not valid, or ``None``."""
        match = _AUTHORIZATION.match(headers.get("authorization", ""))
        if match is None:
            return "no SigV4 authorization"
        if match["key"] != self.access_key:
            return "unknown access key"
        if headers.get("x-amz-security-token") != self.session_token:
            return "missing or wrong session token"
        day, region, service, terminator = match["scope"].split("/")
        amz_date = headers.get("x-amz-date", "")
        if (region, service, terminator) != (self.region, "es", "aws4_request") or not amz_date.startswith(day):
            return f"wrong scope {match['scope']}"
        signed = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        if abs(datetime.datetime.now(datetime.UTC) - signed) > datetime.timedelta(minutes=5):
            return "request time too skewed"
        names = match["headers"].split(";")
        if "host" not in names:
            return "host is not signed"
        canonical = "\n".join([
            method, urllib.parse.quote(path, safe="/~"), "",
            "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in names),
            match["headers"], hashlib.sha256(body).hexdigest()])
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, match["scope"],
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = f"AWS4{self.secret_key}".encode()
        for part in (day, region, service, terminator):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return None if hmac.compare_digest(expected, match["signature"]) else "signature does not match"

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """The plugin's answer to an authenticated request."""
        kind, _, name = path.removeprefix(API).partition("/")
        store = {"roles": self.roles, "rolesmapping": self.mappings}.get(kind)
        if store is None or not name or "/" in name:
            return 400, {"status": "BAD_REQUEST", "message": f"unsupported path {path}"}
        if method == "GET":
            return (200, {name: store[name]}) if name in store else (404, {"status": "NOT_FOUND"})
        document = json.loads(body)
        if kind == "rolesmapping" and name not in self.roles:
            return 404, {"status": "NOT_FOUND", "message": f"Role '{name}' is not available for role mapping."}
        created = name not in store
        store[name] = document
        return (201, {"status": "CREATED"}) if created else (200, {"status": "OK"})


@contextmanager
def security_api(directory: Path, **settings: str) -> Iterator[SecurityApi]:
    """Serve a :class:`SecurityApi` over HTTPS on 127.0.0.1 until the block ends."""
    api = SecurityApi(**settings)
    certificate = tls.issue(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.certificate, certificate.private_key)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            refusal = api.refusal(self.command, self.path, headers, body)
            status, document = (403, {"message": refusal}) if refusal else api.answer(self.command, self.path, body)
            api.requests.append((self.command, self.path, status))
            payload = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = _handle  # noqa: N815 - http.server dispatches a request to do_<METHOD>

        def log_message(self, *_: object) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    api.endpoint, api.ca_bundle = f"127.0.0.1:{server.server_address[1]}", certificate.ca_bundle
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
