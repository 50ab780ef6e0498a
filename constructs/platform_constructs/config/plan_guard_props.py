"""Props of the plan guard (the ``[plan_guard]`` section); tier defaults in ``config/presets/plan_guard.toml``."""

from __future__ import annotations

from platform_constructs.props import Props, StrictBool


class PlanGuardProps(Props):
    """Whether plans of an environment's stacks may delete or replace stateful resources.

    Read by :mod:`platformctl.gates.plan_guard` (``--env``) and the pipeline before
    every apply. Not ``MAY_DIFFER``: staging guards its data exactly as prod does.
    """

    protected: StrictBool = True
    """Refuse a plan that deletes or replaces a stateful resource (databases, caches, Kafka, search
    domains, buckets, KMS keys, registries) unless each such change carries an override with a
    reason. Default: ``True`` (the dev tier preset turns it off)."""
