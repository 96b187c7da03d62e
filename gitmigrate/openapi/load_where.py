"""Where a part of a spec is written (line, column), found only when a message asks for it.

Placing one change must not cost a second parse of a 5 MB file through the structured-file
layer. JSON: `JsonLocator` walks the text along the JSON pointer, reading each object's keys
with the C scanner and skipping values with the C decoder, and caches every object it has read,
so the first lookup costs about one pass in C and later ones are dictionary hits. YAML:
`YamlTextLocator` reads block-style YAML by indentation, on demand, with regular expressions
over the lines of each block it enters (yaml_rs notes no positions, and keeping PyYAML's marks
would cost the C loader a Python call per mapping).

Both place a part where the structured-file layer (gitmigrate.files) does, so messages read
alike: an object member at its key, an array item at its value.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from typing import Any, Protocol

Pointer = tuple[str | int, ...]
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]


def _space(text: str, position: int) -> int:
    """Past the JSON whitespace at `position`."""
    match = _SPACE.match(text, position)
    return match.end() if match else position


class Locator(Protocol):
    def find(self, obj: Any, at: Pointer) -> tuple[int, int] | None:
        """Where `obj`, written at pointer `at` of this file, starts (1-based)."""


class JsonLocator:
    """(line, column) of the value at a JSON pointer in JSON text, or of its nearest ancestor."""

    def __init__(self, text: str) -> None:
        self.text = text
        # offset of "{" -> (keys read so far -> (key, value) offsets, where to resume, whether
        # resuming skips a value first)
        self._objects: dict[int, tuple[dict[str, tuple[int, int]], int, bool]] = {}
        self._arrays: dict[int, list[int]] = {}  # offset of "[" -> item offsets
        self._lines: list[int] | None = None

    def find(self, obj: Any, at: Pointer) -> tuple[int, int] | None:
        return self.locate(at)

    def locate(self, at: Pointer) -> tuple[int, int] | None:
        offset = self.offset(at)
        return None if offset is None else self.line_column(offset)

    def offset(self, at: Pointer) -> int | None:
        """Where the part at `at` is written: its key for an object member (as the
        structured-file layer places it), its value for an array item."""
        text = self.text
        position = _space(text, 1 if text.startswith("\ufeff") else 0)
        if position >= len(text):
            return None
        shown = position
        for part in at:
            char = text[position]
            found: tuple[int, int] | None = None
            try:
                if char == "{":
                    found = self._member(position, str(part))
                elif char == "[" and str(part).isdigit():
                    items = self._items(position)
                    item = items[int(part)] if int(part) < len(items) else None
                    found = None if item is None else (item, item)
            except ValueError:  # text the fast parser accepted never gets here
                return shown
            if found is None:
                return shown  # the nearest written ancestor
            shown, position = found
        return shown

    def line_column(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [match.end() for match in re.finditer("\n", self.text)]
        return line_column(self._lines, offset)

    def _member(self, start: int, want: str) -> tuple[int, int] | None:
        """Where key `want` of the object at `start` and its value begin. Keys are read only
        as far as `want` (a later ask resumes after it), so finding "paths" skips nothing."""
        state = self._objects.get(start)
        if state is None:
            state = ({}, _space(self.text, start + 1), False)
        members, position, pending = state
        if want in members or position < 0:
            return members.get(want)
        text = self.text
        if pending:  # the value of the key found last time
            position = self._next(_DECODER.raw_decode(text, position)[1])
        while text[position] != "}":
            key_at = position
            key, position = _scanstring(text, position + 1)
            position = _space(text, position) + 1  # past ":"
            position = _space(text, position)
            members.setdefault(key, (key_at, position))
            if key == want:
                self._objects[start] = (members, position, True)
                return key_at, position
            position = self._next(_DECODER.raw_decode(text, position)[1])
        self._objects[start] = (members, -1, False)
        return None

    def _next(self, position: int) -> int:
        """Past the whitespace and comma after a value."""
        position = _space(self.text, position)
        if self.text[position] == ",":
            position = _space(self.text, position + 1)
        return position

    def _items(self, start: int) -> list[int]:
        known = self._arrays.get(start)
        if known is not None:
            return known
        text, items = self.text, []
        position = _space(text, start + 1)
        while text[position] != "]":
            items.append(position)
            position = self._next(_DECODER.raw_decode(text, position)[1])
        self._arrays[start] = items
        return items


_KEY_TEXT = (
    r"(?:'(?:[^'\n]|'')*'"  # 'single quoted'
    r'|"(?:[^"\\\n]|\\.)*"'  # "double quoted"
    r"|(?:[^\s#'\"{}\[\],&*!|>%@`-]|-(?=\S))[^\n]*?)"  # plain
)
_KEY_AT = re.compile(rf"(?P<key>{_KEY_TEXT})[ \t]*:(?=[ \t]|\r?\n|$)")
_PROPERTIES_AT = re.compile(r"(?:[&!][^\s]*[ \t]*)*")
_DASH = re.compile(r"-(?=[ \t]|\r?\n|$)")
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*")


class YamlTextLocator:
    """(line, column) at a JSON pointer in block-style YAML, read from the text on demand.

    For YAML parsed without marks (the fast parser gives none): keys are found by their
    indentation with regular expressions over the lines of the enclosing block, and each block
    read is cached. Flow collections (`{...}`, `[...]`) are not entered: the nearest block
    ancestor is given instead, as for a pointer it cannot follow.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[int] | None = None
        # offset of the first key -> key -> (where the key is, where its value is, block end)
        self._maps: dict[int, dict[str, tuple[int, int, int]]] = {}
        self._seqs: dict[int, list[tuple[int, int]]] = {}  # first "-" -> (item, end)
        self._patterns: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}

    def find(self, obj: Any, at: Pointer) -> tuple[int, int] | None:
        return self.locate(at)

    def locate(self, at: Pointer) -> tuple[int, int] | None:
        text = self.text
        start = _blank_end(text, 1 if text.startswith("\ufeff") else 0)
        while text.startswith(("%", "---"), start):  # directives, the document marker
            start = _blank_end(text, _next_line(text, start))
        position, end = start, len(text)
        if position >= end:
            return None
        shown = position
        for part in at:
            position = self._content(position)
            if _DASH.match(text, position):
                items = self._items(position, end)
                index = int(part) if str(part).isdigit() else len(items)
                if index >= len(items):
                    break
                position, end = items[index]
                shown = self._content(position)  # past an anchor or tag, as the layer places it
            elif _KEY_AT.match(text, position):
                found = self._keys(position, end).get(str(part))
                if found is None:
                    break
                shown, position, end = found
            else:
                break  # a scalar or a flow collection: not entered
        return line_column(self._line_starts(), shown)

    def _line_starts(self) -> list[int]:
        if self._lines is None:
            self._lines = [match.end() for match in re.finditer("\n", self.text)]
        return self._lines

    def _column(self, offset: int) -> int:
        return offset - (self.text.rfind("\n", 0, offset) + 1)

    def _pattern(self, indent: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
        known = self._patterns.get(indent)
        if known is None:
            known = self._patterns[indent] = (
                re.compile(rf"^ {{{indent}}}(?P<key>{_KEY_TEXT})[ \t]*:(?=[ \t]|\r?\n|$)", re.M),
                re.compile(rf"^ {{{indent}}}-(?=[ \t]|\r?\n|$)", re.M),
            )
        return known

    def _keys(self, first: int, end: int) -> dict[str, tuple[int, int, int]]:
        """The keys of the block mapping whose first key starts at `first` (maybe after "- ")."""
        known = self._maps.get(first)
        if known is not None:
            return known
        text = self.text
        head = _KEY_AT.match(text, first)
        assert head is not None
        found: list[tuple[str, int, int]] = [(head["key"], first, head.end())]
        line_end = text.find("\n", first)
        if line_end != -1 and line_end < end:
            keys, _ = self._pattern(self._column(first))
            for match in keys.finditer(text, line_end + 1, end):
                found.append((match["key"], match.start("key"), match.end()))
        entries: dict[str, tuple[int, int, int]] = {}
        for index, (key, key_at, colon_end) in enumerate(found):
            stop = found[index + 1][1] if index + 1 < len(found) else end
            stop = text.rfind("\n", 0, stop) + 1 if index + 1 < len(found) else stop
            entries.setdefault(_unquote(key), (key_at, self._value(colon_end), stop))
        self._maps[first] = entries
        return entries

    def _items(self, first: int, end: int) -> list[tuple[int, int]]:
        known = self._seqs.get(first)
        if known is not None:
            return known
        text = self.text
        starts = [first]
        line_end = text.find("\n", first)
        if line_end != -1 and line_end < end:
            _, dashes = self._pattern(self._column(first))
            starts += [m.end() - 1 for m in dashes.finditer(text, line_end + 1, end)]
        items = []
        for index, dash in enumerate(starts):
            stop = text.rfind("\n", 0, starts[index + 1]) + 1 if index + 1 < len(starts) else end
            items.append((self._value(dash + 1), stop))
        self._seqs[first] = items
        return items

    def _value(self, after: int) -> int:
        """Where a value written after `after` (a colon or a dash) starts, its anchor or tag
        included (as the parser's marks): on the same line, or on the next that holds one."""
        text = self.text
        position = _space_tabs(text, after)
        if position >= len(text) or text[position] in "#\r\n":
            return _blank_end(text, _next_line(text, position))
        return position

    def _content(self, position: int) -> int:
        """Past a value's anchor and tag, to where its content starts."""
        text = self.text
        after = _PROPERTIES_AT.match(text, position)
        if after is None or after.end() == position:
            return position
        position = _space_tabs(text, after.end())
        if position >= len(text) or text[position] in "#\r\n":
            return _blank_end(text, _next_line(text, position))
        return position


def _next_line(text: str, position: int) -> int:
    found = text.find("\n", position)
    return len(text) if found == -1 else found + 1


def _space_tabs(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t":
        position += 1
    return position


def _blank_end(text: str, position: int) -> int:
    """Past blank and comment lines, and the indentation of the next line."""
    match = _BLANK_LINES.match(text, position)
    return match.end() if match else position


def _unquote(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return key[1:-1].replace("''", "'")
    if len(key) >= 2 and key[0] == key[-1] == '"':
        try:
            value: str = json.loads(key)
            return value
        except ValueError:
            return key[1:-1]
    return key.rstrip()


def line_column(lines: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`, given the offsets where lines 2.. start."""
    line = bisect.bisect_right(lines, offset)
    start = lines[line - 1] if line else 0
    return line + 1, offset - start + 1


class Translated:
    """A locator asked with pointers of a converted document (Swagger 2.0 read as 3.0): each is
    turned back into the pointer of the text as written first."""

    def __init__(self, inner: Locator, translate: Callable[[Pointer], Pointer]) -> None:
        self.inner = inner
        self.translate = translate

    def find(self, obj: Any, at: Pointer) -> tuple[int, int] | None:
        return self.inner.find(None, self.translate(at))
