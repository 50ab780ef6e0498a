"""The account registry: which AWS account holds which environment, and the lowest tier it may run at.

``environments/accounts.toml`` belongs to the platform and security teams (``CODEOWNERS``), not
to the teams editing environment files, so an environment file cannot change its own safety
floors: an environment must live in the account registered for it, at that account's tier or
above, and a protected account keeps the plan guard on whatever its file says. The names
``prod``, ``staging`` and ``shared`` (the tooling account: images that reach prod, every state
bucket) imply their tier even before the registry is read.

Rules return :class:`~platform_constructs.errors.Problem` s like the rules in :mod:`.rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from platform_constructs.config.tiers import TIERS, Tier, tier_rank
from platform_constructs.errors import Problem, toml_value
from platform_constructs.props import Props, StrictBool, StrictStr

#: The registry's file name in the configuration directory; never an environment file.
ACCOUNTS_FILE = "accounts.toml"
#: Configuration names whose tier is fixed by the name itself.
IMPLIED_TIERS: Mapping[str, Tier] = {"prod": "prod", "staging": "staging", "shared": "prod"}

_ACCOUNT_ID = re.compile(r"^\d{12}$")
AccountId = Annotated[StrictStr, StringConstraints(pattern=_ACCOUNT_ID.pattern)]


class AccountEntry(Props):
    """One AWS account of the platform."""

    environment: StrictStr = Field(pattern=r"^[a-z][a-z0-9]{1,11}$")
    """The one configuration (an environment name, or ``shared``) whose stacks deploy into this account.
    Default: required."""
    tier: Tier
    """The lowest tier the environment in this account may declare. Default: required."""
    protected: StrictBool | None = None
    """Whether the plan guard refuses deleting or replacing stateful resources in this account, whatever the
    environment file says. Default: derived – ``true`` unless ``tier`` is ``dev``."""

    @property
    def is_protected(self) -> bool:
        """The effective protection."""
        return self.protected if self.protected is not None else self.tier != "dev"


class AccountRegistry(Props):
    """Every account the platform deploys into, keyed by account id."""

    accounts: dict[AccountId, AccountEntry] = Field(min_length=1)
    """Account id → the environment it holds and its tier. Default: required."""

    def entry(self, account_id: str) -> AccountEntry | None:
        """The registration of ``account_id``."""
        return self.accounts.get(account_id)

    def problems(self) -> Iterable[Problem]:
        """Entries that contradict each other or the tiers the names imply."""
        holders: dict[str, str] = {}
        for account_id, entry in sorted(self.accounts.items()):
            where = f"accounts.{account_id}"
            implied = IMPLIED_TIERS.get(entry.environment)
            if implied is not None and entry.tier != implied:
                yield Problem("accounts.implied-tier", f"{where}.tier", entry.tier,
                              f"must be {toml_value(implied)}: the environment name {toml_value(entry.environment)} "
                              f"implies tier {implied}")
            if entry.protected is False and entry.tier != "dev":
                yield Problem("accounts.protected", f"{where}.protected", False,
                              f"a {entry.tier} account is always protected; only a dev account may be unprotected")
            if entry.environment in holders:
                yield Problem("accounts.environment-taken", f"{where}.environment", entry.environment,
                              f"is already the environment of account {holders[entry.environment]}; an environment "
                              "lives in exactly one account")
            holders.setdefault(entry.environment, account_id)


def binding_problems(name: str, data: Mapping[str, Any], registry: AccountRegistry | None,
                     registry_file: str) -> list[Problem]:
    """How configuration ``name`` (its raw TOML ``data``) breaks its binding to the registry.

    Raw data is judged, before presets and validation, so a downgrade is reported together with
    every other problem of the file. Values of the wrong type are left to the schema. Without a
    usable ``registry`` only the tiers the names imply are checked.
    """
    tier = data.get("tier")
    tier = tier if isinstance(tier, str) and tier in TIERS else None
    problems: list[Problem] = []
    implied = IMPLIED_TIERS.get(name)
    if implied is not None and tier is not None and tier != implied:
        problems.append(Problem("accounts.implied-tier", "tier", tier,
                                f"must be {toml_value(implied)}: the name {toml_value(name)} implies tier {implied}"))
    aws = data.get("aws")
    account_id = aws.get("account_id") if isinstance(aws, Mapping) else None
    if registry is None or not (isinstance(account_id, str) and _ACCOUNT_ID.match(account_id)):
        return problems
    entry = registry.entry(account_id)
    if entry is None:
        problems.append(Problem("accounts.unregistered", "aws.account_id", account_id,
                                f"is not in the account registry {registry_file} (registered: "
                                f"{', '.join(sorted(registry.accounts))}); the platform and security owners add "
                                "accounts"))
        return problems
    if entry.environment != name:
        problems.append(Problem("accounts.other-environment", "aws.account_id", account_id,
                                f"is the account of {toml_value(entry.environment)} in {registry_file}; one account "
                                f"holds one environment, and {toml_value(name)} needs its own"))
        return problems
    if tier is not None and not problems and tier_rank(tier) < tier_rank(entry.tier):
        problems.append(Problem("accounts.tier-below", "tier", tier,
                                f"is below tier {toml_value(entry.tier)} of account {account_id} ({registry_file}); "
                                f"an environment in a {entry.tier} account must be tier {entry.tier} or above"))
    guard = data.get("plan_guard")
    if entry.is_protected and isinstance(guard, Mapping) and guard.get("protected") is False:
        problems.append(Problem("accounts.protected", "plan_guard.protected", False,
                                f"cannot be turned off: account {account_id} is protected ({registry_file})"))
    return problems
