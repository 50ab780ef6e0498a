"""How pods join a target group Terraform owns: a TargetGroupBinding, and the readiness gate it drives.

Two controllers reconcile such bindings (docs/decisions/0009-eks-auto-mode-vs-self-managed-controllers.md):

- **EKS Auto Mode** (the default): its built-in load-balancer controller watches
  ``eks.amazonaws.com/v1`` bindings (``targetType`` required) and may register targets only in target
  groups tagged ``eks:eks-cluster-name`` with the cluster's name (its IAM policy requires the tag);
- **AWS Load Balancer Controller** (installed by the team on a ``node-groups`` cluster): ``elbv2.k8s.aws/v1beta1``.

Either sets a pod condition ``target-health.<group>/<binding name>`` once the pod's target is healthy. The
pod template declares that condition as a readiness gate, so a new pod is Ready – and a rolling update
moves on – only when the load balancer already sends it traffic. Declared rather than injected by the
controller's webhook: a pod created while the webhook is unreachable would otherwise start without the
gate; declared, it waits (and the rollout stops at its progress deadline) instead of taking traffic
too early. The namespace also carries the controller's injection label, for pods created by anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The label value that turns readiness-gate injection on for a namespace.
INJECTION_ENABLED = "enabled"
#: Tag the Auto Mode controller's IAM policy requires on a target group before it registers targets in it.
CLUSTER_NAME_TAG = "eks:eks-cluster-name"


@dataclass(frozen=True)
class TargetBinding:
    """One controller's binding API; build it with :meth:`auto_mode` or :meth:`load_balancer_controller`."""

    api_version: str
    """``apiVersion`` of its TargetGroupBinding resources."""
    condition_group: str
    """Prefix of the pod condition it sets, before ``/<binding name>``."""
    injection_label: str
    """Namespace label that makes its webhook add the readiness gate to new pods."""

    @classmethod
    def auto_mode(cls) -> TargetBinding:
        """EKS Auto Mode's built-in load-balancer controller."""
        return cls("eks.amazonaws.com/v1", "target-health.eks.amazonaws.com",
                   "eks.amazonaws.com/pod-readiness-gate-inject")

    @classmethod
    def load_balancer_controller(cls) -> TargetBinding:
        """The self-managed AWS Load Balancer Controller."""
        return cls("elbv2.k8s.aws/v1beta1", "target-health.elbv2.k8s.aws", "elbv2.k8s.aws/pod-readiness-gate-inject")

    @classmethod
    def for_compute(cls, compute: str) -> TargetBinding:
        """The binding of a cluster's ``eks.compute`` mode: Auto Mode's own controller, else the self-managed one."""
        return cls.auto_mode() if compute == "auto-mode" else cls.load_balancer_controller()

    def readiness_gate(self, binding_name: str) -> str:
        """The pod condition that turns true when the pod's target in that binding's group is healthy."""
        return f"{self.condition_group}/{binding_name}"

    @property
    def namespace_labels(self) -> dict[str, str]:
        """Labels of a namespace whose pods sit behind a binding."""
        return {self.injection_label: INJECTION_ENABLED}

    def manifest(self, *, name: str, namespace: str, service: str, service_port: int,
                 target_group_arn: str) -> dict[str, Any]:
        """The TargetGroupBinding registering the pods behind ``service``:``service_port`` as IP targets."""
        return {
            "apiVersion": self.api_version, "kind": "TargetGroupBinding",
            "metadata": {"name": name, "namespace": namespace,
                         "labels": {"app.kubernetes.io/name": service, "app.kubernetes.io/managed-by": "terraform"}},
            "spec": {"targetGroupARN": target_group_arn, "targetType": "ip",
                     "serviceRef": {"name": service, "port": service_port}},
        }
