"""Environment report: the effective settings of every environment side by side, as Markdown or HTML.

``platformctl report [--format md|html] [--output FILE]`` (alias ``python -m platformctl.report``)
prints (or writes) one row per setting (tier preset + file, after validation) and one column per
environment, so a reviewer sees what differs between dev, staging and prod without reading JSON.
Rows where the environments differ are marked (◆ in Markdown; highlighted, with the differing cells
emphasized, in HTML). Nested tables are flattened by the union of all environments' keys: a table
present in one environment and absent in another (``apps.api.autoscaling``) gives one row per key,
in place, with ``–`` where it is absent. Computed values (``computed_field`` on a props model, such
as an RTO estimate) appear like any other setting.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_constructs.config.loader import Platform
from platform_constructs.config.schema import TIERS

ABSENT = "–"
DIFFERS = "◆"
FORMATS = ("md", "html")


def _display(value: Any) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": "))


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value)


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Dotted path → display value for every leaf of one dumped model."""
    return {path: values[0] for path, values in flatten_side_by_side([data], prefix).items()}


def flatten_side_by_side(columns: Sequence[Any], prefix: str = "") -> dict[str, tuple[str, ...]]:
    """Dotted path → one display value per column, the paths of all columns merged in place.

    A key that is a table in any column is expanded; a column where it is absent, ``None`` or a
    scalar shows ``–`` in its rows (a scalar also keeps a row of its own).
    """
    rows: dict[str, tuple[str, ...]] = {}
    if not any(_is_table(column) for column in columns):
        rows[prefix.rstrip(".")] = tuple(_display(column) for column in columns)
        return rows
    if any(column is not None and not _is_table(column) for column in columns):
        rows[prefix.rstrip(".")] = tuple(ABSENT if _is_table(column) else _display(column) for column in columns)
    keys = dict.fromkeys(key for column in columns if _is_table(column) for key in column)
    for key in keys:
        children = [column.get(key) if _is_table(column) else None for column in columns]
        rows.update(flatten_side_by_side(children, f"{prefix}{key}."))
    return rows


@dataclass(frozen=True)
class Table:
    """One table of the report: a header and rows of cells; ``compare`` marks rows whose cells differ."""

    title: str
    note: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    compare: bool = False
    """The first column names the row; the others are compared (side-by-side environments)."""
    code_columns: tuple[int, ...] = (0,)
    """Columns rendered as code."""
    empty: str = "none"

    def differs(self, row: Sequence[str]) -> bool:
        """Whether the compared cells of ``row`` are not all equal."""
        return self.compare and len(set(row[1:])) > 1


@dataclass(frozen=True)
class Report:
    """The whole report."""

    title: str
    intro: str
    tables: tuple[Table, ...] = field(default_factory=tuple)


def environment_rows(platform: Platform) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Environments in tier order, and one row per setting: its path, then each environment's value."""
    envs = sorted(platform.environments.values(), key=lambda env: (TIERS.index(env.tier), env.name))
    merged = flatten_side_by_side([env.model_dump(mode="json", by_alias=True) for env in envs])
    return tuple(env.name for env in envs), tuple((path, *values) for path, values in merged.items())


def build(platform: Platform) -> Report:
    """The report's content, independent of its format."""
    names, rows = environment_rows(platform)
    shared = flatten(platform.shared.model_dump(mode="json", by_alias=True))
    suppressions = tuple((name, config.policy.pack, suppression.rule, suppression.path, suppression.reason)
                         for name, config in platform.configs() for suppression in config.policy.suppressions)
    return Report("Environment report", "Effective settings after tier presets and environment files.", (
        Table("Environments", "", ("setting", *names), rows, compare=True),
        Table("Shared", "", ("setting", "shared"), tuple(shared.items())),
        Table("Guardrail suppressions", "Accepted policy findings (`[[policy.suppressions]]`), also written into "
                                        "the resources' `//` metadata.",
              ("configuration", "pack", "rule", "path", "reason"), suppressions, code_columns=(3,)),
    ))


# --- Markdown -------------------------------------------------------------------------------

def _md_cell(value: str) -> str:
    return value.replace("|", "\\|")


def markdown_table(table: Table) -> str:
    """A Markdown table; compared tables get a trailing ``differs`` column."""
    header = (*table.header, "differs") if table.compare else table.header
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table.rows:
        cells = [f"`{cell}`" if index in table.code_columns else _md_cell(cell) for index, cell in enumerate(row)]
        if table.compare:
            cells.append(DIFFERS if table.differs(row) else "")
        lines.append("| " + " | ".join(cells) + " |")
    if not table.rows:
        lines.append("| " + " | ".join([ABSENT] * (len(header) - 1) + [table.empty]) + " |")
    return "\n".join(lines)


def environment_table(platform: Platform) -> str:
    """Markdown table of every environment's effective settings, environments in tier order."""
    return markdown_table(build(platform).tables[0])


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    parts = [f"# {report.title}", f"{report.intro} {DIFFERS} marks a difference."]
    for table in report.tables:
        parts += [f"## {table.title}", *([table.note] if table.note else []), markdown_table(table)]
    return "\n\n".join(parts) + "\n"


# --- HTML -----------------------------------------------------------------------------------

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #212121; }
table { border-collapse: collapse; margin-bottom: 32px; font-size: 13px; }
th, td { border: 1px solid #cfd8dc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eceff1; position: sticky; top: 0; }
tr.differs td { background: #fff8e1; }
tr.differs td.changed { background: #ffe082; font-weight: bold; }
td.absent { color: #90a4ae; }
code { font-size: 12px; }
"""


def html_table(table: Table) -> str:
    """An HTML table; in compared rows that differ, every cell unlike the first environment's is marked."""
    head = "".join(f"<th>{html.escape(name)}</th>" for name in table.header)
    body = []
    for row in table.rows:
        differs = table.differs(row)
        cells = []
        for index, value in enumerate(row):
            classes = [name for name, applies in (("absent", value == ABSENT),
                                                  ("changed", differs and index > 1 and value != row[1])) if applies]
            attribute = f' class="{" ".join(classes)}"' if classes else ""
            text = f"<code>{html.escape(value)}</code>" if index in table.code_columns else html.escape(value)
            cells.append(f"<td{attribute}>{text}</td>")
        row_class = ' class="differs"' if differs else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    if not table.rows:
        body.append(f'<tr><td colspan="{len(table.header)}">{html.escape(table.empty)}</td></tr>')
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def render_html(report: Report, diagrams: Iterable[Path] = ()) -> str:
    """The report as one standalone HTML page; ``diagrams`` (SVG files next to it) are linked at the top."""
    links = "".join(f'<li><a href="{html.escape(path.name)}">{html.escape(path.stem)}</a></li>' for path in diagrams)
    parts = [f"<h1>{html.escape(report.title)}</h1>",
             f"<p>{html.escape(report.intro)} Rows that differ are highlighted; in them, the values unlike the first "
             "environment's are in bold.</p>"]
    if links:
        parts.append(f"<p>Diagrams:</p><ul>{links}</ul>")
    for table in report.tables:
        parts.append(f"<h2>{html.escape(table.title)}</h2>")
        if table.note:
            parts.append(f"<p>{html.escape(table.note)}</p>")
        parts.append(html_table(table))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(report.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")


def render(platform: Platform, output_format: str = "md", diagrams: Iterable[Path] = ()) -> str:
    """The whole report in ``output_format`` (``md`` or ``html``)."""
    report = build(platform)
    return render_html(report, diagrams) if output_format == "html" else render_markdown(report)


def main(argv: list[str] | None = None) -> int:
    """``python -m platformctl.report ARGS``: an alias of ``platformctl report ARGS``."""
    from platformctl.main import main as platformctl

    return platformctl(["report", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
