"""The recovery-time budget table of docs/rollback.md, rendered from the configuration.

``python -m platformctl.rto_doc [--check]`` rewrites (or, with ``--check``, compares) the block
between the ``rto-budget`` markers with :func:`~platform_constructs.k8s.recovery_time.budget_table`
of prod, so the document cannot drift from the alarm windows and rollout presets it describes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from platform_constructs.config import load_platform
from platform_constructs.k8s.recovery_time import budget_table, recovery_paths
from platform_constructs.naming import Naming

DOCUMENT = Path("docs/rollback.md")
BEGIN = "<!-- rto-budget:begin (generated: python -m platformctl.rto_doc) -->\n"
END = "<!-- rto-budget:end -->\n"
#: The environment the document's budget is about.
ENVIRONMENT = "prod"


def rendered_block(environments: Path | str = "environments") -> str:
    """The generated table of :data:`ENVIRONMENT`, with its markers."""
    env = load_platform(environments).environments[ENVIRONMENT]
    paths = recovery_paths(Naming(env.naming.prefix, env.name), env.rollout, env.monitoring)
    return BEGIN + budget_table(paths) + END


def with_block(document: str, block: str) -> str:
    """``document`` with the text between the markers (inclusive) replaced by ``block``."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + block + document[end:]


def main(argv: list[str] | None = None) -> int:
    """Rewrite the table; ``--check`` exits 1 when the document disagrees with the configuration."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    current = DOCUMENT.read_text(encoding="utf-8")
    updated = with_block(current, rendered_block())
    if check:
        if updated != current:
            print(f"{DOCUMENT}: the recovery-time table disagrees with the configuration; "
                  "run python -m platformctl.rto_doc", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
