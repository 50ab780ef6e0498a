"""The grant plan an application's grant job applies, read strictly (written by ``access/grants_plan.py``).

Every field is checked before anything connects: a plan with a missing, misspelt or mistyped field is refused
as a whole, naming each field path, its value and what is allowed, so a half-applied plan cannot come from a
bad file. Models are frozen; unknown keys are refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from platform_constructs.access.grants_plan import PLAN_VERSION

#: A non-empty string without surrounding blanks.
Text = Annotated[str, StringConstraints(pattern=r"^\S(?:.*\S)?$")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class PostgresGrant(_Section):
    """The ``postgres`` section: the user with ``rds_iam`` and its schema privileges."""

    host: Text
    """The database endpoint's host name."""
    port: int = Field(ge=1, le=65535)
    """The database port."""
    database: Text
    """The database the user may connect to."""
    master_user: Text
    """The master user, who runs the script."""
    master_secret_arn: Text
    """The RDS-managed secret holding the master password (read by the job, never in the plan)."""
    user: Text
    """The application's database user."""
    schema_name: Text = Field(alias="schema")
    """The schema the user works in."""
    access: Literal["read-write", "read-only"]
    """``read-write`` (the user owns the schema) or ``read-only`` (``SELECT``, also on future tables)."""
    schema_owner: Text | None = None
    """The user owning the schema, when another application writes it; ``None``: the master (or ``user``)."""

    def variables(self) -> dict[str, str]:
        """The psql variables of ``grants.sql``; without an owning application the master owns the schema."""
        return {"user": self.user, "schema": self.schema_name, "owner": self.schema_owner or self.master_user,
                "database": self.database, "access": self.access}


class SearchGrant(_Section):
    """The ``search`` section: the application's OpenSearch role and its mapping to the pod role."""

    endpoint: Text
    """The domain's endpoint (host name, no scheme)."""
    master_role_arn: Text
    """The domain's master role, assumed to call the security API."""
    role: Text
    """Name of the application's OpenSearch role."""
    backend_role: Text
    """The application's pod role ARN, mapped to ``role``."""
    indices: tuple[Text, ...] = Field(min_length=1)
    """Index patterns the role may use."""
    index_actions: tuple[Text, ...] = Field(min_length=1)
    """Index permissions (action groups) on ``indices``."""
    cluster_actions: tuple[Text, ...] = ()
    """Cluster permissions."""


class KafkaTopic(_Section):
    """One topic the application produces to or consumes from."""

    name: Text
    """The topic name."""
    partitions: int = Field(ge=1)
    """Partitions it has at least."""
    replication_factor: int = Field(ge=1)
    """Replicas of each partition."""


class KafkaTopics(_Section):
    """The ``kafka`` section: the application's topics."""

    bootstrap_brokers: Text
    """The SASL/IAM bootstrap brokers, comma-separated ``host:port``."""
    topics: tuple[KafkaTopic, ...] = Field(min_length=1)
    """The topics, each created or grown to its plan."""

    @property
    def brokers(self) -> list[str]:
        """The bootstrap brokers as a list."""
        return [broker.strip() for broker in self.bootstrap_brokers.split(",") if broker.strip()]


class GrantPlan(_Section):
    """One application's grants inside the data stores."""

    version: int
    """The plan format: :data:`~platform_constructs.access.grants_plan.PLAN_VERSION` (checked first)."""
    application: Text
    """The application the grants are for."""
    region: Text
    """The AWS region of the stores."""
    postgres: PostgresGrant | None = None
    """The PostgreSQL grants, when the application uses the database."""
    search: SearchGrant | None = None
    """The OpenSearch grants, when the application uses search."""
    kafka: KafkaTopics | None = None
    """The Kafka topics, when the application uses Kafka."""


class PlanInvalid(ValueError):
    """The plan cannot be applied; :attr:`problems` names each bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.problems = problems


def parse_plan(text: str, source: str) -> GrantPlan:
    """The plan in ``text`` (read from ``source``, for messages).

    Raises:
        PlanInvalid: not JSON, or one or more fields are missing, unknown or invalid (all are named).
    """
    try:
        document: Any = json.loads(text)
    except ValueError as error:
        raise PlanInvalid(source, [f"not JSON ({error})"]) from None
    if not isinstance(document, dict):
        raise PlanInvalid(source, [f"not a grant plan: a JSON {type(document).__name__}, expected an object"])
    if document.get("version") != PLAN_VERSION:
        raise PlanInvalid(source, [f"version = {document.get('version')!r}: not a grant plan of version "
                                   f"{PLAN_VERSION}"])
    try:
        return GrantPlan.model_validate_json(text)  # JSON mode: arrays are tuples, numbers stay strict
    except ValidationError as error:
        items = error.errors()
        # a list whose item failed is also reported as too short: name the item only
        inner = {item["loc"][:depth] for item in items for depth in range(1, len(item["loc"]))}
        raise PlanInvalid(source, [_problem(item) for item in items
                                   if not (item["type"] == "too_short" and item["loc"] in inner)]) from None


def read_plan(path: Path) -> GrantPlan:
    """The plan in the file ``path``; see :func:`parse_plan`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanInvalid(str(path), [f"cannot be read ({error})"]) from None
    return parse_plan(text, str(path))


def _problem(item: Any) -> str:
    field = ".".join(str(part) for part in item["loc"])
    if item["type"] == "missing":
        return f"{field}: is required"
    if item["type"] == "extra_forbidden":
        return f"{field}: unknown field"
    return f"{field} = {item['input']!r}: {item['msg']}"
