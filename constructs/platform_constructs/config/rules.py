"""Cross-field and cross-file rules that a single field's type cannot express.

Each rule is a small function returning :class:`~platform_constructs.errors.Problem` s, each with a
stable code; the loader runs all of them and reports every problem, never only the first. Rules over
one environment return problems of that file (the loader locates them); rules across files locate
each problem in its file themselves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from platform_constructs.errors import Problem, toml_value

if TYPE_CHECKING:
    from platform_constructs.config.platform import Platform
    from platform_constructs.config.schema import EnvironmentConfig


def _subnet_plan_fits(env: EnvironmentConfig) -> Iterable[Problem]:
    """The subnet plan must fit the VPC and the zones must fit the slots."""
    from platform_constructs.network.subnet_plan import subnet_problems

    return [problem.under("network.") for problem in subnet_problems(env.network, env.aws.region)]


def _kafka_fits_network(env: EnvironmentConfig) -> Iterable[Problem]:
    """Kafka broker count must be a multiple of network.az_count (MSK puts as many brokers in every
    zone), and the replication settings must fit the brokers."""
    return env.kafka.problems(env.network.az_count, zones_field="network.az_count", prefix="kafka.")


def _search_fits_network(env: EnvironmentConfig) -> Iterable[Problem]:
    """The search domain's zones must exist in the network, and its name must fit OpenSearch's limit."""
    from platform_constructs.naming import Naming
    from platform_constructs.search.search_props import DOMAIN_COMPONENT, DOMAIN_NAME_MAX_LENGTH

    yield from env.search.problems(env.network.az_count, zones_field="network.az_count", prefix="search.")
    try:
        Naming(env.naming.prefix, env.name).name(DOMAIN_COMPONENT, max_length=DOMAIN_NAME_MAX_LENGTH)
    except ValueError as error:
        yield Problem("search.domain-name-length", "name", env.name,
                      f"the OpenSearch domain name is too long ({error}); shorten name or naming.prefix")


def _data_stores_fit_network(env: EnvironmentConfig) -> Iterable[Problem]:
    """RDS subnet groups must span two zones; a Multi-AZ cache needs a second zone to fail over to."""
    if env.network.az_count < 2:
        yield Problem("postgres.subnet-group-zones", "network.az_count", env.network.az_count,
                      "must be at least 2: the RDS subnet group of postgres spans two zones")
        if env.redis.multi_az:
            yield Problem("redis.multi-az-zones", "redis.multi_az", True,
                          f"needs network.az_count >= 2; network.az_count is {env.network.az_count}")


def _eks_is_consistent(env: EnvironmentConfig) -> Iterable[Problem]:
    """Cross-field rules of the EKS cluster and its node groups (sizes, Spot, endpoint, access roles)."""
    return env.eks.problems(prefix="eks.")


def _workloads_fit_rollout(env: EnvironmentConfig) -> Iterable[Problem]:
    """Each application stays inside its tier's rollout preset: the replica cap the RTO budget is
    checked for, and two pods at least when the tier requires zero downtime."""
    from platform_constructs.k8s.workload_props import workload_problems

    for app, workload in sorted(env.apps.items()):
        for problem in workload_problems(workload, max_replicas=env.rollout.max_replicas,
                                         zero_downtime=env.rollout.zero_downtime):
            yield problem.under(f"apps.{app}.")


def _deploy_role_administers_the_cluster(env: EnvironmentConfig) -> Iterable[Problem]:
    """The deploy role applies the application stacks, which create namespaces (cluster-scoped)."""
    role = env.aws.deploy_role_name
    if env.apps and role is not None and role not in env.eks.admin_roles:
        yield Problem("eks.deploy-role-admin", "eks.admin_roles", list(env.eks.admin_roles),
                      f"must include the deploy role {toml_value(role)}: it applies the application stacks, whose "
                      "namespaces are cluster-scoped")


def _namespaces_belong_to_one_app(env: EnvironmentConfig) -> Iterable[Problem]:
    """Each application's stack creates (and, when the application goes, deletes) its namespace: two
    applications in one namespace would let one application's release or removal take the other's pods."""
    owners: dict[str, str] = {}
    for app, workload in sorted(env.apps.items()):
        namespace = workload.namespace_for(app)
        if namespace in owners:
            yield Problem("k8s.namespace-taken", f"apps.{app}.namespace", namespace,
                          f"is already the namespace of application {owners[namespace]}; a namespace belongs to "
                          "exactly one application (its stack owns it), so give each application its own")
        owners.setdefault(namespace, app)


def _entries_fit_the_environment(env: EnvironmentConfig) -> Iterable[Problem]:
    """Each application entry lies in the environment's domain, uses a visibility its tier allows, and
    can get a certificate (ACM validates through the public zone)."""
    from platform_constructs.dns.dns_props import is_subdomain
    from platform_constructs.ingress.entry_names import MAX_LB_NAME_LENGTH, target_group_name

    domain = env.dns.domain
    entries = sorted((app, workload) for app, workload in env.apps.items() if workload.ingress is not None)
    for app, workload in entries:
        ingress = workload.ingress
        assert ingress is not None  # noqa: S101 - narrows the type: entries hold only workloads with an ingress
        name = target_group_name(env.naming.prefix, env.name, app, workload.port)
        if len(name) > MAX_LB_NAME_LENGTH:
            yield Problem("ingress.target-group-name", f"apps.{app}.ingress", app,
                          f"gives the target group name {name!r} ({len(name)} characters); load balancer names stop at "
                          f"{MAX_LB_NAME_LENGTH}: shorten the application or environment name")
        host = ingress.host_in(app, domain)
        if not is_subdomain(host, domain):
            yield Problem("ingress.host-outside-domain", f"apps.{app}.ingress.host", host,
                          f"is outside the environment's domain {domain}; use a name below it, e.g. {app}.{domain}")
        if ingress.visibility == "internet-facing" and not env.ingress.internet_facing_allowed:
            yield Problem("ingress.internet-facing", f"apps.{app}.ingress.visibility", ingress.visibility,
                          f"is not allowed in tier {env.tier} (ingress.internet_facing_allowed is false); "
                          "use \"internal\"")
    if entries and not env.dns.has_public_zone:
        yield Problem("dns.public-zone", "dns.zones", env.dns.zones,
                      "has no public zone, but ACM validates the certificates of application entries through public "
                      "DNS records; use \"public\" or \"both\"")


def _entry_hosts_are_unique(env: EnvironmentConfig) -> Iterable[Problem]:
    """Two applications cannot answer the same host; on a shared load balancer their rules' priorities differ too."""
    from platform_constructs.ingress.entry_names import listener_rule_priority

    hosts: dict[str, str] = {}
    priorities: dict[int, str] = {}
    for app, workload in sorted(env.apps.items()):
        if workload.ingress is None:
            continue
        host = workload.ingress.host_in(app, env.dns.domain)
        field = f"apps.{app}.ingress.{'host' if workload.ingress.host else 'sub_name'}"
        if host in hosts:
            yield Problem("ingress.host-taken", field, host,
                          f"is already the host of application {hosts[host]}; each application needs its own host")
            continue
        hosts[host] = app
        priority = listener_rule_priority(host)
        if env.ingress.load_balancer == "shared" and priority in priorities:
            yield Problem("ingress.rule-priority-taken", field, host,
                          f"gets listener-rule priority {priority} on the shared load balancer, as application "
                          f"{priorities[priority]} does; choose another name")
        priorities.setdefault(priority, app)


