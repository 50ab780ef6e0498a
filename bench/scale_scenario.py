"""The platform at scale, generated from the repository's environment files (issue 16).

Ten environments: ``dev``, ``staging``, ``prod`` and seven more of tier staging (copies of
``staging`` with their own account, VPC range, state keys and domain below the shared parent zone),
and 20 more applications in each of dev, staging and prod, each built from its own source repository
(``[ci.applications]``), pulling from its own repository of the shared registry and published like
``api`` (its ``ingress`` table) under its own name. Staging parity makes every staging-tier
environment run prod's applications, so the seven copies carry them too: 210 applications, each in
its own stack, and one cluster configuration stack per environment: 232 stacks.

Usage: ``write_scale_scenario(directory)`` writes the files and returns the directory; or
``.venv/bin/python bench/scale_scenario.py DIRECTORY``.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from envfiles import dumps  # noqa: E402

EXTRA_STAGING_ENVIRONMENTS = 7
EXTRA_APPS = 20
#: Environments that get the extra applications (the staging copies inherit staging's).
APP_ENVIRONMENTS = ("dev", "staging", "prod")
#: Files of the configuration directory that are not environments; an account registry, where the
#: configuration has one, also lists the staging copies' accounts.
SHARED_FILE, ACCOUNTS_FILE = "shared.toml", "accounts.toml"
#: Keys of ``[apps.<name>.uses.kafka]`` that list topics.
TOPIC_MODES = ("produce", "consume")


def _read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _app_names() -> list[str]:
    return [f"svc{index:02d}" for index in range(1, EXTRA_APPS + 1)]


def _own_uses(uses: dict[str, Any], app: str) -> dict[str, Any]:
    """``api``'s ``uses`` under ``app``'s own names: it is the database and cache user (and schema owner), and its
    topics, consumer group and indices carry its name first; users, schemas and groups belong to one application."""
    own = dict(uses)
    if "postgres" in uses:
        own["postgres"] = {**uses["postgres"], "user": app} | ({"schema": app} if "schema" in uses["postgres"] else {})
    if "redis" in uses:
        own["redis"] = {**uses["redis"], "user": app}
    if "kafka" in uses:
        kafka = uses["kafka"]
        own["kafka"] = {**kafka, **{mode: [_own_topic(app, topic) for topic in kafka[mode]]
                                    for mode in TOPIC_MODES if mode in kafka}}
        if "group" in kafka:
            own["kafka"]["group"] = f"{app}.{kafka['group']}"
    if "search" in uses:
        own["search"] = {**uses["search"], "indices": [f"{app}-{index}" for index in uses["search"]["indices"]]}
    return own


def _own_topic(app: str, topic: str) -> str:
    return f"{app}.{topic}"


def _with_apps(env: dict[str, Any]) -> dict[str, Any]:
    """``env`` with the extra applications, shaped like its ``api`` application on its own repository and using the
    data stores as ``api`` does, under their own names (:func:`_own_uses`; their topics declared like ``api``'s)."""
    template = env["apps"]["api"]
    registry_host = template["image_repository"].rsplit("/", 1)[0]
    prefix = template["image_repository"].rsplit("/", 1)[1].removesuffix("api")
    apps = dict(env["apps"])
    topics = dict(env.get("kafka", {}).get("topics", {}))
    for app in _app_names():
        apps[app] = {**template, "image_repository": f"{registry_host}/{prefix}{app}"}
        if "uses" in template:
            apps[app]["uses"] = _own_uses(template["uses"], app)
            used = template["uses"].get("kafka", {})
            topics.update({_own_topic(app, topic): topics[topic]
                           for mode in TOPIC_MODES for topic in used.get(mode, ())})
    return {**env, "apps": apps} | ({"kafka": {**env["kafka"], "topics": topics}} if topics else {})


def _staging_copy(staging: dict[str, Any], index: int, parent_domain: str) -> dict[str, Any]:
    name = f"qa{index}"
    return {
        **staging,
        "name": name,
        "aws": {**staging["aws"], "account_id": f"5555555555{index:02d}"},
        "state": {**staging["state"], "key_prefix": f"platform/{name}"},
        "network": {**staging["network"], "cidr": f"10.{100 + index}.0.0/16"},
        "dns": {**staging["dns"], "domain": f"{name}.{parent_domain}"},
        # suppressions name construct paths, which start with the stack: the copy's own
        "policy": {**staging.get("policy", {}), "suppressions": [
            {**suppression, "path": suppression["path"].replace("staging/", f"{name}/", 1)}
            for suppression in staging.get("policy", {}).get("suppressions", [])]},
    }


def write_scale_scenario(directory: Path, source: Path = ROOT / "environments") -> Path:
    """Write the scale scenario's configuration files into ``directory`` (created) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    shared = _read(source / SHARED_FILE)
    shared["registry"] = {**shared["registry"],
                          "repositories": [*shared["registry"]["repositories"], *_app_names()]}
    if "ci" in shared:  # every application's release job builds the repository [ci.applications] names
        template = shared["ci"]["applications"]["api"]
        shared["ci"]["applications"].update({app: {**template, "repository": template["repository"]
                                                   .replace("/api.git", f"/{app}.git")} for app in _app_names()})
    (directory / SHARED_FILE).write_text(dumps(shared))
    environments = {path.stem: _read(path) for path in sorted(source.glob("*.toml"))
                    if path.name not in (SHARED_FILE, ACCOUNTS_FILE)}
    for name in APP_ENVIRONMENTS:
        environments[name] = _with_apps(environments[name])
    for index in range(1, EXTRA_STAGING_ENVIRONMENTS + 1):
        copy = _staging_copy(environments["staging"], index, shared["parent_zone"]["domain"])
        environments[copy["name"]] = copy
    for name, env in environments.items():
        (directory / f"{name}.toml").write_text(dumps(env))
    if (source / ACCOUNTS_FILE).is_file():
        registry = _read(source / ACCOUNTS_FILE)
        registry["accounts"].update({env["aws"]["account_id"]: {"environment": name, "tier": env["tier"]}
                                     for name, env in environments.items() if name.startswith("qa")})
        (directory / ACCOUNTS_FILE).write_text(dumps(registry))
    return directory


if __name__ == "__main__":
    print(write_scale_scenario(Path(sys.argv[1])))
