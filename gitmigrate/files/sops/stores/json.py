"""JSON as SOPS writes it: a `sops` object as the last member of the root object; strings, bools
and numbers (int when it is an integer, float otherwise). A small scanner gives the span of
every value, so values are replaced in place and the layout is kept."""

from __future__ import annotations

import json
import re
from typing import Any

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.files.document import Span
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.tree import Leaf, Scanned

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
_WS = " \t\r\n"


def scan(text: str, name: str) -> Scanned:
    parser = _Parser(text, name)
    at = parser.skip(0)
    if at >= len(text) or text[at] != "{":
        raise UsageError(f"{name}: the document is not a JSON object", "SOPS encrypts objects only")
    end = parser.value(at, (), top=True)
    if parser.skip(end) != len(text):
        parser.fail(parser.skip(end), "extra text after the document")
    return Scanned(parser.leaves, [], parser.meta, parser.meta_span)


class _Parser:
    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.leaves: list[Leaf] = []
        self.meta: dict[str, Any] | None = None
        self.meta_span: Span | None = None

    def fail(self, at: int, detail: str) -> None:
        line = self.text.count("\n", 0, at) + 1
        column = at - self.text.rfind("\n", 0, at)
        raise FileFormatError(self.name, line, column, detail)

    def skip(self, at: int) -> int:
        while at < len(self.text) and self.text[at] in _WS:
            at += 1
        return at

    def value(self, at: int, path: KeyPath, top: bool = False) -> int:
        text = self.text
        if at >= len(text):
            self.fail(at, "the document ends where a value was expected")
        ch = text[at]
        if ch == "{":
            return self.obj(at, path, top)
        if ch == "[":
            at = self.skip(at + 1)
            index = 0
            if text.startswith("]", at):
                return at + 1
            while True:
                at = self.skip(self.value(at, (*path, index)))
                index += 1
                if text.startswith(",", at):
                    at = self.skip(at + 1)
                elif text.startswith("]", at):
                    return at + 1
                else:
                    self.fail(at, "expected ',' or ']'")
        end, value = self.scalar(at)
        self.leaves.append(Leaf(path, value, Span(at, end)))
        return end

    def obj(self, start: int, path: KeyPath, top: bool) -> int:
        text = self.text
        at = self.skip(start + 1)
        if text.startswith("}", at):
            return at + 1
        members: list[tuple[str, int, int]] = []  # key, key start, value end
        while True:
            if not text.startswith('"', at):
                self.fail(at, "expected a key in double quotes")
            key_at = at
            key_end, key = self.string(at)
            colon = self.skip(key_end)
            if not text.startswith(":", colon):
                self.fail(colon, "expected ':' after the key")
            value_at = self.skip(colon + 1)
            if top and key == "sops":
                before = len(self.leaves)
                end = self.value(value_at, ("sops",))
                del self.leaves[before:]
                self.meta = json.loads(text[value_at:end])
            else:
                end = self.value(value_at, (*path, key))
            members.append((key, key_at, end))
            at = self.skip(end)
            if text.startswith(",", at):
                at = self.skip(at + 1)
            elif text.startswith("}", at):
                if top:
                    self._meta_span(members)
                return at + 1
            else:
                self.fail(at, "expected ',' or '}'")

    def _meta_span(self, members: list[tuple[str, int, int]]) -> None:
        """What removing `sops` removes: the separator before it when it is last."""
        for index, (key, key_at, end) in enumerate(members):
            if key != "sops":
                continue
            if index + 1 < len(members):
                self.meta_span = Span(key_at, members[index + 1][1])
            elif index > 0:
                self.meta_span = Span(members[index - 1][2], end)
            else:
                self.meta_span = Span(key_at, end)

    def string(self, at: int) -> tuple[int, str]:
        decoder = json.JSONDecoder()
        try:
            value, end = decoder.raw_decode(self.text, at)
        except json.JSONDecodeError as exc:
            self.fail(exc.pos, exc.msg)
        return end, value

    def scalar(self, at: int) -> tuple[int, Any]:
        text = self.text
        if text[at] == '"':
            return self.string(at)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, at):
                return at + len(word), value
        match = _NUMBER.match(text, at)
        if not match:
            self.fail(at, "expected a value")
        assert match is not None
        raw = match.group(0)
        number: Any = float(raw) if (match.group(1) or match.group(2)) else int(raw)
        return match.end(), number


def literal(value: Any, leaf: Leaf) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return cipher.format_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(cipher.to_bytes(value).decode())


def comment(text: str) -> str:
    return text


def append_meta(text: str, block: dict[str, Any]) -> str:
    """Insert `"sops": {...}` as the root's last member, indented like its first member."""
    close = text.rstrip().rfind("}")
    body_end = len(text[:close].rstrip())
    first = re.search(r"\{(\s*)\"", text)
    empty = text[:close].rstrip().endswith("{")
    newline = "\r\n" if "\r\n" in text else "\n"
    if first and "\n" in first.group(1):
        indent = first.group(1).split("\n")[-1]
        dumped = json.dumps(block, indent=indent or None, ensure_ascii=False)
        dumped = dumped.replace("\n", newline + indent)
        member = f'{newline}{indent}"sops": {dumped}'
        closing = text[body_end:]
        return text[:body_end] + ("" if empty else ",") + member + closing
    dumped = json.dumps(block, ensure_ascii=False)
    sep = "" if empty else ", "
    return text[:body_end] + f'{sep}"sops": {dumped}' + text[body_end:]
