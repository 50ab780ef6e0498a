"""PrivateDataStore: what every database and cache shares — its key, its security group, its wiring."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, aws
from platform_constructs.naming import Naming
from platform_constructs.security.connections import SecurityGroupPeer, allow_tcp_from
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps


class PrivateDataStore(Construct):
    """Base of a data store reached over one TCP port, only from the sources wired to it.

    Subclasses call :meth:`_create_key_and_security_group` before creating the store itself. The
    security group starts with no ingress and no egress rule (Terraform removes the allow-all egress
    AWS adds): a data store never opens connections, and every caller is added by :meth:`allow_from`.
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

    def allow_from(self, source: SecurityGroupPeer) -> aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule:
        """Open this store's port, and nothing else, to traffic from ``source``'s security group."""
        return allow_tcp_from(self, target_security_group_id=self.security_group_id, source=source, port=self.port,
                              description=f"{self.protocol_label} from {source.node.id}")
