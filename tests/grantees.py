"""A grantee that records the statements a store grants it (what a PodRole would put in its policy)."""

from __future__ import annotations

from platform_constructs.security.grants import PolicyStatement


class RecordingGrantee:
    """Keeps every statement added, in order, once each."""

    def __init__(self) -> None:
        self.statements: list[PolicyStatement] = []

    def add_to_policy(self, statement: PolicyStatement) -> None:
        if statement not in self.statements:
            self.statements.append(statement)
