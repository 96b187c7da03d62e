"""TOML -> Document: tomllib decodes (and locates syntax errors), then our scanner walks the
valid text for the span of every header, key and value (tomlkit keeps formatting but not
offsets).

A table written as a header (`[a.b]`) spans from its `[` to the end of its last entry; its entry
is its header and body lines. A table that is never written (`a` of `[a.b]` or of `a.b = 1`)
has an empty entry: removing it means removing each of its children. `Document.mentions` holds
every place a key path is written (headers and dotted keys), which a rename has to change.

A line break inside a multi-line string reads as "\n" in a CRLF file too (TOML 1.0: "TOML
parsers should feel free to normalize newline to whatever makes sense for their platform"),
as tomllib reads it and as the other formats do; tomlkit keeps "\r\n". So a value does not
change when its file's newlines do, and the sops TOML store (whose MAC covers the values read
here) writes a multi-line value in a CRLF file as one escaped line, which every reader reads
alike. A "\r" the file escapes (`"\r\n"`) stays a "\r".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from typing import Any

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import (
    Comment,
    Document,
    LineIndex,
    Node,
    Span,
    newline_of,
    without_bom,
)
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.yaml_parse import flow_entries

_WS = re.compile(r"[ \t]*")
_WS_NL = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^\\]|\\.)*?"""(?:"{1,2}(?!"))?', re.S)
_ML_LITERAL = re.compile(r"'''.*?'''(?:'{1,2}(?!'))?", re.S)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
    r"|\d{2}:\d{2}:\d{2}(?:\.\d+)?"
)
_ATOM = re.compile(r"[^\s,\]}#]+")
_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse(text: str, name: str) -> Document:
    original, text = text, without_bom(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _WHERE.search(message)
        if where:
            line, column = int(where.group(1)), int(where.group(2))
        else:  # "at end of document"
            index = LineIndex(text)
            line, column = index.position(len(text))
        detail = _WHERE.sub("", message).replace("(at end of document)", "").strip()
        raise FileFormatError(name, line, column, f"invalid TOML: {detail}") from None
    scanner = _Scanner(text, data)
    scanner.run()
    document = Document(
        name=name,
        format="toml",
        text=original,
        data=data,
        nodes=scanner.ordered(),
        comments=scanner.comments,
        newline=newline_of(text),
    )
    document.mentions = scanner.mentions
    return document


class _Scanner:
    def __init__(self, text: str, data: dict[str, Any]) -> None:
        self.text = text
        self.data = data
        self.lines = LineIndex(text)
        self.nodes: dict[KeyPath, Node] = {}
        self.order: list[KeyPath] = []
        self.comments: list[Comment] = []
        self.mentions: dict[KeyPath, list[Span]] = {}
        self.aot: dict[KeyPath, int] = {}  # array-of-tables path -> headers seen
        self.current: KeyPath = ()
        self.open_table: KeyPath | None = None  # the header table whose body we are in
        self.last_end = 0  # end of the open table's last content
        self.last_leaf: KeyPath = ()  # the path the last key/value pair wrote

    # -- results ---------------------------------------------------------------------------

    def ordered(self) -> dict[KeyPath, Node]:
        root = Node((), self.data, Span(0, len(self.text)), None, Span(0, len(self.text)), 1, 1)
        out: dict[KeyPath, Node] = {(): root}
        for path in self.order:
            out[path] = self.nodes[path]
        return out

    def value_at(self, path: KeyPath) -> Any:
        value: Any = self.data
        for part in path:
            value = value[part]
        return value

    def add(self, node: Node) -> None:
        if node.path not in self.nodes:
            self.order.append(node.path)
        self.nodes[node.path] = node

    def implicit(self, path: KeyPath, key: Span | None) -> None:
        """A table named on the way to a deeper key: a node without an entry of its own."""
        if path in self.nodes or not path:
            return
        at = key.start if key is not None else 0
        line, column = self.lines.position(at)
        empty = Span(at, at)
        self.add(Node(path, self.value_at(path), empty, key, empty, line, column))

    # -- the top level ---------------------------------------------------------------------

    def run(self) -> None:
        pos = 0
        text = self.text
        while pos < len(text):
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= len(text):
                break
            ch = text[pos]
            if ch in "\r\n":
                pos += 1
            elif ch == "#":
                pos = self.comment(pos, self.current)
            elif ch == "[":
                self.close_table()
                pos = self.header(pos)
            else:
                pos = self.key_value(pos, self.current)
                self.last_end = pos
                pos = self.line_rest(pos, self.current)
        self.close_table()

    def line_rest(self, pos: int, parent: KeyPath) -> int:
        pos = _WS.match(self.text, pos).end()  # type: ignore[union-attr]
        if self.text.startswith("#", pos):
            pos = self.comment(pos, parent)
        return pos

    def comment(self, pos: int, parent: KeyPath) -> int:
        end = self.text.find("\n", pos)
        end = len(self.text) if end == -1 else end
        if self.text[end - 1 : end] == "\r":
            end -= 1
        line_start = self.lines.line_start(pos)
        self.comments.append(
            Comment(
                text=self.text[pos + 1 : end],
                span=Span(pos, end),
                line=self.lines.line(pos),
                parent=parent,
                inline=bool(self.text[line_start:pos].strip()),
            )
        )
        return end

    def close_table(self) -> None:
        path = self.open_table
        if path is None:
            return
        node = self.nodes[path]
        end = max(self.last_end, node.span.end)
        line_end = self.lines.line_end(end - 1) if end > 0 else 0
        self.nodes[path] = replace(
            node, span=Span(node.span.start, end), entry=Span(node.entry.start, line_end)
        )
        self.open_table = None

    def header(self, pos: int) -> int:
        array = self.text.startswith("[[", pos)
        start = pos
        pos = _WS.match(self.text, pos + (2 if array else 1)).end()  # type: ignore[union-attr]
        keys, pos = self.keys(pos)
        pos = _WS.match(self.text, pos).end()  # type: ignore[union-attr]
        pos += 2 if array else 1
        path: KeyPath = ()
        for index, (part, span) in enumerate(keys):
            path = (*path, part)
            self.mentions.setdefault(path, []).append(span)
            last = index == len(keys) - 1
            if not last:
                self.implicit(path, span)
                if path in self.aot:
                    path = (*path, self.aot[path] - 1)
        last_key = keys[-1][1]
        if array:
            self.implicit(path, last_key)
            count = self.aot.get(path, 0)
            self.aot[path] = count + 1
            path = (*path, count)
            key: Span | None = None
        else:
            key = last_key
        line, column = self.lines.position(start)
        line_start = self.lines.line_start(start)
        span = Span(start, pos)
        self.add(Node(path, self.value_at(path), span, key, Span(line_start, pos), line, column))
        self.current = path
        self.open_table = path
        self.last_end = pos
        return self.line_rest(pos, path)

    def keys(self, pos: int) -> tuple[list[tuple[str, Span]], int]:
        """A dotted key at `pos`: each part with the span of its text."""
        parts: list[tuple[str, Span]] = []
        while True:
            pos = _WS.match(self.text, pos).end()  # type: ignore[union-attr]
            ch = self.text[pos]
            if ch == '"':
                match = _BASIC.match(self.text, pos)
            elif ch == "'":
                match = _LITERAL.match(self.text, pos)
            else:
                match = _BARE.match(self.text, pos)
            assert match is not None  # tomllib accepted the text
            literal = match.group(0)
            part = tomllib.loads(f"k = {literal}")["k"] if literal[0] in "\"'" else literal
            parts.append((part, Span(pos, match.end())))
            pos = _WS.match(self.text, match.end()).end()  # type: ignore[union-attr]
            if self.text[pos] != ".":
                return parts, pos
            pos += 1

    def key_value(self, pos: int, table: KeyPath, *, inline: bool = False) -> int:
        """`a.b = value` at `pos` inside `table`; returns the offset after the value."""
        start = pos
        keys, pos = self.keys(pos)
        pos = _WS.match(self.text, pos + 1).end()  # type: ignore[union-attr]  # past '='
        path = table
        for part, span in keys[:-1]:
            path = (*path, part)
            self.mentions.setdefault(path, []).append(span)
            self.implicit(path, span)
        path = (*path, keys[-1][0])
        self.mentions.setdefault(path, []).append(keys[-1][1])
        line, column = self.lines.position(start)
        placeholder = Span(pos, pos)
        self.add(Node(path, None, placeholder, keys[-1][1], placeholder, line, column))
        end = self.value(pos, path)
        node = self.nodes[path]
        if inline:
            entry = Span(start, end)
        else:
            line_end = self.lines.line_end(end - 1)
            entry = Span(self.lines.line_start(start), line_end)
        flow = self.text[pos] in "[{"
        self.nodes[path] = Node(
            path, self.value_at(path), Span(pos, end), node.key, entry, line, column, flow=flow
        )
        self.last_leaf = path
        return end

    # -- values ----------------------------------------------------------------------------

    def value(self, pos: int, path: KeyPath) -> int:
        text = self.text
        ch = text[pos]
        if ch == "[":
            return self.array(pos, path)
        if ch == "{":
            return self.inline_table(pos, path)
        for pattern in (_ML_BASIC, _ML_LITERAL, _BASIC, _LITERAL, _DATETIME, _ATOM):
            match = pattern.match(text, pos)
            if match and match.end() > pos:
                return match.end()
        return pos + 1  # pragma: no cover - tomllib accepted the text

    def skip(self, pos: int, parent: KeyPath) -> int:
        """Blanks, newlines and comments inside an array; comments are recorded."""
        while True:
            match = _WS_NL.match(self.text, pos)
            end = match.end() if match else pos
            for found in re.finditer(r"#[^\n]*", self.text[pos:end]):
                self.comment(pos + found.start(), parent)
            if end == pos:
                return pos
            pos = end

    def array(self, pos: int, path: KeyPath) -> int:
        starts: list[int] = []
        ends: list[int] = []
        pos = self.skip(pos + 1, path)
        while self.text[pos] != "]":
            item = (*path, len(starts))
            line, column = self.lines.position(pos)
            placeholder = Span(pos, pos)
            self.add(Node(item, None, placeholder, None, placeholder, line, column))
            end = self.value(pos, item)
            starts.append(pos)
            ends.append(end)
            pos = self.skip(end, path)
            if self.text[pos] == ",":
                pos = self.skip(pos + 1, path)
        for index, entry in enumerate(flow_entries(starts, ends)):
            item = (*path, index)
            node = self.nodes[item]
            flow = self.text[starts[index]] in "[{"
            self.nodes[item] = Node(
                item,
                self.value_at(item),
                Span(starts[index], ends[index]),
                None,
                entry,
                node.line,
                node.column,
                flow=flow,
            )
        return pos + 1

    def inline_table(self, pos: int, path: KeyPath) -> int:
        starts: list[int] = []
        ends: list[int] = []
        leaves: list[KeyPath] = []
        pos = _WS.match(self.text, pos + 1).end()  # type: ignore[union-attr]
        while self.text[pos] != "}":
            end = self.key_value(pos, path, inline=True)
            leaves.append(self.last_leaf)
            starts.append(pos)
            ends.append(end)
            pos = _WS.match(self.text, end).end()  # type: ignore[union-attr]
            if self.text[pos] == ",":
                pos = _WS.match(self.text, pos + 1).end()  # type: ignore[union-attr]
        for leaf, entry in zip(leaves, flow_entries(starts, ends), strict=True):
            node = self.nodes[leaf]
            self.nodes[leaf] = Node(
                leaf, node.value, node.span, node.key, entry, node.line, node.column, flow=node.flow
            )
        return pos + 1
