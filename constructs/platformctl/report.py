"""Environment report: the effective settings of every environment side by side.

``platformctl report`` (alias ``python -m platformctl.report``) prints a Markdown table with one
row per setting (tier preset + file, after validation) and one column per environment, so a
reviewer sees what differs between dev, staging and prod without reading JSON. Rows where
the environments differ are marked. Computed values (``computed_field`` on a props model,
such as an RTO estimate) appear like any other setting.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from platform_constructs.config.loader import Platform
from platform_constructs.config.schema import TIERS


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Dotted path → display value for every leaf of a dumped model."""
    if isinstance(data, dict) and data:
        rows: dict[str, str] = {}
        for key, value in data.items():
            rows.update(flatten(value, f"{prefix}{key}."))
        return rows
    return {prefix.rstrip("."): _display(data)}


def _display(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": "))


def environment_table(platform: Platform) -> str:
    """Markdown table of every environment's effective settings, environments in tier order."""
    envs = sorted(platform.environments.values(), key=lambda env: (TIERS.index(env.tier), env.name))
    columns = {env.name: flatten(env.model_dump(mode="json", by_alias=True)) for env in envs}
    rows = list(dict.fromkeys(key for values in columns.values() for key in values))
    lines = ["| setting | " + " | ".join(columns) + " | differs |",
             "|---|" + "---|" * len(columns) + "---|"]
    for row in rows:
        values = [columns[name].get(row, "–") for name in columns]
        marker = "◆" if len(set(values)) > 1 else ""
        lines.append(f"| `{row}` | " + " | ".join(_cell(value) for value in values) + f" | {marker} |")
    return "\n".join(lines)


def shared_table(platform: Platform) -> str:
    """Markdown table of the shared configuration."""
    lines = ["| setting | shared |", "|---|---|"]
    for row, value in flatten(platform.shared.model_dump(mode="json", by_alias=True)).items():
        lines.append(f"| `{row}` | {_cell(value)} |")
    return "\n".join(lines)


def suppressions_table(platform: Platform) -> str:
    """Markdown table of every guardrail suppression: who accepts which rule where, and why."""
    lines = ["| configuration | pack | rule | path | reason |", "|---|---|---|---|---|"]
    for name, config in platform.configs():
        for suppression in config.policy.suppressions:
            cells = (name, config.policy.pack, suppression.rule, f"`{suppression.path}`", suppression.reason)
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    if len(lines) == 2:
        lines.append("| – | – | – | – | none |")
    return "\n".join(lines)


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def render(platform: Platform) -> str:
    """The whole report: environments side by side, then the shared configuration."""
    return "\n\n".join([
        "# Environment report",
        "Effective settings after tier presets and environment files; ◆ marks a difference.",
        "## Environments",
        environment_table(platform),
        "## Shared",
        shared_table(platform),
        "## Guardrail suppressions",
        "Accepted policy findings (`[[policy.suppressions]]`), also written into the resources' `//` metadata.",
        suppressions_table(platform),
    ]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m platformctl.report ARGS``: an alias of ``platformctl report ARGS``."""
    from platformctl.main import main as platformctl

    return platformctl(["report", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
