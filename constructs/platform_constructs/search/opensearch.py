"""SearchDomain: an OpenSearch domain inside the VPC with fine-grained access control."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from platform_constructs._internal.aws_context import account_id, partition, policy_document, region_name
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.data.private_data_store import PrivateDataStore
from platform_constructs.errors import refuse
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import EncryptedLogGroup, LogSettings
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesReader, PlatformValuesWriter
from platform_constructs.search.search_props import DOMAIN_COMPONENT, DOMAIN_NAME_MAX_LENGTH, SearchProps
from platform_constructs.security.grants import Grantee, PolicyStatement
from platform_constructs.security.kms_key import KmsKey

#: Log types always published (slow logs only carry entries once an index sets its thresholds).
_ALWAYS_PUBLISHED = {"INDEX_SLOW_LOGS": "index-slow", "SEARCH_SLOW_LOGS": "search-slow",
                     "ES_APPLICATION_LOGS": "application"}
_AUDIT = {"AUDIT_LOGS": "audit"}
#: HTTP methods per access mode: reads include POST, which searches use to send their query.
READ_METHODS = ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost")
WRITE_METHODS = ("es:ESHttpPut", "es:ESHttpPatch", "es:ESHttpDelete")


def search_domain_name(naming: Naming) -> str:
    """The domain name, ``<prefix>-<env>-search`` (at most 28 characters)."""
    return naming.name(DOMAIN_COMPONENT, max_length=DOMAIN_NAME_MAX_LENGTH)


@dataclass(frozen=True)
class SearchReference:
    """What a client needs of the search domain: its endpoint and the ARNs its IAM permissions name.

    :class:`SearchDomain` has one (:attr:`SearchDomain.reference`); an application stack builds one from the
    platform's published values with :meth:`from_parameters`. Both grant through the same code.
    """

    domain_arn: str
    endpoint: str
    master_role_arn: str
    """The role mapped to the master user (the grant jobs assume it to map application roles)."""

    @classmethod
    def from_parameters(cls, reader: PlatformValuesReader, naming: Naming) -> SearchReference:
        """The environment's domain, as its platform stack published it."""
        domain_arn = (f"arn:{partition(reader)}:es:{region_name(reader)}:{account_id(reader)}:"
                      f"domain/{search_domain_name(naming)}")
        return cls(domain_arn=domain_arn, endpoint=reader.get(table.SEARCH_ENDPOINT),
                   master_role_arn=reader.get(table.SEARCH_MASTER_ROLE_ARN))

    def index_arns(self, indices: Sequence[str]) -> tuple[str, ...]:
        """ARNs of requests to ``indices``: a pattern (``orders-*``) covers its paths; a name needs ``<name>/*`` too."""
        arns: list[str] = []
        for index in sorted(indices):
            arns.append(f"{self.domain_arn}/{index}")
            if not index.endswith("*"):
                arns.append(f"{self.domain_arn}/{index}/*")
        return tuple(arns)

    def grant_read(self, grantee: Grantee, indices: Sequence[str]) -> PolicyStatement:
        """Let ``grantee`` send read requests (GET, HEAD, POST searches) to exactly ``indices``."""
        statement = PolicyStatement("SearchRead", READ_METHODS, self.index_arns(indices))
        grantee.add_to_policy(statement)
        return statement

    def grant_read_write(self, grantee: Grantee, indices: Sequence[str]) -> PolicyStatement:
        """Let ``grantee`` read, index, update and delete documents of exactly ``indices``."""
        statement = PolicyStatement("SearchReadWrite", READ_METHODS + WRITE_METHODS, self.index_arns(indices))
        grantee.add_to_policy(statement)
        return statement

    def grant_assume_master(self, grantee: Grantee) -> PolicyStatement:
        """Let ``grantee`` act as the master user (the grant job, which maps application roles to OpenSearch roles)."""
        statement = PolicyStatement("SearchMasterRole", ("sts:AssumeRole",), (self.master_role_arn,))
        grantee.add_to_policy(statement)
        return statement


