"""PrivateDataStore: what every database, cache, broker and search domain shares — key, security group, logs, lifecycle,
wiring."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import EncryptedLogGroup, LogSettings
from platform_constructs.security.connections import SecurityGroupPeer, allow_tcp_from
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

LogKey = TypeVar("LogKey")


class PrivateDataStore(Construct):
    """Base of a data store reached over one TCP port, only from the sources wired to it.

    The preamble every store shares, in the order a subclass creates it:

    1. :meth:`_create_key_and_security_group`: its customer-managed key (the given one, else a rotating key
       of its own) and its security group, which starts with no ingress and no egress rule (Terraform
       removes the allow-all egress AWS adds): a data store never opens connections;
    2. :meth:`_create_log_groups`: every log group the service writes, with the environment's retention and
       KMS key, created before the store (services check or create their log groups when they start);
    3. the store itself, with :meth:`_lifecycle`: ``deletion_protection`` becomes Terraform ``prevent_destroy``.

    Every caller is added by :meth:`allow_from`.
    """

    #: Human name of the protocol, used in rule descriptions (``PostgreSQL``, ``Valkey``).
    protocol_label: str

    def _create_key_and_security_group(self, *, naming: Naming, component: str, vpc_id: str, port: int,
                                       kms_key: KmsKey | None, key_description: str) -> None:
        """Resolve the key (the given one, else a new rotating key) and create the empty security group."""
        self.kms_key: KmsKey = kms_key if kms_key is not None else KmsKey(self, "Key", props=KmsKeyProps(
            alias=naming.name(component), description=key_description,
        ))
        self.security_group = aws.security_group.SecurityGroup(
            self, "SecurityGroup", name=naming.name(component), vpc_id=vpc_id,
            description=f"{self.protocol_label} clients; ingress only from wired security groups",
            tags={"Name": naming.name(component)},
        )
        self.port: int = port
        self.security_group_id: str = self.security_group.id

    def _create_log_groups(self, logs: LogSettings,
                           groups: Mapping[LogKey, tuple[str, str]]) -> dict[LogKey, EncryptedLogGroup]:
        """One encrypted log group per entry ``key → (construct id, log group name)``, in the given order."""
        return {key: logs.log_group(self, construct_id, name) for key, (construct_id, name) in groups.items()}

    @staticmethod
    def _lifecycle(*, deletion_protection: bool, ignore_changes: Sequence[str] = ()) -> TerraformResourceLifecycle:
        """The store's lifecycle: ``prevent_destroy`` from ``deletion_protection``, plus attributes another owner
        changes."""
        if ignore_changes:
            return TerraformResourceLifecycle(prevent_destroy=deletion_protection, ignore_changes=list(ignore_changes))
        return TerraformResourceLifecycle(prevent_destroy=deletion_protection)

    def allow_from(self, source: SecurityGroupPeer) -> aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule:
        """Open this store's port, and nothing else, to traffic from ``source``'s security group."""
        return allow_tcp_from(self, target_security_group_id=self.security_group_id, source=source, port=self.port,
                              description=f"{self.protocol_label} from {source.node.id}")
