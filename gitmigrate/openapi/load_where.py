"""Where a part of a spec is written (line, column), found only when a message asks for it.

Placing one change must not cost a second parse of a 5 MB file through the structured-file
layer. JSON: `JsonLocator` walks the text along the JSON pointer, reading each object's keys
with the C scanner and skipping values with the C decoder, and caches every object it has read,
so the first lookup costs about one pass in C and later ones are dictionary hits. YAML: the
loader already noted where each mapping starts (load_parse.YamlMarks); `YamlLocator` walks the
loaded data along the pointer to the deepest mapping it noted.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any, Protocol

from gitmigrate.openapi.load_parse import YamlMarks

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
        # offset of "{" -> (keys read so far -> value offsets, where to resume, resume skips a value)
        self._objects: dict[int, tuple[dict[str, int], int, bool]] = {}
        self._arrays: dict[int, list[int]] = {}  # offset of "[" -> item offsets
        self._lines: list[int] | None = None

    def find(self, obj: Any, at: Pointer) -> tuple[int, int] | None:
        return self.locate(at)

    def locate(self, at: Pointer) -> tuple[int, int] | None:
        offset = self.offset(at)
        return None if offset is None else self.line_column(offset)

    def offset(self, at: Pointer) -> int | None:
        text = self.text
        position = _space(text, 1 if text.startswith("\ufeff") else 0)
        if position >= len(text):
            return None
        for part in at:
            char = text[position]
            found: int | None = None
            try:
                if char == "{":
                    found = self._member(position, str(part))
                elif char == "[" and str(part).isdigit():
                    items = self._items(position)
                    found = items[int(part)] if int(part) < len(items) else None
            except ValueError:  # text the fast parser accepted never gets here
                return position
            if found is None:
                return position  # the nearest written ancestor
            position = found
        return position

    def line_column(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [match.end() for match in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._lines, offset)
        start = self._lines[line - 1] if line else 0
        return line + 1, offset - start + 1

    def _member(self, start: int, want: str) -> int | None:
        """Where the value of key `want` of the object at `start` begins. Keys are read only
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
            key, position = _scanstring(text, position + 1)
            position = _space(text, position) + 1  # past ":"
            position = _space(text, position)
            members.setdefault(key, position)
            if key == want:
                self._objects[start] = (members, position, True)
                return position
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


class YamlLocator:
    """(line, column) of the deepest mapping on a pointer that the loader noted."""

    def __init__(self, root: Any, marks: YamlMarks) -> None:
        self.root = root
        self.marks = marks

    def find(self, obj: Any, at: Pointer) -> tuple[int, int] | None:
        return self.marks.at.get(id(obj)) or self.locate(at)

    def locate(self, at: Pointer) -> tuple[int, int] | None:
        node, best = self.root, self.marks.at.get(id(self.root))
        for part in at:
            if isinstance(node, dict) and str(part) in node:
                node = node[str(part)]
            elif isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                break
            best = self.marks.at.get(id(node), best)
        return best
