"""Props of one application workload (``[apps.<name>]`` in an environment file).

A workload states what belongs to the application: where its image comes from, the port it
serves, its health endpoints, its size and the AWS permissions of its pods. How it rolls out
(strategy, probe timing, deadlines, security posture) comes from the tier's
:class:`~platform_constructs.k8s.rollout_props.RolloutProps`, so every team gets the same
zero-downtime behaviour in prod without repeating it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from platform_constructs.errors import Problem
from platform_constructs.k8s.app_ingress import AppIngress
from platform_constructs.k8s.app_uses import AppUses
from platform_constructs.k8s.image_policy import REPOSITORY_PATTERN
from platform_constructs.k8s.probes import ProbeAction
from platform_constructs.k8s.resources import ComputeResources
from platform_constructs.naming import Naming
from platform_constructs.observability.alarms.application_specs import NOT_RESOLVED, ApplicationSignals
from platform_constructs.observability.monitoring_props import ApplicationAlarmProps
from platform_constructs.props import MAY_DIFFER, Props, StrictInt, StrictStr, refuse_in_validator
from platform_constructs.security.managed_policies import admin_grade_reason

#: An application name: a DNS label of at most 32 characters (it names the Deployment, Service and namespace).
AppName = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$")]
#: A Kubernetes namespace name.
NamespaceName = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
#: An IAM managed policy ARN.
PolicyArn = Annotated[StrictStr, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::(?:aws|\d{12}):policy/[\w+=,.@/-]+$")]


def _not_admin_grade(arn: str) -> str:
    reason = admin_grade_reason(arn)
    if reason is not None:
        raise ValueError(f"refused: {reason}; declare the data stores in [apps.<name>.uses] or give the pods a "
                         "customer-managed policy scoped to the application's own resources")
    return arn


#: A managed policy a workload's pods may have: not one of the administrator-grade AWS-managed policies.
PodPolicyArn = Annotated[PolicyArn, AfterValidator(_not_admin_grade)]


class Autoscaling(Props):
    """A HorizontalPodAutoscaler on CPU; it then owns the replica count."""

    min_replicas: StrictInt = Field(default=2, ge=1, le=500, json_schema_extra=MAY_DIFFER)
    """Fewest pods. Default: 2."""
    max_replicas: StrictInt = Field(default=4, ge=1, le=500, json_schema_extra=MAY_DIFFER)
    """Most pods; at most the tier's ``rollout.max_replicas``. Default: 4."""
    target_cpu_utilization: StrictInt = Field(default=70, ge=10, le=95)
    """Average CPU use, in percent of the CPU request, the autoscaler aims for. Default: 70."""

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Autoscaling:
        if self.min_replicas > self.max_replicas:
            refuse_in_validator(type(self).__name__,
                                [Problem("k8s.autoscaling-bounds", "max_replicas", self.max_replicas,
                                                              f"must be at least min_replicas ({self.min_replicas})")])
        return self


