"""A small reader of declarative Jenkinsfiles: tokens, the tree of ``name(args) { ... }`` blocks, and sh steps.

No Jenkins controller (and so no declarative linter) can run here; npm-groovy-lint checks the
Groovy itself. This reader lets tests assert the pipeline's *structure* — stage order, what
each ``input`` declares, where ``lock``/``milestone``/``post`` sit, how ``sh`` scripts are quoted —
with strings and comments handled, so a brace inside a shell script never confuses it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

_STRING_QUOTES = ("'''", '"""', "'", '"')
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Token:
    """One token: ``ident``, ``number``, ``string`` (``quote`` says which), or ``punct``."""

    kind: str
    value: str
    line: int
    quote: str = ""


def tokenize(source: str) -> list[Token]:
    """Tokens of ``source``, comments dropped, string contents kept verbatim (escapes undone only for ``\\``)."""
    tokens: list[Token] = []
    index, line = 0, 1
    while index < len(source):
        char = source[index]
        if source.startswith("//", index):
            end = source.find("\n", index)
            index = len(source) if end < 0 else end
        elif source.startswith("/*", index):
            end = source.index("*/", index) + 2
            line += source.count("\n", index, end)
            index = end
        elif quote := next((q for q in _STRING_QUOTES if source.startswith(q, index)), None):
            start, index = index, index + len(quote)
            value = []
            while not source.startswith(quote, index):
                if index >= len(source):
                    raise SyntaxError(f"unterminated string opened on line {line}")
                if source[index] == "\\":
                    value.append(source[index:index + 2])
                    index += 2
                    continue
                value.append(source[index])
                index += 1
            index += len(quote)
            tokens.append(Token("string", _unescape("".join(value)), line, quote))
            line += source.count("\n", start, index)
        elif char == "\n":
            tokens.append(Token("punct", "\n", line))
            line += 1
            index += 1
        elif char.isspace():
            index += 1
        elif match := _IDENT.match(source, index):
            tokens.append(Token("ident", match.group(), line))
            index = match.end()
        elif match := _NUMBER.match(source, index):
            tokens.append(Token("number", match.group(), line))
            index = match.end()
        else:
            tokens.append(Token("punct", char, line))
            index += 1
    return tokens


def _unescape(value: str) -> str:
    # Groovy: backslash-newline continues the line; \\ is one backslash; other escapes stay as written
    return value.replace("\\\n", "").replace("\\\\", "\\")


@dataclass
class Block:
    """``header { body }``: the header's tokens, the body's own tokens, and the nested blocks."""

    header: list[Token]
    line: int
    tokens: list[Token] = field(default_factory=list)
    """Every token inside the braces, nested blocks included."""
    children: list[Block] = field(default_factory=list)
    start: int = field(default=0, repr=False)
    """Index of the first body token in the file's token list (while parsing)."""

    @property
    def keyword(self) -> str:
        """The first identifier of the header: ``stage``, ``post``, ``input``, ``lock`` ..."""
        return next((t.value for t in self.header if t.kind == "ident"), "")

    @property
    def argument(self) -> str | None:
        """The first string in the header (a stage's name, a lock's resource)."""
        return next((t.value for t in self.header if t.kind == "string"), None)

    def walk(self) -> Iterator[Block]:
        """This block and every block inside it, in source order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def blocks(self, keyword: str) -> list[Block]:
        """Every block below this one with the given keyword, in source order."""
        return [block for block in self.walk() if block is not self and block.keyword == keyword]

    def child(self, keyword: str) -> Block | None:
        """The first direct child with the given keyword."""
        return next((block for block in self.children if block.keyword == keyword), None)

    def statement(self, keyword: str) -> list[Token] | None:
        """The tokens after ``keyword`` on its line, for a statement directly in this block (``submitter 'x'``)."""
        own = self._own_tokens()
        for index, token in enumerate(own):
            if token.kind == "ident" and token.value == keyword and (index == 0 or own[index - 1].value == "\n"):
                rest = own[index + 1:]
                end = next((i for i, t in enumerate(rest) if t.value == "\n"), len(rest))
                return rest[:end]
        return None

    def calls(self, name: str) -> list[int]:
        """Lines of every call of ``name`` anywhere in this block (``milestone(...)``, ``sh '...'``)."""
        return [t.line for t in self.tokens if t.kind == "ident" and t.value == name]

    def _own_tokens(self) -> list[Token]:
        nested = {id(token) for child in self.children for token in [*child.header, *child.tokens]}
        return [t for t in self.tokens if id(t) not in nested]


def parse(source: str) -> Block:
    """The block tree of a Groovy source; the root block holds the whole file."""
    tokens = tokenize(source)
    root = Block([], 1, tokens)
    stack = [root]
    header_start = 0
    depth = 0  # parentheses and brackets: newlines inside them do not end a header
    for index, token in enumerate(tokens):
        if token.value in "([":
            depth += 1
        elif token.value in ")]":
            depth -= 1
        elif token.value == "{" and token.kind == "punct":
            header = [t for t in tokens[header_start:index] if t.value != "\n"]
            block = Block(header, header[0].line if header else token.line, start=index + 1)
            stack[-1].children.append(block)
            stack.append(block)
            header_start = index + 1
        elif token.value == "}" and token.kind == "punct":
            block = stack.pop()
            block.tokens = tokens[block.start:index]
            header_start = index + 1
        elif (token.value in ("\n", ";")) and depth == 0:
            header_start = index + 1
    if len(stack) != 1:
        raise SyntaxError(f"unbalanced braces: {len(stack) - 1} block(s) left open")
    return root


@dataclass(frozen=True)
class ShStep:
    """One ``sh`` step: how its script is quoted, the script, and where it is."""

    quote: str
    script: str
    line: int


def sh_steps(block: Block) -> list[ShStep]:
    """Every ``sh`` step in ``block``: ``sh '...'``, ``sh '''...'''`` and ``sh(script: '...', ...)``."""
    steps = []
    tokens = block.tokens
    for index, token in enumerate(tokens):
        if token.kind != "ident" or token.value != "sh":
            continue
        # the script: the first string among the next tokens, ``sh(`` and ``script:`` possibly on lines of their own
        following = [t for t in tokens[index + 1:index + 8] if t.value != "\n"][:4]
        string = next((t for t in following if t.kind == "string"), None)
        if string is not None:
            steps.append(ShStep(string.quote, string.value, token.line))
    return steps


def shell_commands(script: str) -> list[str]:
    """The shell script's lines, with backslash-newline continuations joined and blank lines dropped."""
    joined = script.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()]


