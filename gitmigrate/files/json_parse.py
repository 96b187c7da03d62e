"""JSON -> Document: the standard library decodes (and locates syntax errors), then a small
scanner walks the same text once more for the span of every key and value. JSON has no
comments; every container is flow style, so an entry is the member with one separator."""

from __future__ import annotations

import json
import re
from typing import Any

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import Document, LineIndex, Node, Span, newline_of, without_bom
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.yaml_parse import flow_entries

_SPACE = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_ATOM = re.compile(r"[^\s,\]}]+")


def parse(text: str, name: str) -> Document:
    original, text = text, without_bom(text)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise FileFormatError(name, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}") from None
    except _Duplicate as exc:
        at = _find_key(text, exc.key)
        line, column = LineIndex(text).position(at)
        raise FileFormatError(
            name, line, column, f"duplicate key {exc.key!r}", "keep one of the two members"
        ) from None
    scanner = _Scanner(text)
    nodes: dict[KeyPath, Node] = {}
    start = _SPACE.match(text, 0)
    at = start.end() if start else 0
    scanner.value(at, (), data, None, Span(0, len(text)), nodes)
    return Document(
        name=name, format="json", text=original, data=data, nodes=nodes, newline=newline_of(text)
    )


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _find_key(text: str, key: str) -> int:
    literal = json.dumps(key)
    first = text.find(literal)
    second = text.find(literal, first + 1)
    return max(second, 0)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text)

    def skip(self, at: int) -> int:
        match = _SPACE.match(self.text, at)
        return match.end() if match else at

    def value(
        self,
        at: int,
        path: KeyPath,
        data: Any,
        key: Span | None,
        entry: Span,
        out: dict[KeyPath, Node],
    ) -> int:
        """Record the node of the value starting at `at`; return the offset after it."""
        line, column = self.lines.position(key.start if key is not None else at)
        ch = self.text[at : at + 1]
        flow = ch in ("{", "[")
        out[path] = Node(path, data, Span(at, at), key, entry, line, column, flow=flow)
        if ch == "{":
            end = self.members(at, path, data, out)
        elif ch == "[":
            end = self.items(at, path, data, out)
        elif ch == '"':
            match = _STRING.match(self.text, at)
            end = match.end() if match else at + 1
        else:
            match = _ATOM.match(self.text, at)
            end = match.end() if match else at
        out[path] = Node(path, data, Span(at, end), key, entry, line, column, flow=flow)
        return end

    def members(
        self, at: int, path: KeyPath, data: dict[str, Any], out: dict[KeyPath, Node]
    ) -> int:
        found: list[tuple[str, Span, int]] = []
        pos = self.skip(at + 1)
        while self.text[pos] != "}":
            match = _STRING.match(self.text, pos)
            assert match is not None  # json.loads accepted the text
            key = json.loads(match.group(0))
            colon = self.skip(match.end())
            value_at = self.skip(colon + 1)
            found.append((key, Span(pos, match.end()), value_at))
            pos = self.skip(self.end_of(value_at))
            if self.text[pos] == ",":
                pos = self.skip(pos + 1)
        ends = [self.end_of(v) for _, _, v in found]
        entries = flow_entries([k.start for _, k, _ in found], ends)
        for (key, key_span, value_at), entry in zip(found, entries, strict=True):
            self.value(value_at, (*path, key), data[key], key_span, entry, out)
        return pos + 1

    def items(self, at: int, path: KeyPath, data: list[Any], out: dict[KeyPath, Node]) -> int:
        starts: list[int] = []
        pos = self.skip(at + 1)
        while self.text[pos] != "]":
            starts.append(pos)
            pos = self.skip(self.end_of(pos))
            if self.text[pos] == ",":
                pos = self.skip(pos + 1)
        entries = flow_entries(starts, [self.end_of(s) for s in starts])
        for index, (start, entry) in enumerate(zip(starts, entries, strict=True)):
            self.value(start, (*path, index), data[index], None, entry, out)
        return pos + 1

    def end_of(self, at: int) -> int:
        """The offset after the value starting at `at` (brackets matched, strings skipped)."""
        ch = self.text[at]
        if ch == '"':
            match = _STRING.match(self.text, at)
            return match.end() if match else at + 1
        if ch not in "{[":
            match = _ATOM.match(self.text, at)
            return match.end() if match else at
        depth = 0
        pos = at
        while True:
            ch = self.text[pos]
            if ch == '"':
                match = _STRING.match(self.text, pos)
                pos = match.end() if match else pos + 1
                continue
            if ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
