"""Whether files still parse after a code step (its verify): Python with the interpreter's own
parser, JavaScript/TypeScript with ast-grep's tree-sitter grammars when ast-grep-py is
installed (a tree with an ERROR node does not parse)."""

from __future__ import annotations

import ast

_GRAMMARS = {".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
             ".cjs": "javascript", ".ts": "typescript", ".tsx": "tsx"}  # fmt: skip


def parse_problem(path: str, text: str) -> str | None:
    """Why `text` (the file at `path`) does not parse; None when it does (or no parser
    for its language is at hand)."""
    if path.endswith((".py", ".pyi")):
        try:
            ast.parse(text, filename=path)
        except SyntaxError as exc:
            return f"{path}:{exc.lineno or 0}:{(exc.offset or 1) - 1}: {exc.msg}"
        return None
    suffix = "." + path.rsplit(".", 1)[-1]
    if suffix not in _GRAMMARS:
        return None
    try:
        from ast_grep_py import SgRoot
    except ImportError:
        return None
    error = SgRoot(text, _GRAMMARS[suffix]).root().find(kind="ERROR")
    if error is None:
        return None
    start = error.range().start
    return f"{path}:{start.line + 1}:{start.column}: syntax error"
