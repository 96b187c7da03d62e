"""JavaScript/TypeScript through ast-grep, for recipes and the code kind's verify alike: the
grammar a file's suffix names, and a parse that refuses a file with syntax errors (tree-sitter
would otherwise recover, with ERROR nodes or tokens it made up)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from gitmigrate.codemods.recipe import CodeParseError

if TYPE_CHECKING:
    from ast_grep_py import SgNode

LANGUAGES = {
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".tsx": "tsx",
}


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
