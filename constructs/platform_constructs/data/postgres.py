"""PostgresDatabase: a private, encrypted RDS for PostgreSQL instance whose password nobody types."""

from __future__ import annotations

import re
from dataclasses import dataclass

from platform_constructs._internal.aws_context import account_id, assume_role_policy, partition, region_name
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.data.postgres_props import FORCED_PARAMETERS, PostgresProps, major_version
from platform_constructs.data.private_data_store import PrivateDataStore
from platform_constructs.errors import ConstructValidationError, Problem, refuse
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import EncryptedLogGroup, LogSettings
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesReader, PlatformValuesWriter
from platform_constructs.security.grants import Grantee, PolicyStatement, sid
from platform_constructs.security.kms_key import KmsKey

_DB_USER = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]{0,62}$")


@dataclass(frozen=True)
class PostgresReference:
    """What a client needs of a PostgreSQL database: where it is and how to sign in to it with IAM.

    :class:`PostgresDatabase` has one (:attr:`PostgresDatabase.reference`); an application stack builds one
    from the platform's published values with :meth:`from_parameters`. Both grant through the same code.
    """

    partition: str
    region: str
    account_id: str
    resource_id: str
    """``DbiResourceId`` of the instance (``db-…``), part of every ``rds-db:connect`` ARN."""
    endpoint: str
    """Host name clients connect to."""
    port: int
    database_name: str
    master_secret_arn: str
    """ARN of the RDS-managed master secret (the grant job reads it; applications never do)."""
    master_secret_key_arn: str
    """KMS key the master secret is encrypted with."""

    @classmethod
    def from_parameters(cls, reader: PlatformValuesReader, props: PostgresProps) -> PostgresReference:
        """The environment's database, as its platform stack published it (``props`` give port and database name)."""
        return cls(partition=partition(reader), region=region_name(reader), account_id=account_id(reader),
                   resource_id=reader.get(table.POSTGRES_RESOURCE_ID), endpoint=reader.get(table.POSTGRES_ENDPOINT),
                   port=props.port, database_name=props.database_name,
                   master_secret_arn=reader.get(table.POSTGRES_MASTER_SECRET_ARN),
                   master_secret_key_arn=reader.get(table.POSTGRES_MASTER_SECRET_KEY_ARN))

    def db_user_arn(self, db_user: str) -> str:
        """``arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<db_user>``."""
        if not _DB_USER.match(db_user):
            refuse([Problem("postgres.invalid-db-user", "db_user", db_user,
                            f"{db_user!r} is not a PostgreSQL user name (letters, digits and _; at most 63)")])
        return f"arn:{self.partition}:rds-db:{self.region}:{self.account_id}:dbuser:{self.resource_id}/{db_user}"

    def grant_connect(self, grantee: Grantee, db_user: str) -> PolicyStatement:
        """Let ``grantee`` sign in as ``db_user`` (and no other user) with an IAM auth token.

        The user must exist in the database and hold ``rds_iam``: the in-store grants create it.
        """
        statement = PolicyStatement(sid("postgres", "connect", db_user), ("rds-db:connect",),
                                    (self.db_user_arn(db_user),))
        grantee.add_to_policy(statement)
        return statement

    def grant_read_master_secret(self, grantee: Grantee) -> PolicyStatement:
        """Let ``grantee`` read the master user's secret – the grant job, which creates users and grants – and
        decrypt it only through Secrets Manager."""
        grantee.add_to_policy(PolicyStatement("PostgresMasterSecret", ("secretsmanager:GetSecretValue",),
                                              (self.master_secret_arn,)))
        statement = PolicyStatement("PostgresMasterSecretKey", ("kms:Decrypt",), (self.master_secret_key_arn,),
                                    via_service=f"secretsmanager.{self.region}.amazonaws.com")
        grantee.add_to_policy(statement)
        return statement


