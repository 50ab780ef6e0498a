"""Rules for ECR repositories / registry and S3 buckets."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.rules import ecr, s3
from platform_constructs.policy.rules.ecr import (
    enhanced_scanning,
    immutable_tags,
    kms_encryption,
    no_force_delete,
    scan_on_push,
)
from platform_constructs.policy.rules.s3 import (
    kms_encryption as s3_kms,
    no_force_destroy,
    public_access_block,
    versioning,
)

REPO = "aws_ecr_repository"
BLOCKED = dict.fromkeys(public_access_block.FLAGS, True)


def sse(algorithm):
    return {"rule": [{"apply_server_side_encryption_by_default": {"sse_algorithm": algorithm}}]}


CASES = [
    (immutable_tags.RULE, REPO, {"image_tag_mutability": "IMMUTABLE"}, OK),
    (immutable_tags.RULE, REPO, {}, BAD, "image_tag_mutability is not set"),
    (immutable_tags.RULE, REPO, {"image_tag_mutability": "MUTABLE"}, BAD, "'MUTABLE'"),
    (immutable_tags.RULE, "aws_ecr_lifecycle_policy", {}, NA),
    (scan_on_push.RULE, REPO, {"image_scanning_configuration": {"scan_on_push": True}}, OK),
    (scan_on_push.RULE, REPO, {}, BAD, "scan_on_push is not set"),
    (scan_on_push.RULE, "aws_ecr_registry_scanning_configuration", {}, NA),
    (kms_encryption.RULE, REPO, {"encryption_configuration": [{"encryption_type": "KMS", "kms_key": "${k.arn}"}]}, OK),
    (kms_encryption.RULE, REPO, {}, BAD, "encryption_type is not set, must be 'KMS'"),
    (kms_encryption.RULE, "aws_kms_key", {}, NA),
    (no_force_delete.RULE, REPO, {"force_delete": False}, OK),
    (no_force_delete.RULE, REPO, {"force_delete": True}, BAD, "force_delete is true"),
    (no_force_delete.RULE, "aws_s3_bucket", {"force_destroy": True}, NA),
    (enhanced_scanning.RULE, "aws_ecr_registry_scanning_configuration", {"scan_type": "ENHANCED"}, OK),
    (enhanced_scanning.RULE, "aws_ecr_registry_scanning_configuration", {"scan_type": "BASIC"}, BAD, "'BASIC'"),
    (enhanced_scanning.RULE, REPO, {}, NA),
    (public_access_block.RULE, "aws_s3_bucket_public_access_block", BLOCKED, OK),
    (public_access_block.RULE, "aws_s3_bucket_public_access_block", {**BLOCKED, "restrict_public_buckets": False}, BAD,
     "restrict_public_buckets is false"),
    (public_access_block.RULE, "aws_s3_bucket", {}, NA),
    (s3_kms.RULE, "aws_s3_bucket_server_side_encryption_configuration", sse("aws:kms"), OK),
    (s3_kms.RULE, "aws_s3_bucket_server_side_encryption_configuration", sse("AES256"), BAD, "sse_algorithm is AES256"),
    (s3_kms.RULE, "aws_s3_bucket_server_side_encryption_configuration", {}, BAD, "sse_algorithm is not set"),
    (s3_kms.RULE, "aws_s3_bucket", {}, NA),
    (versioning.RULE, "aws_s3_bucket_versioning", {"versioning_configuration": {"status": "Enabled"}}, OK),
    (versioning.RULE, "aws_s3_bucket_versioning", {"versioning_configuration": {"status": "Suspended"}}, BAD,
     "'Suspended'"),
    (versioning.RULE, "aws_s3_bucket", {}, NA),
    (no_force_destroy.RULE, "aws_s3_bucket", {"bucket": "b"}, OK),
    (no_force_destroy.RULE, "aws_s3_bucket", {"force_destroy": True}, BAD, "force_destroy is true"),
    (no_force_destroy.RULE, REPO, {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


@pytest.mark.parametrize("service", [ecr, s3], ids=lambda module: module.__name__)
def test_every_rule_has_its_outcomes(service):
    assert_covers(service, CASES)
