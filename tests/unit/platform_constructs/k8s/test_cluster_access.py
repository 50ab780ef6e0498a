"""EksClusterAccess: the kubernetes provider from the cluster found by name, credentials from the exec plugin."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("role_arn", "tail"), [
    ("arn:aws:iam::333333333333:role/platform-deployer",
     ["--role-arn", "arn:aws:iam::333333333333:role/platform-deployer"]),
    (None, []),
])
def test_provider_is_configured_from_the_lookup(synth_stack, role_arn, tail):
    def build(stack):
        from platform_constructs.k8s.cluster_access import EksClusterAccess

        EksClusterAccess(stack, "Cluster", cluster_name="acme-prod-eks", region="eu-west-1", role_arn=role_arn)

    config = synth_stack(build)
    [(lookup_id, lookup)] = config["data"]["aws_eks_cluster"].items()
    assert lookup == {"name": "acme-prod-eks"}
    [provider] = config["provider"]["kubernetes"]
    assert provider["host"] == f"${{data.aws_eks_cluster.{lookup_id}.endpoint}}"
    assert provider["exec"] == [{"api_version": "client.authentication.k8s.io/v1beta1", "command": "aws",
                                 "args": ["eks", "get-token", "--cluster-name", "acme-prod-eks", "--region",
                                          "eu-west-1",
                                          "--output", "json", *tail]}]
    # no long-lived or plan-stored credential: no token, no aws_eks_cluster_auth data source
    assert "token" not in provider and "aws_eks_cluster_auth" not in config["data"]