class SearchDomain(PrivateDataStore):
    """An OpenSearch domain reachable only inside the VPC, over HTTPS, by IAM-signed requests.

    - **Placement**: data nodes in the isolated subnets; with zone awareness spread over
      ``availability_zone_count`` zones, otherwise in the first zone only. Dedicated masters per props.
    - **Encryption**: at rest with a customer-managed key (``kms_key``, or a rotating key of its
      own), node-to-node, and HTTPS enforced with a TLS 1.2+ policy.
    - **Access**: fine-grained access control with an IAM role as master user, no internal user
      database and anonymous access off; the access policy lets principals of this account call
      ``es:ESHttp*`` on this domain only, and fine-grained access control then maps them to
      OpenSearch roles. The network path is opened per source with :meth:`allow_from` (443/tcp).
    - **Logs**: index and search slow logs, application logs and (per props) audit logs to encrypted
      log groups with retention; a CloudWatch Logs resource policy lets the service write only
      those groups, only for this domain.
    - **Operations**: gp3 volumes, service software updates in the off-peak window.
    - **Deletion**: ``deletion_protection`` sets ``lifecycle.prevent_destroy`` on the domain.

    The OpenSearch service-linked role must exist in the account before a VPC domain can be created
    (the console creates it on first use; ``aws iam create-service-linked-role --aws-service-name
    opensearchservice.amazonaws.com`` otherwise).

    Example::

        search = SearchDomain(self, "Search", props=env.search, vpc_id=network.vpc_id,
                              subnet_ids=network.subnet_id_list("isolated"), naming=naming, logs=logs)
        search.allow_from(cluster)   # EKS nodes may call the HTTPS endpoint
    """

    #: Port of the HTTPS endpoint.
    PORT = 443
    protocol_label = "OpenSearch HTTPS"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: SearchProps,
        vpc_id: str,
        subnet_ids: Sequence[str],
        naming: Naming,
        logs: LogSettings,
        kms_key: KmsKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # validate
        refuse(props.problems(len(subnet_ids), zones_field="subnet_ids"), self.node.path)

        # resolve defaults
        self.props = props
        self.domain_name: str = search_domain_name(naming)
        self._partition, self._account = partition(self), account_id(self)
        self._domain_arn = f"arn:{self._partition}:es:{region_name(self)}:{self._account}:domain/{self.domain_name}"
        published = {**_ALWAYS_PUBLISHED, **(_AUDIT if props.audit_logs else {})}

        # create resources
        self._create_key_and_security_group(
            naming=naming, component=DOMAIN_COMPONENT, vpc_id=vpc_id, port=self.PORT, kms_key=kms_key,
            key_description=f"Data of the OpenSearch domain {self.domain_name}",
        )
        self.master_role_arn: str = props.master_role_arn or self._create_master_role(naming)
        log_groups = self._create_log_groups(logs, {
            log_type: (f"LogGroup{suffix.title().replace('-', '')}", f"/aws/opensearch/{self.domain_name}/{suffix}")
            for log_type, suffix in published.items()
        })
        log_policy = self._create_log_resource_policy(naming, log_groups)
        self.domain = self._create_domain(subnet_ids, log_groups, log_policy)
        self._create_access_policy()

        # expose attributes
        self.arn: str = self.domain.arn
        self.endpoint: str = self.domain.endpoint
        self.reference = SearchReference(domain_arn=self.arn, endpoint=self.endpoint,
                                         master_role_arn=self.master_role_arn)

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "domain_name": self.domain_name,
            "arn": self.arn,
            "endpoint": self.endpoint,
            "dashboard_endpoint": self.domain.dashboard_endpoint,
            "security_group_id": self.security_group_id,
            "master_role_arn": self.master_role_arn,
        }

    def grant_read(self, grantee: Grantee, indices: Sequence[str]) -> PolicyStatement:
        """See :meth:`SearchReference.grant_read`."""
        return self.reference.grant_read(grantee, indices)

    def grant_read_write(self, grantee: Grantee, indices: Sequence[str]) -> PolicyStatement:
        """See :meth:`SearchReference.grant_read_write`."""
        return self.reference.grant_read_write(grantee, indices)

    def publish(self, values: PlatformValuesWriter) -> None:
        """Publish what application stacks and the grant jobs need to reach this domain."""
        values.publish(table.SEARCH_ENDPOINT, self.endpoint)
        values.publish(table.SEARCH_MASTER_ROLE_ARN, self.master_role_arn)

    def _create_master_role(self, naming: Naming) -> str:
        """The fine-grained access control master role; IAM policies of the account decide who assumes it."""
        role = aws.iam_role.IamRole(
            self, "MasterRole", name=naming.name("search-admin"),
            description=f"Master user of the OpenSearch domain {self.domain_name} (fine-grained access control)",
            assume_role_policy=policy_document({
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{self._partition}:iam::{self._account}:root"},
                "Action": "sts:AssumeRole",
            }),
        )
        # the domain's access policy delegates to IAM: the master role may call the security API, nothing else
        aws.iam_role_policy.IamRolePolicy(
            self, "MasterRoleSecurityApi", role=role.id, name="security-api",
            policy=policy_document({
                "Sid": "SecurityPluginApi", "Effect": "Allow",
                "Action": ["es:ESHttpGet", "es:ESHttpPut", "es:ESHttpDelete"],
                "Resource": [f"{self._domain_arn}/_plugins/_security/api/roles*"],  # roles/<name>, rolesmapping/<name>
            }),
        )
        arn: str = role.arn
        return arn

    def _create_log_resource_policy(
        self, naming: Naming, log_groups: dict[str, EncryptedLogGroup],
    ) -> aws.cloudwatch_log_resource_policy.CloudwatchLogResourcePolicy:
        """Lets the service write only the domain's log groups, only for this domain."""
        return aws.cloudwatch_log_resource_policy.CloudwatchLogResourcePolicy(
            self, "LogResourcePolicy", policy_name=naming.name("search-logs"),
            policy_document=policy_document({
                "Effect": "Allow",
                "Principal": {"Service": "es.amazonaws.com"},
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{group.arn}:*" for group in log_groups.values()],
                "Condition": {"StringEquals": {"aws:SourceAccount": self._account},
                              "ArnLike": {"aws:SourceArn": self._domain_arn}},
            }),
        )

    def _create_domain(
        self, subnet_ids: Sequence[str], log_groups: dict[str, EncryptedLogGroup],
        log_policy: aws.cloudwatch_log_resource_policy.CloudwatchLogResourcePolicy,
    ) -> aws.opensearch_domain.OpensearchDomain:
        """The domain: in the VPC only, encrypted at rest and between nodes, HTTPS, IAM master role."""
        props = self.props
        domain = aws.opensearch_domain
        return domain.OpensearchDomain(
            self, "Domain",
            domain_name=self.domain_name,
            engine_version=props.engine_version,
            cluster_config=_cluster_config(props),
            ebs_options=domain.OpensearchDomainEbsOptions(
                ebs_enabled=True, volume_type="gp3", volume_size=props.volume_size_gib,
            ),
            vpc_options=domain.OpensearchDomainVpcOptions(
                subnet_ids=list(subnet_ids[:props.zones_used]), security_group_ids=[self.security_group.id],
            ),
            encrypt_at_rest=domain.OpensearchDomainEncryptAtRest(enabled=True, kms_key_id=self.kms_key.arn),
            node_to_node_encryption=domain.OpensearchDomainNodeToNodeEncryption(enabled=True),
            domain_endpoint_options=domain.OpensearchDomainDomainEndpointOptions(
                enforce_https=True, tls_security_policy=props.tls_security_policy,
            ),
            advanced_security_options=domain.OpensearchDomainAdvancedSecurityOptions(
                enabled=True, anonymous_auth_enabled=False, internal_user_database_enabled=False,
                master_user_options=domain.OpensearchDomainAdvancedSecurityOptionsMasterUserOptions(
                    master_user_arn=self.master_role_arn,
                ),
            ),
            log_publishing_options=[
                domain.OpensearchDomainLogPublishingOptions(
                    log_type=log_type, cloudwatch_log_group_arn=group.arn, enabled=True,
                )
                for log_type, group in log_groups.items()
            ],
            off_peak_window_options=_off_peak_window(props.off_peak_window_start),
            software_update_options=domain.OpensearchDomainSoftwareUpdateOptions(auto_software_update_enabled=True),
            tags={"Name": self.domain_name},
            # the service checks at creation that it may write the log groups
            depends_on=[log_policy],
            lifecycle=self._lifecycle(deletion_protection=props.deletion_protection),
        )

    def _create_access_policy(self) -> None:
        """Principals of this account may call ``es:ESHttp*`` on this domain only; fine-grained access control
        then maps them to OpenSearch roles."""
        aws.opensearch_domain_policy.OpensearchDomainPolicy(
            self, "AccessPolicy", domain_name=self.domain.domain_name,
            access_policies=policy_document({
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{self._partition}:iam::{self._account}:root"},
                "Action": "es:ESHttp*",
                "Resource": f"{self.domain.arn}/*",
            }),
        )


