"""JSON's canonical layout for convert: `json.dumps(indent=2, ensure_ascii=False)`, with the
containers the source wrote on one line kept on one line and its blank lines kept; JSON has no
comments, dates or infinities (each a reported loss)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from gitmigrate.files.convert_render import Renderer, _type_name, iso
from gitmigrate.files.keypath import KeyPath


class JsonRenderer(Renderer):
    format = "json"
    markers = ""
    comment_reason = "JSON has no comments"

    def body(self, data: Any) -> None:
        self.lines.append(self.value(data, (), ""))

    def value(self, value: Any, path: KeyPath, pad: str) -> str:
        if isinstance(value, dict | list) and value and self.one_line(path):
            return self.inline(value, path)
        if isinstance(value, dict) and value:
            inner = pad + "  "
            parts = []
            for index, (key, item) in enumerate(value.items()):
                here = (*path, key)
                self.pending_before(here)
                if not isinstance(key, str):
                    self.lose(here, f"{_type_name(key)} key written as text: JSON keys are strings")
                name = json.dumps(str(key), ensure_ascii=False)
                comma = "," if index < len(value) - 1 else ""
                parts.append(
                    self.blank_lines(here)
                    + f"{inner}{name}: "
                    + self.value(item, here, inner)
                    + comma
                )
            return "{\n" + "\n".join(parts) + "\n" + pad + "}"
        if isinstance(value, list) and value:
            inner = pad + "  "
            parts = []
            for index, item in enumerate(value):
                here = (*path, index)
                self.pending_before(here)
                comma = "," if index < len(value) - 1 else ""
                parts.append(self.blank_lines(here) + inner + self.value(item, here, inner) + comma)
            return "[\n" + "\n".join(parts) + "\n" + pad + "]"
        return self.scalar(value, path)

    def inline(self, value: Any, path: KeyPath) -> str:
        """A container on one line, as json.dumps writes it without indent."""
        if isinstance(value, dict):
            pairs = []
            for key, item in value.items():
                if not isinstance(key, str):
                    self.lose(
                        (*path, key),
                        f"{_type_name(key)} key written as text: JSON keys are strings",
                    )
                pairs.append(
                    json.dumps(str(key), ensure_ascii=False)
                    + ": "
                    + self.inline(item, (*path, key))
                )
            return "{" + ", ".join(pairs) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.inline(v, (*path, i)) for i, v in enumerate(value)) + "]"
        return self.scalar(value, path)

    def pending_before(self, path: KeyPath) -> None:
        if not self._has_comment(path):
            self.emitted.add(path)  # blank lines are kept; comments are reported as dropped

    def _has_comment(self, path: KeyPath) -> bool:
        notes = self.notes(path)
        return notes is not None and any(notes.before)

    def blank_lines(self, path: KeyPath) -> str:
        notes = self.notes(path)
        if notes is None:
            return ""
        return "\n" * sum(1 for note in notes.before if note is None)

    def scalar(self, value: Any, path: KeyPath) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isfinite(value):
                return repr(value)
            self.lose(path, f"{value} written as null: JSON has no infinity or NaN")
            return "null"
        if isinstance(value, dict):
            return "{}"
        if isinstance(value, list):
            return "[]"
        if isinstance(value, dt.date | dt.time):
            text = iso(value)
            self.lose(
                path, f"{_type_name(value)} written as the string {text!r}: JSON has no dates"
            )
            return json.dumps(text)
        return json.dumps(str(value), ensure_ascii=path in self.model.escaped)
