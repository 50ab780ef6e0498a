"""EksClusterAccess: the kubernetes provider of a stack, pointed at an EKS cluster found by name."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, Fn, aws, k8s

#: The client-go credential plugin API that ``aws eks get-token`` answers.
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


class EksClusterAccess(Construct):
    """Looks the cluster up with the ``aws_eks_cluster`` data source and configures the kubernetes provider from it.

    The cluster belongs to another stack (the environment's platform stack), so it is found by
    name, never by a resource reference: an application release never plans against the cluster.

    Credentials come from ``aws eks get-token`` (exec plugin) run at plan and apply time rather
    than from the ``aws_eks_cluster_auth`` data source: that token expires after 15 minutes, which
    a rollout waiting for its progress deadline can outlast, and it would be stored in the plan
    file. ``role_arn`` makes the plugin assume the same deploy role as the AWS provider, the role
    that holds the cluster access entry.

    Example::

        cluster = EksClusterAccess(stack, "Cluster", cluster_name="acme-prod-eks", region="eu-west-1",
                                   role_arn="arn:aws:iam::333333333333:role/platform-deployer")
    """

    def __init__(self, scope: Construct, construct_id: str, *, cluster_name: str, region: str,
                 role_arn: str | None = None) -> None:
        super().__init__(scope, construct_id)
        self.cluster = aws.data_aws_eks_cluster.DataAwsEksCluster(self, "Lookup", name=cluster_name)
        args = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"]
        if role_arn is not None:
            args += ["--role-arn", role_arn]
        self.provider = k8s.provider.KubernetesProvider(
            self, "Provider",
            host=self.cluster.endpoint,
            cluster_ca_certificate=Fn.base64decode(self.cluster.certificate_authority.get(0).data),
            exec=[k8s.provider.KubernetesProviderExec(api_version=EXEC_API_VERSION, command="aws", args=args)],
        )
        self.cluster_name = cluster_name
