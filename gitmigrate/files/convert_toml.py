"""TOML's canonical layout for convert: a table's plain keys first, then its sub-tables as
`[a.b]` headers and lists of tables as `[[a]]`; other lists inline (one item a line when an
item carries a comment); triple-quoted strings for multi-line text. TOML has no null and no integer
outside 64 bits; a plain key written after a sub-table moves before it (a reported loss)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from gitmigrate.files.convert_render import Renderer, _type_name, iso
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.scalars import float_literal

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_INT64 = (-(2**63), 2**63 - 1)


class TomlRenderer(Renderer):
    format = "toml"
    comment_reason = "TOML cannot hold a comment there (inside an inline table)"

    def body(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.lose(
                (),
                f"a top-level {_type_name(data)} written as the key `value`: TOML's top level is a table",
            )
            data = {"value": data}
        self.table(data, ())

    def table(self, data: dict[Any, Any], path: KeyPath) -> None:
        seen_table = False
        tables = []
        for key, value in data.items():
            here = (*path, key)
            if self.is_section(value, here) or (value == {} and seen_table):  # `[empty]`
                seen_table = True
                tables.append((key, value))
                continue
            if seen_table and self.model.ordered:
                self.lose(
                    here, "moved before the sub-tables: TOML writes a table's plain keys first"
                )
            text = self.value(value, here, "")
            if text is None:
                continue
            self.before(here, "")
            self.lines.append(f"{self.key(key, here)} = {text}{self.after(here)}")
        for key, value in tables:
            here = (*path, key)
            header = self.header(here)
            self.before(here, "")
            if isinstance(value, dict):
                notes = self.notes(here)
                if (
                    not value
                    or self.has_plain(value, here)
                    or (notes is not None and notes.after is not None)
                ):
                    self.lines.append(f"[{header}]{self.after(here)}")
                self.table(value, here)
            else:
                for index, item in enumerate(value):
                    self.before((*here, index), "")
                    self.lines.append(f"[[{header}]]{self.after((*here, index))}")
                    self.table(item, (*here, index))

    def is_section(self, value: Any, path: KeyPath) -> bool:
        """Written under a `[header]` / `[[header]]` rather than as `key = value`."""
        if self.one_line(path):
            return False
        if _is_table_array(value):  # tables the source wrote one-line stay inline tables
            return not all(self.one_line((*path, i)) for i in range(len(value)))
        return _is_table(value)

    def has_plain(self, value: dict[Any, Any], path: KeyPath) -> bool:
        return any(not self.is_section(v, (*path, k)) for k, v in value.items())

    def _noted(self, path: KeyPath) -> bool:
        notes = self.notes(path)
        return notes is not None and (
            any(n is not None for n in notes.before) or notes.after is not None
        )

    def header(self, path: KeyPath) -> str:
        return ".".join(self.key(part, path) for part in path if not isinstance(part, int))

    def key(self, key: Any, path: KeyPath) -> str:
        if not isinstance(key, str):
            self.lose(path, f"{_type_name(key)} key written as text: TOML keys are strings")
            key = str(key)
        return key if _BARE.fullmatch(key) else _basic(key)

    def value(self, value: Any, path: KeyPath, pad: str) -> str | None:
        """The inline text of `value`; None when TOML cannot hold it (left out, reported)."""
        if value is None:
            if path and isinstance(path[-1], int):  # the items after it move up: say so at the list
                self.lose(path[:-1], f"null item [{path[-1]}] left out: TOML has no null")
            else:
                self.lose(path, "null left out: TOML has no null")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            if _INT64[0] <= value <= _INT64[1]:
                return str(value)
            self.lose(path, "integer outside 64 bits written as a string: TOML integers are 64-bit")
            return _basic(str(value))
        if isinstance(value, float):
            return float_literal(value, "inf", "nan")
        if isinstance(value, dt.date | dt.time):
            return iso(value)
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                text = self.value(item, (*path, key), pad)
                if text is not None:
                    items.append(f"{self.key(key, (*path, key))} = {text}")
            return "{ " + ", ".join(items) + " }" if items else "{}"
        if isinstance(value, list):
            return self.array(value, path, pad)
        text = str(value)
        if path in self.model.escaped:
            return _basic(text, ascii=True)
        if path in self.model.single and "'" not in text and text.isprintable():
            return "'" + text + "'"  # a literal string, as the source quoted it
        return _string(text)

    def array(self, value: list[Any], path: KeyPath, pad: str) -> str:
        if not value:
            return "[]"
        noted = [i for i in range(len(value)) if self._noted((*path, i))]
        if not noted and self.one_line(path) is not False:
            texts = [self.value(item, (*path, i), pad) for i, item in enumerate(value)]
            return "[" + ", ".join(t for t in texts if t is not None) + "]"
        inner = pad + "  "
        start = len(self.lines)
        self.lines.append("")  # placeholder: the caller's line holds `[`
        for index, item in enumerate(value):
            here = (*path, index)
            text = self.value(item, here, inner)
            if text is None:
                continue
            self.before(here, inner)
            self.lines.append(f"{inner}{text},{self.after(here)}")
        body = self.lines[start + 1 :]
        del self.lines[start:]
        return "[\n" + "\n".join(body) + "\n" + pad + "]"


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) and bool(value)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_table(item) for item in value)


def _escape(text: str, multiline: bool, ascii: bool = False) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"' and not multiline:
            out.append('\\"')
        elif ch == "\n" and multiline:
            out.append("\n")
        elif ch == "\t":
            out.append("\t")
        elif ch in "\n\r\b\f":
            out.append({"\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        elif ascii and ord(ch) > 0x7E:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def _basic(text: str, ascii: bool = False) -> str:
    return '"' + _escape(text, False, ascii) + '"'


def _string(text: str) -> str:
    if "\n" not in text or "\r" in text:
        return _basic(text)
    body = _escape(text, True).replace('"""', '""\\"')
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    return '"""\n' + body + '"""'
