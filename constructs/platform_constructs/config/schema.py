"""The typed schema of ``environments/*.toml``.

An environment file names its ``tier``; the tier preset (``config/presets/<section>.toml``)
supplies every value the file leaves out, and the file overrides only what differs. The
merged result is validated here: unknown keys, wrong types and out-of-range values are
rejected with the field path.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, computed_field, model_validator

from platform_constructs.ci.ci_props import CiProps
from platform_constructs.compute.eks_props import EksProps
from platform_constructs.config.data_access_props import DataAccessProps
from platform_constructs.config.plan_guard_props import PlanGuardProps
from platform_constructs.config.presets import deep_merge
from platform_constructs.config.regions import AwsRegion
from platform_constructs.config.release_props import ReleaseProps
from platform_constructs.config.tiers import TIERS as TIERS, Tier  # noqa: PLC0414 - re-exported: callers import TIERS from here
from platform_constructs.data.postgres_props import PostgresProps
from platform_constructs.data.redis_props import CacheUser, RedisProps
from platform_constructs.dns.dns_props import Delegation, DnsProps, ParentZoneProps, delegation_role_name
from platform_constructs.errors import Problem, toml_value
from platform_constructs.ingress.ingress_props import IngressProps
from platform_constructs.k8s.recovery_time import recovery_paths
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.workload_props import AppName, WorkloadProps
from platform_constructs.naming import Naming
from platform_constructs.network.props import NetworkProps
from platform_constructs.observability.monitoring_props import ApplicationAlarmProps, MonitoringProps
from platform_constructs.policy.policy_props import PolicyProps
from platform_constructs.props import MAY_DIFFER, LogRetentionDays, Props, StrictStr, refuse_in_validator
from platform_constructs.registry.ecr_props import RegistryProps
from platform_constructs.search.search_props import SearchProps
from platform_constructs.streaming.kafka_props import KafkaProps

#: Tag keys AWS reserves for itself (any case); a resource cannot carry them.
RESERVED_TAG_PREFIX = "aws:"
#: Characters AWS allows in tag keys and values.
_TAG_TEXT = re.compile(r"^[\w .:/=+\-@]*$")


class AwsTarget(Props):
    """Where an environment's resources live."""

    account_id: StrictStr = Field(pattern=r"^\d{12}$")
    """12-digit AWS account id; the provider refuses to run against any other. Default: required."""
    region: AwsRegion
    """AWS region, e.g. ``eu-west-1``; one of the regions in ``config/regions.py``. Default: required."""
    deploy_role_name: StrictStr | None = Field(default=None, pattern=r"^[\w+=,.@-]{1,64}$")
    """IAM role assumed in ``account_id`` to deploy; ``None`` uses the caller's credentials as they are.
    Default: ``None``."""

    @property
    def deploy_role_arn(self) -> str | None:
        """ARN of ``deploy_role_name`` in ``account_id``, or ``None``."""
        if self.deploy_role_name is None:
            return None
        return f"arn:aws:iam::{self.account_id}:role/{self.deploy_role_name}"


class NamingConfig(Props):
    """Physical naming of resources: ``{prefix}-{environment}-{component}``."""

    prefix: StrictStr = Field(pattern=r"^[a-z][a-z0-9]{1,9}$")
    """Organisation or project prefix, 2–10 lower-case letters or digits. Default: required."""


