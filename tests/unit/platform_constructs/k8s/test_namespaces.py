"""Reserved namespaces and administrator-grade policies: what applications and teams may not use."""

from __future__ import annotations

import pytest

from platform_constructs.k8s.namespaces import RESERVED_NAMESPACES, reserved_namespace_reason
from platform_constructs.security.managed_policies import admin_grade_reason


def test_every_namespace_a_platform_add_on_runs_in_is_reserved():
    from platform_constructs.compute import eks_cluster

    namespaces = {namespace for namespace, *_ in eks_cluster._ADDON_IDENTITIES.values()}  # noqa: SLF001
    assert namespaces and namespaces <= RESERVED_NAMESPACES


@pytest.mark.parametrize(("namespace", "reserved"), [
    ("kube-system", True), ("kube-anything", True), ("default", True), ("amazon-cloudwatch", True),
    ("data-grants-api", True), ("api", False), ("kubeflow", False), ("defaults", False), ("data-grants", False),
])
def test_reserved_namespaces(namespace, reserved):
    assert (reserved_namespace_reason(namespace) is not None) is reserved


@pytest.mark.parametrize(("arn", "refused"), [
    ("arn:aws:iam::aws:policy/AdministratorAccess", True),
    ("arn:aws:iam::aws:policy/PowerUserAccess", True),
    ("arn:aws:iam::aws:policy/IAMFullAccess", True),
    ("arn:aws:iam::aws:policy/AmazonS3FullAccess", True),
    ("arn:aws:iam::aws:policy/job-function/NetworkAdministrator", True),
    ("arn:aws-cn:iam::aws:policy/AdministratorAccess", True),
    ("arn:${data.aws_partition.Partition.partition}:iam::aws:policy/PowerUserAccess", True),  # as synthesized
    ("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", False),
    ("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", False),
    ("arn:aws:iam::333333333333:policy/AdministratorAccess", False),  # customer-managed: reviewed where written
])
def test_administrator_grade_aws_managed_policies(arn, refused):
    assert (admin_grade_reason(arn) is not None) is refused