def _uses_fit_the_environment(env: EnvironmentConfig) -> Iterable[Problem]:
    """An application uses only stores the environment has, topics it declares, and applications it runs."""
    for app, workload in sorted(env.apps.items()):
        uses = workload.uses
        for store in uses.stores:
            if not getattr(env, store).enabled:
                yield Problem("uses.store-disabled", f"apps.{app}.uses.{store}", store,
                              f"the environment has no {store} ({store}.enabled is false); remove the use or enable "
                              f"[{store}]")
        if uses.kafka is not None:
            for mode in ("produce", "consume"):
                for topic in getattr(uses.kafka, mode):
                    if topic not in env.kafka.topics:
                        yield Problem("uses.unknown-topic", f"apps.{app}.uses.kafka.{mode}", topic,
                                      "is not a topic of the environment; declare it in [kafka.topics] (declared: "
                                      f"{', '.join(sorted(env.kafka.topics)) or 'none'})")
        for peer in uses.apps:
            if peer == app:
                yield Problem("uses.own-application", f"apps.{app}.uses.apps", peer,
                              "names the application itself; its own pods always reach each other")
            elif peer not in env.apps:
                yield Problem("uses.unknown-application", f"apps.{app}.uses.apps", peer,
                              f"is not an application of the environment (applications: {', '.join(sorted(env.apps))})")
        if uses.any and env.data_access.runner_image is None:
            yield Problem("data_access.runner-image-required", "data_access.runner_image", None,
                          f"is required: application {app} uses {', '.join(uses.stores)}, whose users and grants a job "
                          "creates inside the stores with this image")


