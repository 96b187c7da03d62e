"""Where things are in a parsed document's text, for the editor: a node's children, the
indentation and column of an offset, whether a TOML table is written with a [header]."""

from __future__ import annotations

from gitmigrate.files.document import Document, LineIndex, Node
from gitmigrate.files.keypath import KeyPath


def child_paths(doc: Document, path: KeyPath) -> list[KeyPath]:
    return [p for p in doc.nodes if len(p) == len(path) + 1 and p[: len(path)] == path]


def child_nodes(doc: Document, path: KeyPath) -> list[Node]:
    return [doc.nodes[p] for p in child_paths(doc, path)]


def indent_at(doc: Document, offset: int) -> int:
    start = LineIndex(doc.text).line_start(offset) if offset else 0
    line = doc.text[start:offset]
    return len(line) - len(line.lstrip(" \t"))


def column_at(doc: Document, offset: int) -> int:
    return offset - doc.text.rfind("\n", 0, offset)


def is_header(doc: Document, node: Node) -> bool:
    return (
        bool(node.path)
        and not node.flow
        and node.span.end > node.span.start
        and isinstance(node.value, dict)
        and doc.text.startswith("[", node.span.start)
    )
