"""Props of the PostgreSQL database (RDS)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from platform_constructs.data.windows import daily_window_rule, refuse_overlap, weekly_window_rule
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr

#: Enhanced-monitoring intervals RDS accepts (seconds; 0 turns it off).
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
#: Performance Insights retention periods: the free 7 days, or whole months (31 days) up to 2 years.
PERFORMANCE_INSIGHTS_RETENTION_DAYS = (7, *(31 * months for months in range(1, 24)), 731)
#: Oldest major version accepted; older ones are past RDS standard support.
OLDEST_MAJOR_VERSION = 13
#: Instance classes too small for Performance Insights.
NO_PERFORMANCE_INSIGHTS = re.compile(r"^db\.t[234]g?\.(micro|small)$")
#: Set by the construct itself: TLS is not optional.
FORCED_PARAMETERS = {"rds.force_ssl": "1"}

_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?$")
_IDENTIFIER = r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$"

LogExport = Literal["postgresql", "upgrade"]


def _one_of(allowed: tuple[int, ...], unit: str) -> Callable[[int], int]:
    def check(value: int) -> int:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(str(item) for item in allowed)} ({unit})")
        return value
    return check


#: RDS needs at least 30 minutes for each window.
BackupWindow = Annotated[StrictStr, daily_window_rule(30)]
MaintenanceWindow = Annotated[StrictStr, weekly_window_rule(30)]
MonitoringInterval = Annotated[StrictInt, AfterValidator(
    _one_of(MONITORING_INTERVALS, "seconds; 0 turns enhanced monitoring off"))]
PerformanceInsightsRetention = Annotated[StrictInt, AfterValidator(
    _one_of(PERFORMANCE_INSIGHTS_RETENTION_DAYS, "days: 7 is free, longer periods are whole months of 31 days"))]


def major_version(engine_version: str) -> int:
    """Major version of a valid ``engine_version`` (``16`` for ``16.4``)."""
    return int(engine_version.split(".")[0])


class PostgresProps(Props):
    """Settings of the PostgreSQL database (RDS); tier defaults live in ``config/presets/postgres.toml``.

    The model defaults are the secure production shape (Multi-AZ, deletion protection, 14 days
    of backups, Performance Insights, enhanced monitoring); the dev preset scales them down.
    """

    enabled: StrictBool = True
    """Whether the environment has this PostgreSQL database; applications can declare a use of it only when it
    does. Default: ``True``."""
    auto_minor_version_upgrade: StrictBool = True
    """Let RDS apply minor versions in the maintenance window. Default: ``True``."""
    engine_version: StrictStr = Field(default="16", validate_default=True)
    """PostgreSQL version: a major (``16``) or, with ``auto_minor_version_upgrade`` off, ``major.minor``
    (``16.4``). The parameter-group family (``postgres16``) is derived from it. Default: ``16``."""
    allow_major_version_upgrade: StrictBool = False
    """Permit an apply that changes the major version; set it for the apply that upgrades. Default: ``False``."""
    instance_class: StrictStr = Field(default="db.m7g.large", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$",
                                      json_schema_extra=MAY_DIFFER)
    """Instance class, e.g. ``db.t4g.micro``. Default: ``db.m7g.large``."""
    allocated_storage: StrictInt = Field(default=100, ge=20, le=65536, json_schema_extra=MAY_DIFFER)
    """Initial gp3 storage in GiB. Default: 100."""
    max_allocated_storage: StrictInt | None = Field(default=None, le=65536, validate_default=True,
                                                    json_schema_extra=MAY_DIFFER)
    """Storage autoscaling ceiling in GiB; ``None`` turns autoscaling off. Default: ``None`` (off)."""
    multi_az: StrictBool = True
    """Synchronous standby in a second zone with automatic failover. Default: ``True``."""
    port: StrictInt = Field(default=5432, ge=1150, le=65535)
    """TCP port the database listens on. Default: 5432."""
    database_name: StrictStr = Field(default="app", pattern=_IDENTIFIER)
    """Database created with the instance. Default: ``app``."""
    master_username: StrictStr = Field(default="platform_admin", pattern=_IDENTIFIER)
    """Master user; its password is generated and rotated by RDS in Secrets Manager. Default: ``platform_admin``."""
    backup_retention_days: StrictInt = Field(default=14, ge=0, le=35, json_schema_extra=MAY_DIFFER)
    """Days of automated backups (point-in-time recovery); 0 turns backups off. Default: 14."""
    backup_window: BackupWindow = Field(default="02:00-03:00", json_schema_extra=MAY_DIFFER)
    """Daily backup window (UTC), at least 30 minutes. Default: ``02:00-03:00``."""
    maintenance_window: MaintenanceWindow = Field(default="sun:03:30-sun:04:30", validate_default=True,
                                                  json_schema_extra=MAY_DIFFER)
    """Weekly maintenance window (UTC), 30 minutes to 24 hours, not overlapping ``backup_window``.
    Default: ``sun:03:30-sun:04:30``."""
    apply_immediately: StrictBool = False
    """Apply modifications now instead of in the maintenance window. Default: ``False``."""
    deletion_protection: StrictBool = True
    """Refuse deletion (AWS flag and Terraform ``prevent_destroy``), take a final snapshot and keep
    automated backups on delete; ``False`` skips the final snapshot and deletes the backups. Default: ``True``."""
    performance_insights: StrictBool = Field(default=True, validate_default=True)
    """Performance Insights, encrypted with the database key. Default: ``True``."""
    performance_insights_retention_days: PerformanceInsightsRetention = Field(default=7, json_schema_extra=MAY_DIFFER)
    """Days Performance Insights keeps its data. Default: 7 (the free tier)."""
    monitoring_interval: MonitoringInterval = Field(default=60, json_schema_extra=MAY_DIFFER)
    """Enhanced-monitoring interval in seconds; a monitoring role is created when above 0. Default: 60."""
    log_exports: tuple[LogExport, ...] = ("postgresql", "upgrade")
    """Logs exported to CloudWatch (``/aws/rds/instance/<id>/<log>``). Default: ``postgresql`` and ``upgrade``."""
    parameters: dict[StrictStr, StrictStr] = Field(default_factory=lambda: {
        "log_statement": "ddl", "log_min_duration_statement": "1000",
    })
    """Parameter-group settings (applied at the next reboot); ``rds.force_ssl`` is always 1.
    Default: log DDL and statements slower than 1 s."""

    @field_validator("engine_version")
    @classmethod
    def _version_is_supported(cls, value: str, info: ValidationInfo) -> str:
        match = _VERSION.match(value)
        if match is None:
            raise ValueError("must be a major version such as '16' or a major.minor version such as '16.4'")
        if int(match.group(1)) < OLDEST_MAJOR_VERSION:
            raise ValueError(f"major version {match.group(1)} is below {OLDEST_MAJOR_VERSION}, "
                             "the oldest in RDS standard support")
        if match.group(2) is not None and info.data.get("auto_minor_version_upgrade"):
            raise ValueError(f"pins a minor version while auto_minor_version_upgrade is on: RDS upgrades the "
                             f"minor and every later plan would try to downgrade it; give the major only "
                             f"({match.group(1)!r}) or turn auto_minor_version_upgrade off")
        return value

    @field_validator("max_allocated_storage")
    @classmethod
    def _autoscaling_leaves_headroom(cls, value: int | None, info: ValidationInfo) -> int | None:
        allocated = info.data.get("allocated_storage")
        if value is not None and allocated is not None and value * 10 < allocated * 11:
            raise ValueError(f"must exceed allocated_storage ({allocated} GiB) by at least 10 % "
                             f"(>= {-(-allocated * 11 // 10)} GiB), or be None to turn storage autoscaling off")
        return value

    @field_validator("performance_insights")
    @classmethod
    def _insights_fit_the_instance(cls, value: bool, info: ValidationInfo) -> bool:
        instance_class = info.data.get("instance_class", "")
        if value and NO_PERFORMANCE_INSIGHTS.match(instance_class):
            raise ValueError(f"is not available on {instance_class}; use a medium or larger class, "
                             "or turn performance_insights off")
        return value

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_after_backup(cls, value: str, info: ValidationInfo) -> str:
        return refuse_overlap("backup_window", info.data.get("backup_window"), value)

    @field_validator("log_exports")
    @classmethod
    def _exports_are_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists a log more than once")
        return value

    @field_validator("parameters")
    @classmethod
    def _tls_stays_forced(cls, value: dict[str, str]) -> dict[str, str]:
        for name, forced in FORCED_PARAMETERS.items():
            if name in value and value[name] != forced:
                raise ValueError(f"{name} = {value[name]!r} is not allowed: the construct forces {forced!r} "
                                 "so clients must use TLS")
        return value

    @property
    def parameter_group_family(self) -> str:
        """RDS parameter-group family of ``engine_version``, e.g. ``postgres16``."""
        return f"postgres{major_version(self.engine_version)}"