def _uses_are_exclusive(env: EnvironmentConfig) -> Iterable[Problem]:
    """A database user, a cache user, a consumer group and a schema's ownership each belong to one application."""
    claims: dict[tuple[str, str], str] = {}

    def claim(kind: str, name: str, app: str, field: str, what: str) -> Iterable[Problem]:
        owner = claims.setdefault((kind, name), app)
        if owner != app:
            yield Problem(f"uses.{kind}-taken", field, name,
                          f"is already {what} of application {owner}; each application needs its own")

    for app, workload in sorted(env.apps.items()):
        uses = workload.uses
        if uses.postgres is not None:
            yield from claim("db-user", uses.postgres.user, app, f"apps.{app}.uses.postgres.user", "the database user")
            if uses.postgres.access == "read-write":
                yield from claim("schema-owner", uses.postgres.schema_in_use, app, f"apps.{app}.uses.postgres.schema",
                                 "the schema owned (read-write)")
        if uses.redis is not None:
            yield from claim("cache-user", uses.redis.user, app, f"apps.{app}.uses.redis.user", "the cache user")
        if uses.kafka is not None and uses.kafka.group is not None:
            yield from claim("group", uses.kafka.group, app, f"apps.{app}.uses.kafka.group", "the consumer group")
    for user in env.redis.users:
        if ("cache-user", user.name) in claims:
            yield Problem("uses.cache-user-taken", "redis.users", user.name,
                          f"is also the cache user of application {claims['cache-user', user.name]}; an application's "
                          "user is created from its [apps.<name>.uses.redis]")


def _apps_stay_out_of_reserved_namespaces(env: EnvironmentConfig) -> Iterable[Problem]:
    """No application runs in Kubernetes' or the platform's namespaces (the namespace defaults to the app's name)."""
    from platform_constructs.k8s.namespaces import reserved_namespace_reason

    for app, workload in sorted(env.apps.items()):
        namespace = workload.namespace_for(app)
        reason = reserved_namespace_reason(namespace)
        if reason is not None:
            derived = ("" if workload.namespace
                       else f" (namespace unset: the application's name {toml_value(app)} is used)")
            yield Problem("k8s.reserved-namespace", f"apps.{app}.namespace", namespace,
                          f"{reason}{derived}; choose a namespace of the application's own")


def _recovery_fits_the_rto(env: EnvironmentConfig) -> Iterable[Problem]:
    """Every recovery path of a critical failure ends inside ``rollout.rto``, for the environment's application
    alarm preset and for each application's own windows (k8s/recovery_time.py)."""
    from platform_constructs.k8s.recovery_time import recovery_paths
    from platform_constructs.naming import Naming

    naming = Naming(env.naming.prefix, env.name)
    cases = [("monitoring.apps", env.monitoring)]
    cases += [(f"apps.{name}.monitoring", env.monitoring.model_copy(update={"apps": app.monitoring}))
              for name, app in sorted(env.apps.items())]
    for field, monitoring in cases:
        late = [path for path in recovery_paths(naming, env.rollout, monitoring) if not path.within_budget]
        for path in late:
            yield Problem("rollout.rto-exceeded", field, path.total_seconds,
                          f"the {path.name} recovery of a critical failure takes {path.total_seconds} s, not under "
                          f"rollout.rto ({path.budget_seconds} s): shorten the critical alarms' windows, "
                          "monitoring.pager_acknowledgement or the rollout")