class MandatoryTags(Props):
    """Tags every taggable resource carries (through the provider's ``default_tags``).

    ``Environment`` is not listed: it is always the environment's name.
    """

    model_config = ConfigDict(populate_by_name=True)

    owner: StrictStr = Field(alias="Owner", min_length=1, max_length=256)
    """Team accountable for the resources. Default: required."""
    cost_center: StrictStr = Field(alias="CostCenter", min_length=1, max_length=256)
    """Cost center charged. Default: required."""
    data_classification: Literal["public", "internal", "confidential", "restricted"] = Field(alias="DataClassification")
    """Most sensitive class of data the environment holds. Default: required."""
    additional: dict[StrictStr, StrictStr] = Field(default_factory=dict, alias="Additional")
    """Further tags: keys of 1–128 and values of up to 256 characters AWS allows, no key starting with ``aws:``
    (reserved by AWS) or naming a mandatory tag. Default: none."""

    @model_validator(mode="after")
    def _additional_tags_are_allowed(self) -> MandatoryTags:
        mandatory = {"environment", "owner", "costcenter", "dataclassification"}
        problems = []
        for key, value in sorted(self.additional.items()):
            if key.lower().startswith(RESERVED_TAG_PREFIX):
                problems.append(Problem("tags.reserved-prefix", "Additional", key,
                                        f"tag key {toml_value(key)} starts with {toml_value(RESERVED_TAG_PREFIX)}, a "
                                        "prefix AWS reserves for its own tags"))
            elif key.lower() in mandatory:
                problems.append(Problem("tags.mandatory-key", "Additional", key,
                                        f"tag key {toml_value(key)} would replace a mandatory tag; set it in its own "
                                        "field (Environment is always the environment's name)"))
            elif not (1 <= len(key) <= 128 and _TAG_TEXT.match(key)):
                problems.append(Problem("tags.key-format", "Additional", key,
                                        f"tag key {toml_value(key)} must be 1-128 letters, digits, spaces or "
                                        "_ . : / = + - @"))
            elif not (len(value) <= 256 and _TAG_TEXT.match(value)):
                problems.append(Problem("tags.value-format", "Additional", value,
                                        f"value of tag {toml_value(key)} must be at most 256 letters, digits, spaces "
                                        "or _ . : / = + - @"))
        refuse_in_validator(type(self).__name__, problems)
        return self

    def as_dict(self, environment: str) -> dict[str, str]:
        """All tags, ``Environment`` included."""
        return {
            "Environment": environment,
            "Owner": self.owner,
            "CostCenter": self.cost_center,
            "DataClassification": self.data_classification,
            **self.additional,
        }


class StateLocation(Props):
    """Where the Terraform state of the environment's stacks is kept (S3 backend)."""

    bucket: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    """State bucket, created by the ``bootstrap`` stack. Default: required."""
    region: AwsRegion
    """Region of the state bucket; must be the shared (bootstrap) region. Default: required."""
    key_prefix: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9/_-]*[a-z0-9]$")
    """Prefix of the state keys; each stack writes ``{key_prefix}/{stack}.tfstate``. Default: required."""
    kms_key_alias: StrictStr | None = Field(default=None, pattern=r"^alias/[a-zA-Z0-9/_-]+$")
    """KMS alias that encrypts state objects. Default: derived – ``alias/{bucket}``."""

    @property
    def kms_alias(self) -> str:
        """The effective KMS alias of the state objects."""
        return self.kms_key_alias or f"alias/{self.bucket}"

    def key(self, stack: str) -> str:
        """State object key of one stack."""
        return f"{self.key_prefix}/{stack}.tfstate"


class LogsConfig(Props):
    """CloudWatch log groups of the environment."""

    retention_days: LogRetentionDays = Field(json_schema_extra=MAY_DIFFER)
    """Retention of every log group the environment creates. Default: tier preset."""


class DeploymentTarget(Props):
    """What every configuration file describes: where its stacks deploy and how they are named,
    tagged, stored, logged and guarded. :class:`EnvironmentConfig` and :class:`SharedConfig` add
    their own sections."""

    name: StrictStr
    """Name of the configuration; also a stack name. Default: required."""
    tier: Tier
    """Preset that supplies every value the file leaves out. Default: required."""
    aws: AwsTarget
    """Account and region. Default: required."""
    naming: NamingConfig
    """Resource naming. Default: required."""
    tags: MandatoryTags
    """Mandatory tags. Default: required."""
    state: StateLocation
    """Terraform state location. Default: required."""
    logs: LogsConfig
    """Log retention. Default: tier preset."""
    policy: PolicyProps = Field(default_factory=PolicyProps)
    """Guardrail rule pack and suppressions. Default: tier preset."""
    plan_guard: PlanGuardProps = Field(default_factory=PlanGuardProps)
    """Whether plans may delete or replace stateful resources. Default: tier preset."""

    @property
    def all_tags(self) -> dict[str, str]:
        """Mandatory tags with ``Environment`` set."""
        return self.tags.as_dict(self.name)


