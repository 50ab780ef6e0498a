"""The grants inside the data stores, applied by each application's grant job (docs/decisions/0010-in-store-grants.md).

``platformctl data-grants apply --plan FILE`` runs inside the job, in the cluster (where the stores are reachable),
with the job's own Pod Identity role. Every step is idempotent: running a plan twice changes nothing the second
time, so a replaced job, a retried pod or an operator re-run is always safe.
"""

from __future__ import annotations


class GrantFailed(RuntimeError):
    """A store refused or could not be reached; the message names the store, the grant and the cause."""
