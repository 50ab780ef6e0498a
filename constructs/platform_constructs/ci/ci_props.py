"""Props of continuous delivery (the ``[ci]`` section of ``shared.toml``).

The Jenkins controller and its agents run in the tooling (shared) account, on an EKS cluster of
their own in a VPC of their own: the CI network. Each agent pod gets an AWS identity from EKS
Pod Identity, by namespace: pods of the ``plan`` namespace may only read (branch builds), pods
of the ``apply`` namespace may change environments (the jobs that build from the main branch);
which jobs may start pods in which namespace is Jenkins' folder configuration, not a Jenkinsfile.
See docs/decisions/0012-ci-reachability.md.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints

from platform_constructs.k8s.workload_props import AppName, NamespaceName
from platform_constructs.naming import Naming
from platform_constructs.props import MAY_DIFFER, Cidr, Props, StrictStr

#: The component name of the read-only role every deployment target (shared and each environment)
#: holds for plans of branch builds: ``{prefix}-{name}-ci-planner``.
PLANNER_COMPONENT = "ci-planner"
#: The stacks' variable naming the role their providers assume: the deploy role by default; a
#: read-only plan (branch builds) passes the target's planner role.
ROLE_VARIABLE = "platform_role_arn"
#: A git remote: https or ssh.
GitUrl = Annotated[StrictStr, StringConstraints(pattern=r"^(https://|ssh://|git@)[^\s]+$", max_length=512)]
#: A Jenkins user or group name, as ``input(submitter: ...)`` takes it.
Submitter = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")]
#: A git branch name.
BranchName = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")]
_SERVICE_ACCOUNT = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class CiNetwork(Props):
    """The CI network and the hub that connects it to every environment.

    The hub is a transit gateway of the network (landing-zone) team, shared through AWS RAM with
    every environment account, routing between the CI VPC and each environment's VPC. Each
    environment's platform stack attaches its private subnets, routes the CI network through the
    hub and lets it reach the cluster's API on 443. EKS private endpoint names resolve to their
    private addresses through public DNS, so no resolver rule or zone association is needed.
    """

    cidr: Cidr = Field(json_schema_extra=MAY_DIFFER)
    """Address range of the CI VPC, where agent pods take their addresses; must not overlap an
    environment's VPC. Default: required."""
    transit_gateway_id: StrictStr = Field(pattern=r"^tgw-[0-9a-f]{8,17}$")
    """The hub transit gateway, shared with the environment accounts. Default: required."""


class AgentIdentity(Props):
    """The Kubernetes service account whose pods get one CI identity (EKS Pod Identity)."""

    namespace: NamespaceName
    """Namespace of the agent pods (one Jenkins Kubernetes cloud each). Default: required."""
    service_account: StrictStr = Field(pattern=_SERVICE_ACCOUNT.pattern)
    """Service account of the agent pods. Default: required."""


class ApplicationSource(Props):
    """Where an application's code lives: the only repository its release job builds."""

    repository: GitUrl
    """Git URL of the application repository. Default: required."""
    main_branch: BranchName = "main"
    """The branch whose commits may be promoted beyond dev. Default: ``main``."""


class CiProps(Props):
    """Continuous delivery: the CI cluster and network, the two agent identities, application sources."""

    cluster_name: StrictStr = Field(pattern=r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
    """EKS cluster in the tooling account that runs the Jenkins agents. Default: required."""
    network: CiNetwork
    """The CI network and its hub. Default: required."""
    plan: AgentIdentity = AgentIdentity(namespace="ci-plan", service_account="jenkins-plan")
    """Pods of branch builds: may read every environment (plans), change none. Default: ``ci-plan/jenkins-plan``."""
    apply: AgentIdentity = AgentIdentity(namespace="ci-apply", service_account="jenkins-apply")
    """Pods of the main branch's jobs: may apply every environment. Default: ``ci-apply/jenkins-apply``."""
    image_push: AgentIdentity = AgentIdentity(namespace="ci-build", service_account="jenkins-image-push")
    """The image build's pods (``cicd/pods/image-build.yaml``): may push to the application repositories
    and nothing else. Default: ``ci-build/jenkins-image-push``."""
    image_scan: AgentIdentity = AgentIdentity(namespace="ci-build", service_account="jenkins-image-scan")
    """The scanners' pods (``cicd/pods/scanners.yaml``): may pull the application images and read their
    scan findings. Default: ``ci-build/jenkins-image-scan``."""
    approvers: dict[StrictStr, Submitter] = Field(
        default_factory=lambda: {"dev": "platform-team", "staging": "platform-team", "prod": "platform-admins"})
    """Per tier, the Jenkins group that approves infrastructure changes and infrastructure rollbacks of
    protected targets of that tier (a dev environment that opts into protection needs one too); every
    protected target's tier needs one. Default: dev and staging ``platform-team``, prod ``platform-admins``."""
    applications: dict[AppName, ApplicationSource] = Field(default_factory=dict)
    """Source repository of each application (``[ci.applications.<name>]``); every application of an
    environment needs one. Default: none."""


def ci_role_name(shared: Naming, identity: str) -> str:
    """The tooling account's role of one agent identity (``plan`` or ``apply``): ``{prefix}-shared-ci-<identity>``."""
    return shared.name(f"ci-{identity}")


def ci_role_arn(tooling_account_id: str, shared: Naming, identity: str) -> str:
    """The ARN of :func:`ci_role_name`."""
    return f"arn:aws:iam::{tooling_account_id}:role/{ci_role_name(shared, identity)}"


def planner_role_name(naming: Naming) -> str:
    """The read-only role a deployment target holds for plans of branch builds."""
    return naming.name(PLANNER_COMPONENT)


def planner_role_arn(account_id: str, naming: Naming) -> str:
    """The ARN of :func:`planner_role_name` in the target's account."""
    return f"arn:aws:iam::{account_id}:role/{planner_role_name(naming)}"