class EnvironmentConfig(DeploymentTarget):
    """One environment (``dev``, ``staging``, ``prod``): the input of its stacks."""

    name: StrictStr = Field(pattern=r"^[a-z][a-z0-9]{1,11}$")
    """Environment name; also the platform stack's name. Default: required."""
    network: NetworkProps
    """The VPC. Default: tier preset."""
    eks: EksProps = Field(default_factory=EksProps)
    """The EKS cluster. Default: tier preset."""
    postgres: PostgresProps = Field(default_factory=PostgresProps)
    """The PostgreSQL database. Default: tier preset."""
    redis: RedisProps = Field(default_factory=RedisProps)
    """The Redis/Valkey cache. Default: tier preset."""
    kafka: KafkaProps = Field(default_factory=KafkaProps)
    """The Kafka cluster. Default: tier preset."""
    search: SearchProps = Field(default_factory=SearchProps)
    """The OpenSearch domain. Default: tier preset."""
    monitoring: MonitoringProps = Field(default_factory=MonitoringProps)
    """Alarm topic and alarm packs. Default: tier preset."""
    rollout: RolloutProps = Field(default_factory=RolloutProps)
    """Rolling-update preset of the environment's workloads. Default: tier preset."""
    dns: DnsProps
    """The environment's domain and hosted zones. Default: ``zones`` from the tier preset; ``domain`` required."""
    ingress: IngressProps = Field(default_factory=IngressProps)
    """How application entries (``[apps.<name>.ingress]``) are built. Default: tier preset."""
    apps: dict[AppName, WorkloadProps] = Field(default_factory=dict)
    """Applications, keyed by name (``[apps.<name>]``), each deployed by its own stack ``<env>-app-<name>``; each rolls
    out with ``rollout``. Default: none."""
    release: ReleaseProps = Field(default_factory=ReleaseProps)
    """Environments whose verified images may be promoted here. Default: tier preset."""
    data_access: DataAccessProps = Field(default_factory=DataAccessProps)
    """How the grants inside the data stores run (``[data_access]``).
    Default: none until an application uses a store."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recovery_time(self) -> dict[str, int]:
        """Worst-case seconds from a critical application failure to the last good image serving, per recovery
        path (``k8s/recovery_time.py``; shown in the environment report and docs/rollback.md)."""
        paths = recovery_paths(Naming(self.naming.prefix, self.name), self.rollout, self.monitoring)
        return {path.name: path.total_seconds for path in paths}

    @property
    def cache_users(self) -> tuple[CacheUser, ...]:
        """The cache users the applications declare (``[apps.<name>.uses.redis]``), by application name; the cache
        creates them beside ``redis.users``."""
        return tuple(CacheUser(name=workload.uses.redis.user, access_string=workload.uses.redis.access_string)
                     for _, workload in sorted(self.apps.items()) if workload.uses.redis is not None)

    @model_validator(mode="before")
    @classmethod
    def _apps_inherit_monitoring(cls, data: Any) -> Any:
        """Lay each ``[apps.<name>.monitoring]`` over ``[monitoring.apps]``, so a partial table keeps the rest."""
        if not isinstance(data, dict) or not isinstance(data.get("apps"), dict):
            return data
        monitoring = data.get("monitoring")
        defaults = monitoring.get("apps", {}) if isinstance(monitoring, dict) else {}
        if not isinstance(defaults, dict) or not _valid(ApplicationAlarmProps, defaults):
            return data  # reported once, at monitoring.apps, not again under every application
        apps = {name: deep_merge(app, {"monitoring": deep_merge(defaults, app.get("monitoring", {}))})
                if isinstance(app, dict) and isinstance(app.get("monitoring", {}), dict) else app
                for name, app in data["apps"].items()}
        return {**data, "apps": apps}


def _valid(model: type[Props], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


class SharedConfig(DeploymentTarget):
    """What environments share (the ``shared`` stack) and where state is bootstrapped.

    Its ``aws`` is the tooling account, which also owns the state buckets.
    """

    name: Literal["shared"] = "shared"
    """Always ``shared``. Default: ``shared``."""
    registry: RegistryProps = Field(default_factory=RegistryProps)
    """Container registries. Default: tier preset."""
    ci: CiProps
    """Continuous delivery: CI cluster and network, agent identities, application sources. Default: required."""
    parent_zone: ParentZoneProps | None = None
    """The parent domain every environment's ``dns.domain`` is delegated from; its public zone lives in
    the shared account. Default: none (then no environment may publish application entries)."""

    def delegation_for(self, environment: str) -> Delegation | None:
        """How ``environment``'s zone is delegated from the parent zone, or ``None`` without a parent zone.

        Built from ``shared.toml`` alone, which every environment's synth cache key covers.
        """
        if self.parent_zone is None:
            return None
        return Delegation(parent_domain=self.parent_zone.domain, account_id=self.aws.account_id,
                          region=self.aws.region, role_name=delegation_role_name(self.naming.prefix, environment))
