"""Grants in the style of AWS CDK: a store adds exactly the statements a use needs to a grantee's policy.

A data store (owned by the platform stack, or referenced from an application stack through its published
values) builds the :class:`PolicyStatement` of a use – the actions, and the ARNs of exactly the user, topics or
indices – and hands it to a :class:`Grantee`. Nothing else writes policy JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

_SID = re.compile(r"^[A-Za-z0-9]+$")


@dataclass(frozen=True)
class PolicyStatement:
    """One ``Allow`` statement of an identity policy."""

    sid: str
    """Statement id, letters and digits; names what the statement is for (``PostgresConnectOrders``)."""
    actions: tuple[str, ...]
    """IAM actions, never a wildcard."""
    resources: tuple[str, ...]
    """ARNs (or tokens resolving to ARNs) of exactly the resources the use needs."""
    via_service: str | None = None
    """Allowed only in requests a service makes on the caller's behalf (``kms:ViaService``). Default: any request."""

    def __post_init__(self) -> None:
        if not _SID.match(self.sid):
            raise ValueError(f"statement id {self.sid!r} must be letters and digits only")
        if not self.actions or not self.resources:
            raise ValueError(f"statement {self.sid} needs at least one action and one resource")

    def to_json(self) -> dict[str, object]:
        """The statement as it appears in a policy document."""
        statement: dict[str, object] = {"Sid": self.sid, "Effect": "Allow", "Action": list(self.actions),
                                        "Resource": list(self.resources)}
        if self.via_service is not None:
            statement["Condition"] = {"StringEquals": {"kms:ViaService": self.via_service}}
        return statement


class Grantee(Protocol):
    """A principal whose identity policy a store can extend (a pod role)."""

    def add_to_policy(self, statement: PolicyStatement) -> None:
        """Add ``statement`` to the principal's policy (the same statement twice is added once)."""
        ...


def sid(*parts: str) -> str:
    """A statement id from name parts: ``sid("postgres", "connect", "orders_svc")`` → ``PostgresConnectOrdersSvc``."""
    pieces = (piece for part in parts for piece in re.split(r"[^A-Za-z0-9]+", part) if piece)
    return "".join(piece[:1].upper() + piece[1:] for piece in pieces)
