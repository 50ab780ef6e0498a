"""Release records in SSM (moto): a pending release between the record and the apply, the platform
revision, and the refusal of verification, promotion and record-good while a release is pending."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from platformctl.exit_codes import CliError, ExitCode
from platformctl.release.change import refuse_while_pending
from platformctl.release.image_ref import ImageRef
from platformctl.release.records import RecordKind, Release, ReleaseRecords

REPOSITORY = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
OLD = ImageRef.pinned(f"{REPOSITORY}@sha256:{'a' * 64}")
NEW = ImageRef.pinned(f"{REPOSITORY}@sha256:{'b' * 64}")


@pytest.fixture
def records(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield ReleaseRecords(boto3.client("ssm", region_name="eu-west-1"), "acme", "prod")


def test_a_pending_release_is_recorded_before_the_apply_and_cleared_after(records):
    records.record_release("api", OLD, "release 41", "build 1")
    assert records.pending("api") is None
    records.record_pending("api", Release(NEW, "release 42"), "build 2")
    assert records.pending("api") == Release(NEW, "release 42")
    assert records.image("api", RecordKind.CURRENT) == OLD  # current names what was applied, never what may be
    records.record_release("api", NEW, "release 42", "build 2")
    records.clear_pending("api")
    records.clear_pending("api")  # idempotent: a reconciliation may clear what an apply already cleared
    assert records.pending("api") is None
    assert [image for _, image, _ in records.history("api", RecordKind.CURRENT)] == [str(OLD), str(NEW)]


def test_checks_that_trust_the_records_are_refused_while_a_release_is_pending(records):
    refuse_while_pending(records, "api", "verification")  # nothing pending: no refusal
    records.record_pending("api", Release(NEW, "release 42"), "build 2")
    with pytest.raises(CliError) as refused:
        refuse_while_pending(records, "api", "promotion")
    assert refused.value.code == ExitCode.REFUSED
    assert "/acme/prod/apps/api/pending-release" in str(refused.value)
    assert "platformctl rollback --env prod --app api" in str(refused.value)


def test_the_platform_revision_is_a_full_commit_id_with_its_history(records):
    assert records.platform_revision() is None
    assert records.platform_revision_name() == "/acme/prod/platform-revision"
    first, second = "1" * 40, "2" * 40
    assert records.record_platform_revision(first, "infra build 7") == 1
    assert records.record_platform_revision(second, "infra build 8") == 2
    assert records.platform_revision() == second
    for short in ("1234567", "HEAD", "main", "1" * 39):
        with pytest.raises(ValueError, match="full 40-character commit id"):
            records.record_platform_revision(short, "infra build 9")
