"""A JavaScript/TypeScript file through ast-grep: parsed by codemods.js_source (grammar by
suffix, syntax errors refused), edited as (start, end, text) on character offsets, applied in
one go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ast_grep_py import SgNode


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


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
