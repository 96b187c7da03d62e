"""A structured document: its text, its data as plain Python values, and where in the text
every key and value is, so edits are textual patches and errors point at file:line:col.

One parser module per format (`yaml_parse`, `json_parse`, `toml_parse`, `ini_parse`,
`dotenv_parse`), each with `parse(text, name) -> Document`, loaded on first use.

Offsets are indices into `Document.text` (a str, not bytes); lines and columns are 1-based.
`data` holds dicts (in document order), lists, str, int (any size), float, bool, None,
datetime.date/datetime/time; INI and .env values are always str.
"""

from __future__ import annotations

import bisect
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.formats import format_of
from gitmigrate.files.keypath import KeyPath, format_key


@dataclass(frozen=True)
class Span:
    start: int  # offset of the first character
    end: int  # offset after the last character


@dataclass(frozen=True)
class Node:
    """One key path of a document: a mapping entry, a list item, or the root ().

    `span` is the value's own text (a scalar's literal with its quotes; a container from its
    first to its last character; a YAML anchor or tag before it is not part of it). `key` is
    the key's text with its quotes (None for list items and the root).
    `entry` is what removing the entry removes: from the start of its first line to after the
    newline ending its last line, or, in flow style, the entry with one adjacent separator."""

    path: KeyPath
    value: Any
    span: Span
    key: Span | None
    entry: Span
    line: int
    column: int
    tag: str | None = None  # an explicit YAML tag (`!append`, `!!str`), kept for merge and convert
    anchor: str | None = None  # a YAML anchor defined on this value (`&base`)
    flow: bool = False  # a container written in flow style (`{...}`, `[...]`, JSON, inline tables)

    @property
    def is_leaf(self) -> bool:
        return not isinstance(self.value, dict | list)


@dataclass(frozen=True)
class Comment:
    """A comment of the document: its text after the marker (`#` or `;`), where it is, and the
    key path of the container it sits in (for SOPS comment encryption and conversions)."""

    text: str
    span: Span  # the marker and the text, not the line ending
    line: int
    parent: KeyPath
    inline: bool  # after a value on the same line


@dataclass
class Document:
    name: str  # the file as the user named it (messages say name:line:col)
    format: str  # one of formats.FORMATS
    text: str
    data: Any
    # every key path written in the text, in document order; not the keys a YAML merge key
    # (`<<: *base`) or an alias (`*base`) brings in: those are nodes at their anchor
    nodes: dict[KeyPath, Node] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    newline: str = "\n"  # the document's line ending ("\r\n" when it uses CRLF)
    # every place a key path is written when there are several (TOML headers and dotted keys:
    # `[a.b]` and `[a.c]` both write `a`); a rename changes them all
    mentions: dict[KeyPath, list[Span]] = field(default_factory=dict)

    def node(self, path: KeyPath) -> Node:
        """The node at `path`; a missing key is a UsageError naming the keys that exist."""
        found = self.nodes.get(path)
        if found is not None:
            return found
        parent = path[:-1]
        siblings = [format_key(p) for p in self.nodes if len(p) == len(path) and p[:-1] == parent]
        known = ", ".join(siblings[:12]) or "none"
        raise UsageError(
            f"{self.name} has no key {format_key(path)}",
            f"keys there: {known}",
        )

    def get(self, path: KeyPath, default: Any = None) -> Any:
        found = self.nodes.get(path)
        return default if found is None else found.value

    def has(self, path: KeyPath) -> bool:
        return path in self.nodes

    def leaves(self) -> Iterator[Node]:
        """Scalar nodes (empty containers included) in document order."""
        for node in self.nodes.values():
            if node.is_leaf or not node.value:
                yield node

    def line_of(self, path: KeyPath) -> int | None:
        found = self.nodes.get(path)
        return None if found is None else found.line


class LineIndex:
    """Offsets <-> 1-based lines and columns of one text (the parsers and the editor share it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        at = text.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line(offset)
        return line, offset - self.starts[line - 1] + 1

    def line_start(self, offset: int) -> int:
        return self.starts[self.line(offset) - 1]

    def line_end(self, offset: int) -> int:
        """The offset after the newline ending the line of `offset` (or the text's end)."""
        line = self.line(offset)
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1


def without_bom(text: str) -> str:
    """The text a parser reads: a leading byte-order mark becomes a blank of the same length,
    so offsets still index the original text (which keeps its BOM when written back)."""
    return " " + text[1:] if text.startswith("\ufeff") else text


def newline_of(text: str) -> str:
    """The line ending a document uses (its first one decides)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def loads(text: str, format: str, name: str = "<text>") -> Document:
    """Parse `text` as `format`; a syntax error is a FileFormatError at name:line:col."""
    module = importlib.import_module(f"gitmigrate.files.{_PARSERS[format]}")
    document: Document = module.parse(text, name)
    return document


def load(path: str | Path, *, format: str | None = None, name: str | None = None) -> Document:
    """Read and parse a file (UTF-8, a BOM allowed); binary or undecodable files are refused."""
    path = Path(path)
    shown = name or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{shown} does not exist", "give the path of an existing file") from None
    except IsADirectoryError:
        raise UsageError(f"{shown} is a directory", "give the path of a file") from None
    return loads(decode(raw, shown), format_of(path, format), shown)


def decode(raw: bytes, name: str) -> str:
    """Bytes of a config file -> text; NUL bytes or invalid UTF-8 mean a binary file."""
    if b"\0" in raw[:8192]:
        raise UsageError(f"{name} is a binary file", "give a YAML, JSON, TOML, INI or .env file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name} is not UTF-8 text (byte {exc.start + 1})",
            "save it as UTF-8, or give a YAML, JSON, TOML, INI or .env file",
        ) from None


_PARSERS = {
    "yaml": "yaml_parse",
    "json": "json_parse",
    "toml": "toml_parse",
    "ini": "ini_parse",
    "env": "dotenv_parse",
}