class PostgresDatabase(PrivateDataStore):
    """RDS for PostgreSQL in the isolated subnets, reachable only from wired security groups.

    - gp3 storage encrypted with a customer-managed rotating key (its own unless ``kms_key`` is
      given); storage autoscaling up to ``max_allocated_storage``;
    - the master password is generated, stored and rotated by RDS in Secrets Manager
      (``manage_master_user_password``), encrypted with the same key: no password exists in code,
      configuration or synthesized JSON. Workloads sign in with IAM database authentication
      (:meth:`grant_connect`);
    - a parameter group named after its family (``<prefix>-<env>-postgres16``) with
      ``create_before_destroy``: a major upgrade creates the next family's group first, switches the
      instance over and only then deletes the old one, which is what fails with "parameter group in
      use" when a single group is edited in place. ``rds.force_ssl = 1`` is always set;
    - ``postgresql`` / ``upgrade`` logs exported to log groups created beforehand with retention and
      KMS (RDS would otherwise create them without either); Performance Insights encrypted with the
      key; enhanced monitoring with its own IAM role;
    - ``deletion_protection`` drives the AWS flag, Terraform ``prevent_destroy``, the final snapshot
      (``<prefix>-<env>-postgres-final``) and keeping automated backups after deletion.

    Example::

        database = PostgresDatabase(self, "Postgres", props=PostgresProps(multi_az=True),
                                    naming=Naming("acme", "prod"), vpc_id=network.vpc_id,
                                    subnet_group_name=network.db_subnet_group_name, logs=logs)
        database.allow_from(cluster)  # 5432/tcp from the cluster's security group only
    """

    protocol_label = "PostgreSQL"

    def __init__(self, scope: Construct, construct_id: str, *, props: PostgresProps, naming: Naming, vpc_id: str,
                 subnet_group_name: str, logs: LogSettings, kms_key: KmsKey | None = None) -> None:
        super().__init__(scope, construct_id)
        # validate + resolve defaults (props were validated when they were built)
        self.props = props
        self.identifier: str = naming.name("postgres")

        # create resources
        self._create_key_and_security_group(
            naming=naming, component="postgres", vpc_id=vpc_id, port=props.port, kms_key=kms_key,
            key_description=f"RDS PostgreSQL {self.identifier}: storage, master secret, Performance Insights",
        )
        self.parameter_group = self._create_parameter_group(naming)
        log_groups = self._create_log_groups(logs, {
            log: (f"{log.capitalize()}LogGroup", f"/aws/rds/instance/{self.identifier}/{log}")
            for log in props.log_exports
        })
        monitoring = self._create_monitoring_role(naming) if props.monitoring_interval else None
        self.instance = self._create_instance(naming, subnet_group_name, list(log_groups.values()), monitoring)

        # expose attributes
        self.arn: str = self.instance.arn
        self.resource_id: str = self.instance.resource_id
        self.endpoint: str = self.instance.address
        self.master_user_secret_arn: str = self.instance.master_user_secret.get(0).secret_arn
        self.reference = PostgresReference(
            partition=partition(self), region=region_name(self), account_id=account_id(self),
            resource_id=self.resource_id, endpoint=self.endpoint, port=props.port, database_name=props.database_name,
            master_secret_arn=self.master_user_secret_arn, master_secret_key_arn=self.kms_key.arn)

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "identifier": self.identifier,
            "endpoint": self.endpoint,
            "port": self.port,
            "security_group_id": self.security_group_id,
            "master_user_secret_arn": self.master_user_secret_arn,
        }

    def grant_connect(self, grantee: Grantee, db_user: str) -> PolicyStatement:
        """Let ``grantee`` sign in as ``db_user`` with an IAM auth token
        (see :meth:`PostgresReference.grant_connect`)."""
        try:
            return self.reference.grant_connect(grantee, db_user)
        except ConstructValidationError as error:
            raise error.at(self.node.path) from None

    def publish(self, values: PlatformValuesWriter) -> None:
        """Publish what application stacks need to reach this database (no secret: the master secret's ARN only)."""
        values.publish(table.POSTGRES_ENDPOINT, self.endpoint)
        values.publish(table.POSTGRES_RESOURCE_ID, self.resource_id)
        values.publish(table.POSTGRES_MASTER_SECRET_ARN, self.master_user_secret_arn)
        values.publish(table.POSTGRES_MASTER_SECRET_KEY_ARN, self.kms_key.arn)

    def _create_parameter_group(self, naming: Naming) -> aws.db_parameter_group.DbParameterGroup:
        """The family's parameter group, ``rds.force_ssl = 1`` always; created before the old one is destroyed."""
        props = self.props
        return aws.db_parameter_group.DbParameterGroup(
            self, "ParameterGroup", name=naming.name(props.parameter_group_family),
            family=props.parameter_group_family,
            description=f"PostgreSQL {major_version(props.engine_version)} settings, TLS required",
            parameter=[
                # pending-reboot is accepted for static and dynamic parameters alike; a new instance
                # boots with them, an existing one picks them up at its next reboot.
                aws.db_parameter_group.DbParameterGroupParameter(name=name, value=value, apply_method="pending-reboot")
                for name, value in sorted({**props.parameters, **FORCED_PARAMETERS}.items())
            ],
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )

    def _create_instance(
        self, naming: Naming, subnet_group_name: str, log_groups: list[EncryptedLogGroup],
        monitoring: tuple[aws.iam_role.IamRole, aws.iam_role_policy_attachment.IamRolePolicyAttachment] | None,
    ) -> aws.db_instance.DbInstance:
        """The instance: private, encrypted with the store's key, password managed by RDS, IAM authentication."""
        props = self.props
        protected = props.deletion_protection
        insights = props.performance_insights
        # RDS writes to its log groups, and checks the monitoring role's permissions, as soon as it starts
        prerequisites: list[object] = [group.log_group for group in log_groups]
        monitoring_role_arn = None
        if monitoring is not None:
            role, attachment = monitoring
            monitoring_role_arn = role.arn
            prerequisites.append(attachment)
        return aws.db_instance.DbInstance(
            self, "Instance",
            identifier=self.identifier, engine="postgres", engine_version=props.engine_version,
            auto_minor_version_upgrade=props.auto_minor_version_upgrade,
            allow_major_version_upgrade=props.allow_major_version_upgrade,
            instance_class=props.instance_class, storage_type="gp3", allocated_storage=props.allocated_storage,
            max_allocated_storage=props.max_allocated_storage or 0,
            storage_encrypted=True, kms_key_id=self.kms_key.arn,
            db_name=props.database_name, username=props.master_username,
            manage_master_user_password=True, master_user_secret_kms_key_id=self.kms_key.arn,
            iam_database_authentication_enabled=True,
            port=props.port, multi_az=props.multi_az, publicly_accessible=False,
            db_subnet_group_name=subnet_group_name, vpc_security_group_ids=[self.security_group_id],
            parameter_group_name=self.parameter_group.name,
            backup_retention_period=props.backup_retention_days, backup_window=props.backup_window,
            maintenance_window=props.maintenance_window, copy_tags_to_snapshot=True,
            apply_immediately=props.apply_immediately,
            deletion_protection=protected, skip_final_snapshot=not protected,
            final_snapshot_identifier=naming.name("postgres-final") if protected else None,
            delete_automated_backups=not protected,
            performance_insights_enabled=insights,
            performance_insights_kms_key_id=self.kms_key.arn if insights else None,
            performance_insights_retention_period=props.performance_insights_retention_days if insights else None,
            monitoring_interval=props.monitoring_interval,
            monitoring_role_arn=monitoring_role_arn,
            enabled_cloudwatch_logs_exports=list(props.log_exports),
            depends_on=prerequisites,
            lifecycle=self._lifecycle(deletion_protection=protected),
            tags={"Name": self.identifier},
        )

    def _create_monitoring_role(
        self, naming: Naming,
    ) -> tuple[aws.iam_role.IamRole, aws.iam_role_policy_attachment.IamRolePolicyAttachment]:
        """The enhanced-monitoring role and the attachment that gives it its permissions."""
        role = aws.iam_role.IamRole(
            self, "MonitoringRole", name=naming.name("postgres-monitoring"),
            assume_role_policy=assume_role_policy("monitoring.rds.amazonaws.com"),
        )
        attachment = aws.iam_role_policy_attachment.IamRolePolicyAttachment(
            self, "MonitoringPolicy", role=role.name,
            policy_arn=f"arn:{partition(self)}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )
        return role, attachment
