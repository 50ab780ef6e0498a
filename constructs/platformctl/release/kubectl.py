"""The kubectl (and ``aws eks``) command lines the CLI runs against a workload.

No cluster can run on the build machine, so tests check these commands argument by argument;
the pipelines run them against EKS. The kubeconfig entry is made with the environment's deploy
role, which holds an EKS access entry, so kubectl acts with the same rights as Terraform.
"""

from __future__ import annotations

from dataclasses import dataclass

from platformctl.process import Command


@dataclass(frozen=True)
class Workload:
    """A Deployment in an EKS cluster, addressed through a kubeconfig context of its own name.

    Attributes:
        cluster: EKS cluster name (also the kubeconfig context alias).
        region: the cluster's region.
        namespace: namespace of the Deployment.
        deployment: Deployment name.
        container: the application container inside the pod template.
        role_arn: role kubectl authenticates as (``None``: the caller's identity).
    """

    cluster: str
    region: str
    namespace: str
    deployment: str
    container: str
    role_arn: str | None = None

    def update_kubeconfig(self) -> Command:
        """``aws eks update-kubeconfig`` writing a context named after the cluster."""
        argv = ["aws", "eks", "update-kubeconfig", "--name", self.cluster, "--region", self.region,
                "--alias", self.cluster]
        if self.role_arn:
            argv += ["--role-arn", self.role_arn]
        return Command(tuple(argv), uses_aws=True)

    def rollout_status(self, timeout_seconds: int) -> Command:
        """Wait until the latest rollout completes; exits 1 once the progress deadline is exceeded."""
        return self._kubectl("rollout", "status", f"deployment/{self.deployment}", f"--timeout={timeout_seconds}s")

    def rollout_undo(self, to_revision: int | None = None) -> Command:
        """Return the Deployment to its previous (or the given) ReplicaSet revision."""
        extra = (f"--to-revision={to_revision}",) if to_revision is not None else ()
        return self._kubectl("rollout", "undo", f"deployment/{self.deployment}", *extra)

    def running_image(self) -> Command:
        """Print the image of the application container in the Deployment's pod template."""
        path = f'{{.spec.template.spec.containers[?(@.name=="{self.container}")].image}}'
        return self._kubectl("get", f"deployment/{self.deployment}", "--output", f"jsonpath={path}")

    def _kubectl(self, *args: str) -> Command:
        return Command(("kubectl", "--context", self.cluster, "--namespace", self.namespace, *args), uses_aws=True)