#: Rules over one environment file (after its fields validated).
ENVIRONMENT_RULES: list[Callable[[EnvironmentConfig], Iterable[Problem]]] = [
    _subnet_plan_fits,
    _kafka_fits_network,
    _search_fits_network,
    _data_stores_fit_network,
    _eks_is_consistent,
    _workloads_fit_rollout,
    _deploy_role_administers_the_cluster,
    _namespaces_belong_to_one_app,
    _entries_fit_the_environment,
    _entry_hosts_are_unique,
    _uses_fit_the_environment,
    _uses_are_exclusive,
    _apps_stay_out_of_reserved_namespaces,
    _recovery_fits_the_rto,
]


def _vpcs_do_not_overlap(platform: Platform) -> Iterable[Problem]:
    """VPCs of different environments are routed together later (TGW, VPN): keep them disjoint."""
    envs = sorted(platform.environments.values(), key=lambda env: env.name)
    for index, env in enumerate(envs):
        for other in envs[index + 1:]:
            if ipaddress.IPv4Network(env.network.cidr).overlaps(ipaddress.IPv4Network(other.network.cidr)):
                yield Problem("network.vpc-overlap", "network.cidr", env.network.cidr,
                              f"overlaps the VPC of {other.name} ({other.network.cidr})", platform.files[env.name])


def _state_keys_are_unique(platform: Platform) -> Iterable[Problem]:
    """Two environments writing the same state objects would overwrite each other."""
    owners: dict[tuple[str, str], str] = {}
    for name, config in platform.configs():
        location = (config.state.bucket, config.state.key_prefix)
        if location in owners:
            yield Problem("state.key-prefix-taken", "state.key_prefix", config.state.key_prefix,
                          f"is already used by {owners[location]} in bucket {config.state.bucket}",
                          platform.files[name])
        owners.setdefault(location, name)


def _state_buckets_agree(platform: Platform) -> Iterable[Problem]:
    """Files sharing a bucket must agree on its KMS alias; the bootstrap stack creates each bucket once."""
    aliases: dict[str, tuple[str, str]] = {}
    for name, config in platform.configs():
        first = aliases.setdefault(config.state.bucket, (name, config.state.kms_alias))
        if first[1] != config.state.kms_alias:
            yield Problem("state.kms-alias-differs", "state.kms_key_alias", config.state.kms_alias,
                          f"differs from {toml_value(first[1])} used by {first[0]} for bucket {config.state.bucket}",
                          platform.files[name])


def _state_in_bootstrap_region(platform: Platform) -> Iterable[Problem]:
    """The bootstrap stack creates every state bucket with the shared account's provider."""
    for name, config in platform.configs():
        if config.state.region != platform.shared.aws.region:
            yield Problem("state.region", "state.region", config.state.region,
                          f"must be the shared (bootstrap) region {platform.shared.aws.region}", platform.files[name])


def _shared_repositories(platform: Platform) -> set[str]:
    """URIs of the repositories the shared stack creates (and lets every environment's nodes pull from)."""
    from platform_constructs.naming import Naming
    from platform_constructs.registry.ecr_props import repository_uri

    shared = platform.shared
    naming = Naming(shared.naming.prefix, shared.name)
    return {repository_uri(shared.aws.account_id, shared.aws.region, naming, repo)
            for repo in shared.registry.repositories}


def _apps_pull_from_the_shared_registry(platform: Platform) -> Iterable[Problem]:
    """Every workload's image repository is one the shared stack creates (and lets the nodes pull)."""
    known = _shared_repositories(platform)
    for env in platform.environments.values():
        for app, workload in sorted(env.apps.items()):
            if workload.image_repository not in known:
                yield Problem("registry.unknown-repository", f"apps.{app}.image_repository", workload.image_repository,
                              f"is not a repository of the shared registry; one of: {', '.join(sorted(known))}",
                              platform.files[env.name])


