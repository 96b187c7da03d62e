"""Whether a file parses, as `path:line:col: why` (a code step's verify, and the runner's
reason for a file it skipped): Python with the interpreter's own parser, JavaScript/TypeScript
with ast-grep's tree-sitter grammars when ast-grep-py is installed (codemods.js_source: an ERROR
node, or a token tree-sitter made up, does not parse)."""

from __future__ import annotations

import ast


def parse_problem(path: str, text: str) -> str | None:
    """Why `text` (the file at `path`) does not parse; None when it does (or no parser
    for its language is at hand)."""
    if path.endswith((".py", ".pyi")):
        try:
            ast.parse(text, filename=path)
        except SyntaxError as exc:
            return f"{path}:{exc.lineno or 0}:{(exc.offset or 1) - 1}: {exc.msg}"
        return None
    from gitmigrate.codemods.js_source import LANGUAGES, parse
    from gitmigrate.codemods.recipe import CodeParseError

    language = LANGUAGES.get("." + path.rsplit(".", 1)[-1])
    if language is None:
        return None
    try:
        parse(text, language)
    except ImportError:  # ast-grep-py (the code extra) is not installed
        return None
    except CodeParseError as exc:
        return f"{path}:{exc.line}:{exc.column}: syntax error"
    return None
