"""platformctl findings and the prod promotion's refusal of images with open critical Inspector findings.

The emulator's Inspector2 (moto) implements ListFindings but does not evaluate ``filterCriteria``: it
answers each distinct request with the next result queued through its ``moto-api`` endpoint. The
tests therefore queue real-shaped findings (one on the running image, one on another image and one
of lower severity) and check that platformctl's own parsing keeps only the open critical findings of
the image it asked about.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from typing import Any

import pytest

from platformctl.exit_codes import ExitCode
from platformctl.release.image_ref import ImageRef

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

OTHER_DIGEST = "sha256:" + "e" * 64


def finding(number: int, digest: str, severity: str = "CRITICAL", status: str = "ACTIVE") -> dict[str, Any]:
    """A package-vulnerability finding on an ECR image, shaped as ListFindings returns it."""
    return {
        "findingArn": f"arn:aws:inspector2:eu-west-1:444444444444:finding/{number:032x}",
        "awsAccountId": "444444444444", "type": "PACKAGE_VULNERABILITY", "severity": severity, "status": status,
        "title": f"CVE-2026-{number:04d} - openssl", "description": "test finding",
        "resources": [{"type": "AWS_ECR_CONTAINER_IMAGE", "id": f"arn:aws:ecr:eu-west-1:444444444444:repository/"
                                                               f"acme-shared-api/{digest}",
                       "details": {"awsEcrContainerImage": {"imageHash": digest, "repositoryName": "acme-shared-api",
                                                            "registry": "444444444444"}}}],
    }


def queue_findings(aws, platform, *results: list[dict[str, Any]]) -> None:
    """Queue ListFindings answers in the registry account (moto's documented test hook)."""
    body = json.dumps({"results": list(results), "account_id": platform.shared.aws.account_id,
                       "region": platform.shared.aws.region}).encode()
    # the emulator's endpoint is always https://127.0.0.1:<port>
    request = urllib.request.Request(f"{aws.endpoint}/moto-api/static/inspector2/findings-results",  # noqa: S310
                                     data=body, method="POST", headers={"Content-Type": "application/json"})
    context = ssl.create_default_context(cafile=str(aws.ca_bundle))
    with urllib.request.urlopen(request, context=context) as answer:  # noqa: S310 - the loopback emulator above
        assert answer.status in (200, 201)


def digest_of(reference: str) -> str:
    return ImageRef.pinned(reference).digest


def test_findings_lists_the_running_image_with_its_open_critical_findings(platformctl, aws, platform, records,
                                                                         image):
    running = image("prod", 1)
    records("prod").record_release("api", ImageRef.pinned(running), "abc123", note="test deploy")
    queue_findings(aws, platform, [finding(1, digest_of(running)), finding(2, OTHER_DIGEST),
                                   finding(3, digest_of(running), severity="MEDIUM"),
                                   finding(4, digest_of(running), status="CLOSED")])
    done = platformctl("findings", "--env", "prod")
    assert done.code == ExitCode.CHECK_FAILED, done.output
    assert f"prod/api: {running}: 1 open critical finding(s)" in done.out
    assert "CRITICAL CVE-2026-0001 - openssl" in done.out
    assert "CVE-2026-0002" not in done.out and "CVE-2026-0003" not in done.out and "CVE-2026-0004" not in done.out
    assert "1 running image(s) of prod have open critical findings" in done.err


def test_findings_passes_when_nothing_is_open_and_says_what_is_not_deployed(platformctl, records, image):
    running = image("staging", 2)
    records("staging").record_release("api", ImageRef.pinned(running), "abc123", note="test deploy")
    done = platformctl("findings", "--env", "staging", "--app", "api")
    assert done.code == ExitCode.OK, done.output
    assert f"staging/api: {running}: none open" in done.out
    nothing = platformctl("findings", "--env", "dev")
    assert nothing.code == ExitCode.OK and "dev/api: nothing deployed (/acme/dev/apps/api/current-image)" in nothing.out


def test_promotion_to_prod_refuses_open_critical_findings_unless_overridden_with_a_reason(platformctl, aws, platform,
                                                                                          records, image):
    verified = image("staging", 3)
    records("staging").record_release("api", ImageRef.pinned(verified), "abc123", note="test deploy")
    records("staging").record_good("api", ImageRef.pinned(verified), note="verified")
    queue_findings(aws, platform, [finding(5, digest_of(verified))])
    promote = ("promote", "--from", "staging", "--to", "prod", "--app", "api", "--dry-run")

    refused = platformctl(*promote)
    assert refused.code == ExitCode.REFUSED, refused.output
    assert (f"prod/api: {verified} has 1 open critical Inspector finding(s): CRITICAL CVE-2026-0005 - openssl"
            in refused.err)
    assert "--allow-findings --reason TEXT" in refused.err

    no_reason = platformctl(*promote, "--allow-findings")
    assert no_reason.code == ExitCode.USAGE and "--allow-findings needs one --reason TEXT" in no_reason.err

    overridden = platformctl(*promote, "--allow-findings", "--reason", "not reachable: the fix ships tomorrow")
    assert overridden.code == ExitCode.OK, overridden.output
    assert ("OVERRIDE --allow-findings for prod/api" in overridden.out
            and "reason: not reachable: the fix ships tomorrow" in overridden.out)


def test_staging_takes_an_image_with_findings_its_release_settings_do_not_refuse(platformctl, aws, platform,
                                                                                 records, image):
    built = image("dev", 4)
    records("dev").record_release("api", ImageRef.pinned(built), "abc123", note="test deploy")
    records("dev").record_good("api", ImageRef.pinned(built), note="verified")
    queue_findings(aws, platform, [finding(6, digest_of(built))])
    done = platformctl("promote", "--from", "dev", "--to", "staging", "--app", "api", "--dry-run")
    assert done.code == ExitCode.OK, done.output
    assert "Inspector" not in done.output