def _grant_runner_comes_from_the_shared_registry(platform: Platform) -> Iterable[Problem]:
    """The grant jobs' image comes from a repository of the shared registry, which the nodes may pull from."""
    import re

    from platform_constructs.config.data_access_props import PINNED_IMAGE_PATTERN

    known = _shared_repositories(platform)
    for env in platform.environments.values():
        image = env.data_access.runner_image
        match = re.match(PINNED_IMAGE_PATTERN, image or "")
        if match is not None and match.group("repository") not in known:
            yield Problem("data_access.runner-unknown-repository", "data_access.runner_image", image,
                          f"is not in a repository of the shared registry; one of: {', '.join(sorted(known))}",
                          platform.files[env.name])


def _applications_have_a_source(platform: Platform) -> Iterable[Problem]:
    """Every application's release job builds the repository shared.toml names for it (never a free URL)."""
    sources = platform.shared.ci.applications
    for env in sorted(platform.environments.values(), key=lambda config: config.name):
        for app in sorted(set(env.apps) - set(sources)):
            yield Problem("ci.application-source", f"apps.{app}", app,
                          f"has no source repository: add [ci.applications.{app}] to shared.toml "
                          f"(known: {', '.join(sorted(sources)) or 'none'})", platform.files[env.name])


def _protected_targets_have_approvers(platform: Platform) -> Iterable[Problem]:
    """A protected target's changes wait for an approval: somebody must be named to give it."""
    approvers = platform.shared.ci.approvers
    for name, config in platform.configs():
        if config.plan_guard.protected and config.tier not in approvers:
            yield Problem("ci.approvers", "tier", config.tier,
                          f"is protected but shared.toml names no approvers for tier {config.tier} "
                          f"(ci.approvers; has: {', '.join(sorted(approvers)) or 'none'})", platform.files[name])


def _ci_network_is_apart(platform: Platform) -> Iterable[Problem]:
    """The CI network is routed to every environment's VPC: it may overlap none of them."""
    ci = ipaddress.IPv4Network(platform.shared.ci.network.cidr)
    for env in sorted(platform.environments.values(), key=lambda config: config.name):
        if ci.overlaps(ipaddress.IPv4Network(env.network.cidr)):
            yield Problem("ci.network-overlap", "network.cidr", env.network.cidr,
                          f"overlaps the CI network {ci} (shared.toml ci.network.cidr), which is routed to it",
                          platform.files[env.name])


def _promotions_come_from_known_environments(platform: Platform) -> Iterable[Problem]:
    """``promote_from`` names existing environments and never leads back to the environment itself:
    the promotion path is also the order in which the infrastructure pipeline applies them."""
    environments = platform.environments
    # an environment whose file did not load still exists: what it promotes is judged once it loads
    files = set(platform.files) - {"shared"}
    for name, env in sorted(environments.items()):
        for source in env.release.promote_from:
            if source not in environments and source not in files:
                yield Problem("release.promote-from-unknown", "release.promote_from", list(env.release.promote_from),
                              f"names {toml_value(source)}, which is not an environment; known: "
                              f"{', '.join(sorted(environments))}", platform.files[name])
        if name in _promotion_sources(platform, name):
            yield Problem("release.promote-from-cycle", "release.promote_from", list(env.release.promote_from),
                          f"leads back to {name}: promotions must flow one way (e.g. dev -> staging -> prod)",
                          platform.files[name])


def _promotion_sources(platform: Platform, name: str) -> set[str]:
    """Every environment whose images can reach ``name`` through promotions."""
    found: set[str] = set()
    pending = list(platform.environments[name].release.promote_from)
    while pending:
        source = pending.pop()
        if source in found or source not in platform.environments:
            continue
        found.add(source)
        pending.extend(platform.environments[source].release.promote_from)
    return found