class WorkloadProps(Props):
    """One application deployed by :class:`~platform_constructs.k8s.rolling_deployment.RollingDeployment`."""

    image_repository: StrictStr = Field(pattern=REPOSITORY_PATTERN)
    """The only repository the image may come from, e.g.
    ``444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api``. Default: required."""
    port: StrictInt = Field(default=8080, ge=1024, le=65535)
    """Container port served (the Service's port 80 forwards to it); 1024 or above, as the container runs without root.
    Default: 8080."""
    readiness: ProbeAction
    """Health check that gates traffic and rollout progress, e.g. ``{ http_get = "/ready" }``. Default: required."""
    liveness: ProbeAction
    """Health check whose failure restarts the container, e.g. ``{ http_get = "/healthz" }``. Default: required."""
    startup: ProbeAction | None = None
    """Check that must pass once before the other two run. Default: derived – the liveness check."""
    replicas: StrictInt | None = Field(default=None, ge=1, le=500, json_schema_extra=MAY_DIFFER)
    """Pods when autoscaling is off; leave unset with ``autoscaling``, which then owns the count. Default: derived – 2
    without autoscaling."""
    autoscaling: Autoscaling | None = None
    """CPU-based autoscaling; the deployment then ignores changes to its replica count. Default: off."""
    resources: ComputeResources = ComputeResources()
    """CPU and memory requests and limits of the container. Default: 100m/128Mi requested, 500m/256Mi limit."""
    namespace: NamespaceName | None = None
    """Kubernetes namespace, owned by this application alone (its stack creates it; no other application of
    the environment may use it). Default: derived – the application name."""
    pod_policy_arns: tuple[PodPolicyArn, ...] = ()
    """Further IAM managed policies of the pods' role (EKS Pod Identity); administrator-grade AWS-managed policies
    (``AdministratorAccess``, ``PowerUserAccess``, any ``…FullAccess``) are refused. The data stores of ``uses``
    need none. Default: none."""
    uses: AppUses = AppUses()
    """Data stores and applications it reaches (``[apps.<name>.uses]``); everything else is closed to it.
    Default: none."""
    ingress: AppIngress | None = None
    """An HTTPS entry through a load balancer (``[apps.<name>.ingress]``). Default: none (reachable
    inside the cluster only)."""
    monitoring: ApplicationAlarmProps = Field(default_factory=ApplicationAlarmProps, json_schema_extra=MAY_DIFFER)
    """The application's alarms: the environment's ``[monitoring.apps]`` with this table's keys laid over it
    (``[apps.<name>.monitoring]``, e.g. ``latency_p99 = { seconds = 0.3 }``). Default: ``[monitoring.apps]``."""

    @model_validator(mode="after")
    def _consistent(self) -> WorkloadProps:
        problems = []
        if self.replicas is not None and self.autoscaling is not None:
            problems.append(Problem(
                "k8s.replicas-with-autoscaling", "replicas", self.replicas,
                "must be unset when autoscaling is on; the autoscaler owns the replica count "
                "(set autoscaling.min_replicas instead)"))
        if self.ingress is not None and self.health_check_path is None:
            problems.append(Problem("ingress.health-check-path", "ingress.health_check_path", None,
                                    "must be set: the readiness check is not an http_get the load balancer "
                                    "could reuse"))
        refuse_in_validator(type(self).__name__, problems)
        return self

    @property
    def health_check_path(self) -> str | None:
        """Path the load balancer checks: ``ingress.health_check_path``, else the readiness ``http_get`` path."""
        if self.ingress is not None and self.ingress.health_check_path is not None:
            return self.ingress.health_check_path
        return self.readiness.http_get

    @property
    def startup_check(self) -> ProbeAction:
        """The effective startup check."""
        return self.startup or self.liveness

    @property
    def fewest_replicas(self) -> int:
        """Lowest replica count the workload runs at."""
        if self.autoscaling is not None:
            return self.autoscaling.min_replicas
        return self.replicas or 2

    @property
    def most_replicas(self) -> int:
        """Highest replica count the workload runs at."""
        if self.autoscaling is not None:
            return self.autoscaling.max_replicas
        return self.replicas or 2

    def namespace_for(self, app: str) -> str:
        """The effective namespace of application ``app``."""
        return self.namespace or app

    def alarm_signals(self, naming: Naming, app: str, *, cluster_name: str, load_balancer: str | None = None,
                      target_group: str | None = None) -> ApplicationSignals:
        """What the alarms of application ``app`` watch, as configured; the dimensions of its entry when it has one."""
        has_entry = self.ingress is not None
        return ApplicationSignals(naming=naming, app=app, cluster_name=cluster_name, namespace=self.namespace_for(app),
                                  autoscaler_max=self.autoscaling.max_replicas if self.autoscaling else None,
                                  load_balancer=(load_balancer or NOT_RESOLVED) if has_entry else None,
                                  target_group=(target_group or NOT_RESOLVED) if has_entry else None)

    def replica_field(self, *, most: bool) -> str:
        """The field that sets :attr:`most_replicas` (``most``) or :attr:`fewest_replicas`."""
        if self.autoscaling is not None:
            return "autoscaling.max_replicas" if most else "autoscaling.min_replicas"
        return "replicas"


def workload_problems(workload: WorkloadProps, *, max_replicas: int, zero_downtime: bool) -> list[Problem]:
    """Rules between a workload and its tier's rollout preset, every problem at once; ``[]`` when it fits.

    The preset checks the RTO budget and the fenceposts up to ``max_replicas``; a workload stays
    inside them by never running more pods. Zero downtime also needs a second pod, or a node drain
    takes the only one.
    """
    problems = []
    if workload.most_replicas > max_replicas:
        problems.append(Problem("k8s.replicas-above-preset", workload.replica_field(most=True), workload.most_replicas,
                                f"exceeds rollout.max_replicas ({max_replicas}), the largest count the tier's rollout "
                                "and RTO budget are checked for"))
    if zero_downtime and workload.fewest_replicas < 2:
        problems.append(Problem("k8s.single-replica", workload.replica_field(most=False), workload.fewest_replicas,
                                "must be at least 2 with rollout.zero_downtime, or draining a node takes the only pod"))
    return problems