def _cluster_config(props: SearchProps) -> aws.opensearch_domain.OpensearchDomainClusterConfig:
    masters = {}
    if props.dedicated_master_enabled:
        masters = {"dedicated_master_type": props.dedicated_master_type,
                   "dedicated_master_count": props.dedicated_master_count}
    zones = {}
    if props.zone_awareness:
        zones = {"zone_awareness_config": aws.opensearch_domain.OpensearchDomainClusterConfigZoneAwarenessConfig(
            availability_zone_count=props.availability_zone_count,
        )}
    return aws.opensearch_domain.OpensearchDomainClusterConfig(
        instance_type=props.instance_type, instance_count=props.instance_count,
        dedicated_master_enabled=props.dedicated_master_enabled, zone_awareness_enabled=props.zone_awareness,
        **masters, **zones,
    )


def _off_peak_window(start: str) -> aws.opensearch_domain.OpensearchDomainOffPeakWindowOptions:
    hours, minutes = (int(part) for part in start.split(":"))
    return aws.opensearch_domain.OpensearchDomainOffPeakWindowOptions(
        enabled=True,
        off_peak_window=aws.opensearch_domain.OpensearchDomainOffPeakWindowOptionsOffPeakWindow(
            window_start_time=aws.opensearch_domain.OpensearchDomainOffPeakWindowOptionsOffPeakWindowWindowStartTime(
                hours=hours, minutes=minutes,
            ),
        ),
    )