def _domains_hang_below_the_parent(platform: Platform) -> Iterable[Problem]:
    """Every environment's domain is delegated from the shared parent zone, and no two environments share one."""
    from platform_constructs.dns.dns_props import is_subdomain

    parent = platform.shared.parent_zone
    owners: dict[str, str] = {}
    for env in sorted(platform.environments.values(), key=lambda env: env.name):
        domain, file = env.dns.domain, platform.files[env.name]
        if parent is None:
            if any(workload.ingress is not None for workload in env.apps.values()):
                yield Problem("dns.no-parent-zone", "dns.domain", domain, "cannot be delegated: shared.toml has no "
                              "[parent_zone] domain, and application entries need a resolvable domain", file)
        elif not is_subdomain(domain, parent.domain):
            yield Problem("dns.outside-parent", "dns.domain", domain,
                          f"must lie below the parent domain {parent.domain} ([parent_zone] in shared.toml)", file)
        if domain in owners:
            yield Problem("dns.domain-taken", "dns.domain", domain, f"is already the domain of {owners[domain]}", file)
        owners.setdefault(domain, env.name)


#: Sections that identify an environment rather than shape it; staging parity ignores them.
PARITY_IGNORED_SECTIONS = frozenset({"name", "tier", "aws", "naming", "tags", "state", "policy"})


def _staging_matches_prod(platform: Platform) -> Iterable[Problem]:
    """Staging runs what prod runs: same versions, engines and topology features.

    Only fields marked ``MAY_DIFFER`` (sizes, counts, durations, addresses) may differ.
    """
    from pydantic import BaseModel

    from platform_constructs.config.partial import is_unknown
    from platform_constructs.props import may_differ

    def differences(staging: BaseModel, prod: BaseModel, prefix: str) -> Iterable[Problem]:
        for name, info in type(staging).model_fields.items():
            if may_differ(info) or (not prefix and name in PARITY_IGNORED_SECTIONS):
                continue
            ours, theirs = getattr(staging, name), getattr(prod, name)
            if is_unknown(ours) or is_unknown(theirs):
                continue  # reported where it is wrong; the other fields are still compared
            if isinstance(ours, BaseModel) and isinstance(theirs, BaseModel):
                yield from differences(ours, theirs, f"{prefix}{name}.")
            elif (isinstance(ours, dict) and isinstance(theirs, dict) and ours.keys() == theirs.keys()
                  and all(isinstance(value, BaseModel) for value in (*ours.values(), *theirs.values()))):
                # keyed sections such as apps.<name>: compare entry by entry, so sizes inside may differ
                for key in sorted(ours):
                    yield from differences(ours[key], theirs[key], f"{prefix}{name}.{key}.")
            elif (isinstance(ours, dict) and isinstance(theirs, dict) and ours.keys() != theirs.keys()
                  and all(isinstance(value, BaseModel) for value in (*ours.values(), *theirs.values()))):
                only = [f"{where} has {', '.join(sorted(keys))}" for where, keys in
                        (("only prod", theirs.keys() - ours.keys()), ("only staging", ours.keys() - theirs.keys()))
                        if keys]
                yield Problem("config.staging-parity", f"{prefix}{name}", sorted(ours),
                              f"differs from prod ({toml_value(sorted(theirs))}): {'; '.join(only)}; staging and prod "
                              "hold the same entries")
            elif ours != theirs:
                yield Problem("config.staging-parity", f"{prefix}{name}", ours,
                              f"differs from prod ({toml_value(theirs)}); staging may differ from prod only in sizes "
                              "and counts")

    prods = [env for env in platform.environments.values() if env.tier == "prod"]
    for staging in (env for env in platform.environments.values() if env.tier == "staging"):
        for prod in prods:
            for problem in differences(staging, prod, ""):
                yield problem.in_file(platform.files[staging.name])


#: Rules across all files.
PLATFORM_RULES: list[Callable[[Platform], Iterable[Problem]]] = [
    _vpcs_do_not_overlap,
    _state_keys_are_unique,
    _state_buckets_agree,
    _state_in_bootstrap_region,
    _staging_matches_prod,
    _apps_pull_from_the_shared_registry,
    _grant_runner_comes_from_the_shared_registry,
    _promotions_come_from_known_environments,
    _applications_have_a_source,
    _ci_network_is_apart,
    _protected_targets_have_approvers,
    _domains_hang_below_the_parent,
]