def pipeline(path) -> Block:
    """The ``pipeline { ... }`` block of a Jenkinsfile."""
    from pathlib import Path

    root = parse(Path(path).read_text())
    block = root.child("pipeline")
    if block is None:
        raise SyntaxError(f"{path}: no pipeline block")
    return block


def step_stages(pipeline_block: Block) -> list[Block]:
    """The stages that do work, in order: a stage grouping sequential ``stages`` is replaced by them;
    a stage with ``parallel`` branches counts as one step."""
    stages_block = pipeline_block.child("stages")
    result: list[Block] = []

    def visit(container: Block) -> None:
        for stage in (b for b in container.children if b.keyword == "stage"):
            nested = stage.child("stages")
            if nested is not None:
                visit(nested)
            else:
                result.append(stage)

    if stages_block is not None:
        visit(stages_block)
    return result


#: ``${NAME:+words}``: the words when the variable is set and not empty, nothing otherwise.
_WHEN_SET = re.compile(r"\$\{\w+:\+([^}]*)\}")


def platformctl_calls(block: Block) -> list[list[str]]:
    """Every ``platformctl`` command line in the ``sh`` steps of ``block``, split like a shell would; an optional
    ``${NAME:+words}`` part is read as its words (the longer of its two forms)."""
    calls = []
    for step in sh_steps(block):
        for command in shell_commands(step.script):
            words = shlex.split(_WHEN_SET.sub(r"\1", command))
            if words and words[0] == "platformctl":
                calls.append(words[1:])
    return calls


def url_variables(block: Block) -> dict[str, tuple[str, bool]]:
    """The application URLs ``block`` reads from the configuration, ``env.X = sh(script: 'platformctl app-url
    --env E --app ...')``: X -> (E, whether it is the health-check URL)."""
    found = {}
    tokens = block.tokens
    for index in range(len(tokens) - 5):
        if [t.value for t in tokens[index:index + 2]] + [tokens[index + 3].value, tokens[index + 4].value] != \
                ["env", ".", "=", "sh"]:
            continue
        script = next(t.value for t in tokens[index + 5:index + 10] if t.kind == "string")
        words = shlex.split(script)
        if words[:2] == ["platformctl", "app-url"]:
            found[tokens[index + 2].value] = (words[words.index("--env") + 1], "--health-check" in words)
    return found


def assert_catches_fault(source: str, fault: str, mutate: Callable[[str], str],
                         rule: Callable[[Block], list[str]], read: Callable[[str], Block] = parse) -> None:
    """A structural rule must notice a seeded fault: ``mutate`` still applies to ``source`` (the
    fault is really seeded) and ``rule`` reports a problem in the mutated copy."""
    mutated = mutate(source)
    assert mutated != source, f"mutation {fault!r} no longer applies to the file"
    assert rule(read(mutated)), f"{rule.__name__} did not notice: {fault}"
