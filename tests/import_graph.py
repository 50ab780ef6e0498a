"""The import graph of the source tree, read from the code (``ast``), never by importing it.

Every ``import`` statement counts: module level, inside functions and under ``TYPE_CHECKING``, since
each is an arrow a reader (and mypy) follows. ``from package import name`` is an arrow to the
submodule ``package.name`` when that module exists, else to ``package`` itself.

The one block left out is ``if __name__ == "__main__":``: it runs only when ``python -m`` executes the
file as the script ``__main__``, a module object of its own, so its imports are the script's arrows and
never the module's (``python -m platformctl.gates.plan_guard`` may import the CLI that imports the module).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    """One import statement's target as written, resolved against the tree's own modules."""

    importer: str
    target: str
    """The imported module: one of the tree's modules, or the dotted name of an outside one."""
    line: int
    internal: bool

    @property
    def top(self) -> str:
        """The first component of the target: ``cdktf`` for ``cdktf.aws``."""
        return self.target.split(".", 1)[0]

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.target}"


def modules_of(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every ``*.py`` under the source root ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(root: Path) -> list[Import]:
    """Every import in every module under ``root``."""
    modules = modules_of(root)
    return [found for name, path in modules.items() for found in _imports(name, path, modules)]


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _module_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _resolved(name, alias.name, node.lineno, modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield _resolved(name, submodule if submodule in modules else base, node.lineno, modules)


def _module_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` (as ``ast.walk``) except those of ``if __name__ == "__main__":`` blocks."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(child for child in ast.iter_child_nodes(node) if not _is_script_block(child))


def _is_script_block(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _resolved(importer: str, dotted: str, line: int, modules: dict[str, Path]) -> Import:
    candidate = dotted
    while candidate and candidate not in modules:
        candidate = candidate.rpartition(".")[0]
    if candidate:
        return Import(importer, candidate, line, internal=True)
    return Import(importer, dotted, line, internal=False)


def cycles(imports: list[Import]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        graph.setdefault(found.importer, set())
        if found.internal and found.target != found.importer:
            graph[found.importer].add(found.target)
            graph.setdefault(found.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups
