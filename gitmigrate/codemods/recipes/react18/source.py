"""A JavaScript/TypeScript file through ast-grep: the grammar its suffix names, a parse that
refuses a file with syntax errors (tree-sitter would otherwise recover and hand back ERROR
nodes), and edits as (start, end, text) on character offsets, applied in one go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from gitmigrate.codemods.recipe import CodeParseError

if TYPE_CHECKING:
    from ast_grep_py import SgNode

LANGUAGES = {".js": "javascript", ".jsx": "javascript", ".ts": "typescript", ".tsx": "tsx"}


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


def language_of(path: str) -> str:
    suffix = PurePosixPath(path).suffix
    if suffix not in LANGUAGES:
        raise CodeParseError(f"not a JavaScript/TypeScript file ({suffix or 'no suffix'})")
    return LANGUAGES[suffix]


def parse(source: str, language: str, what: str = "does not parse") -> SgNode:
    """The root node; CodeParseError at the first syntax error."""
    from ast_grep_py import SgRoot

    root = SgRoot(source, language).root()
    error = root.find(kind="ERROR") or _missing(root)
    if error is not None:
        start = error.range().start
        raise CodeParseError(
            f"{what} as {language}: syntax error at {start.line + 1}:{start.column}",
            start.line + 1,
            start.column,
        )
    return root


def _missing(root: SgNode) -> SgNode | None:
    """A token tree-sitter made up to recover (a MISSING node: `)` of `f(a;`), the only
    zero-width nodes below the root."""
    stack = root.children()
    while stack:
        node = stack.pop()
        r = node.range()
        if r.start.index == r.end.index:
            return node
        stack.extend(node.children())
    return None


def apply(source: str, edits: list[Edit]) -> str:
    """The text with every edit made; overlapping edits are a bug of the caller."""
    out, last = [], len(source)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > last:
            raise ValueError(f"overlapping edits at {edit.start}")
        out.append(source[edit.end : last])
        out.append(edit.text)
        last = edit.start
    out.append(source[:last])
    return "".join(reversed(out))


def span(node: SgNode) -> tuple[int, int]:
    r = node.range()
    return r.start.index, r.end.index


def where(node: SgNode) -> tuple[int, int]:
    """1-based line, 0-based column."""
    start = node.range().start
    return start.line + 1, start.column
