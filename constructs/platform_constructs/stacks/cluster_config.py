"""ClusterConfigStack: the Kubernetes settings of one environment's whole cluster (``<env>-cluster-config``)."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, TerraformStack
from platform_constructs.access.network_policies import ClusterNetworkPolicyEnforcement
from platform_constructs.compute.eks_props import CLUSTER_COMPONENT
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.errors import ConstructValidationError, Problem
from platform_constructs.k8s.cluster_access import EksClusterAccess
from platform_constructs.naming import Naming
from platform_constructs.policy.guard import apply_policy
from platform_constructs.stacks.common import aws_provider, role_variable, s3_backend
from platform_constructs.stacks.names import cluster_config_stack_name


class ClusterConfigStack(TerraformStack):
    """Cluster-scoped Kubernetes objects that belong to no single application, in their own state.

    Today one: with EKS Auto Mode, the ``amazon-vpc-cni`` ConfigMap in ``kube-system`` that turns
    NetworkPolicy enforcement on (:class:`ClusterNetworkPolicyEnforcement`), which the default-deny
    policies of every application's stack rely on. It cannot live in an application's stack (one object,
    many applications: the second stack's create would fail, and removing the first application would
    switch enforcement off for all), nor in the platform stack, which needs only the AWS provider and is
    validated offline (docs/decisions/0012-release-units.md). Like an application's stack, it finds the
    cluster by name; ``Jenkinsfile-infra`` applies it after the platform and before the applications,
    under the platform's lock.

    Example::

        ClusterConfigStack(app, env)   # only where names.cluster_config_stack_name(env) is not None
    """

    def __init__(self, scope: Construct, env: EnvironmentConfig) -> None:
        name = cluster_config_stack_name(env)
        if name is None:
            raise ConstructValidationError([Problem(
                "stacks.no-cluster-config", "eks.compute", env.eks.compute,
                f"environment {env.name} has no cluster configuration: only EKS Auto Mode with applications "
                "needs one")])
        super().__init__(scope, name)
        s3_backend(self, env.state, env.state.region)
        role_arn = role_variable(self, env)
        aws_provider(self, env.aws, env.all_tags, role_arn=role_arn)
        apply_policy(self, env.policy, owner=env.name)
        naming = Naming(env.naming.prefix, env.name)
        self.cluster = EksClusterAccess(self, "Cluster", cluster_name=naming.name(CLUSTER_COMPONENT),
                                        region=env.aws.region, role_arn=role_arn)
        self.network_policy_enforcement = ClusterNetworkPolicyEnforcement(self, "NetworkPolicyEnforcement")
