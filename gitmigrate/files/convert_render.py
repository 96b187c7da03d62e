"""The Renderer base of convert: the model's comments and blank lines placed around entries,
every Loss recorded once (sorted in document order), the comments a format could not place
reported; one subclass per format (convert_yaml, convert_json, convert_toml, convert_flat)
writes that format's canonical layout (convert_layout reports what that layout changes).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from gitmigrate.files.convert import Loss, Model, Notes
from gitmigrate.files.keypath import KeyPath

if TYPE_CHECKING:
    pass


class Renderer:
    format = ""
    markers = "#"  # comment markers the format has ("" for none)
    comment_reason = "the format cannot hold a comment there"

    def __init__(self, model: Model) -> None:
        self.model = model
        self.lines: list[str] = []
        self.losses: list[Loss] = []
        self._seen_losses: set[Loss] = set()
        self.emitted: set[KeyPath] = set()
        self.placed_after: set[KeyPath] = set()

    def render(self) -> str:
        for path, anchor in self.model.anchors.items():
            self.lose(path, f"anchor &{anchor} dropped: the target has no anchors")
        for path, anchor in self.model.aliases.items():
            self.lose(path, f"alias *{anchor} written out in full: the target has no anchors")
        for path, anchor in self.model.merges.items():
            self.lose(
                path, f"merge key <<: *{anchor} written out in full: the target has no anchors"
            )
        for path, tag in self.model.tags.items():
            self.lose(path, f"tag {tag} dropped: the target has no tags")
        self.body(self.model.data)
        self.notes_lines(self.model.footer, "", ())
        for path, notes in self.model.notes.items():
            dropped = (path not in self.emitted and any(notes.before)) or (
                notes.after is not None and path not in self.placed_after
            )
            if dropped:
                self.lose(path, f"comment dropped: {self.comment_reason}")
        positions = _positions(self.model.data)
        self.losses.sort(key=lambda loss: _order(positions, loss.path, self.model.data))
        return "".join(line + "\n" for line in self.lines)

    def body(self, data: Any) -> None:
        raise NotImplementedError

    def lose(self, path: KeyPath, reason: str) -> None:
        loss = Loss(path, reason)
        if loss not in self._seen_losses:
            self._seen_losses.add(loss)
            self.losses.append(loss)

    def before(self, path: KeyPath, indent: str) -> None:
        """The blank and comment lines before `path`'s entry (once)."""
        if path in self.emitted:
            return
        self.emitted.add(path)
        notes = self.model.notes.get(path)
        if notes is not None:
            self.notes_lines(notes.before, indent, path)

    def notes_lines(self, notes: list[str | None], indent: str, path: KeyPath) -> None:
        for note in notes:
            if note is None:
                self.lines.append("")
            elif self.markers:
                self.lines.append(indent + self.comment(note, path))

    def after(self, path: KeyPath) -> str:
        """The trailing comment of `path`'s line, with its spacing ("" when none)."""
        notes = self.model.notes.get(path)
        if notes is None or notes.after is None or not self.markers:
            return ""
        self.placed_after.add(path)
        gap, body = notes.after
        return gap + self.comment(body, path)

    def comment(self, body: str, path: KeyPath) -> str:
        if body[:1] not in self.markers:
            self.lose(path, f"comment marker {body[:1]!r} written as {self.markers[0]!r}")
            return self.markers[0] + body[1:]
        return body

    def notes(self, path: KeyPath) -> Notes | None:
        return self.model.notes.get(path)

    def one_line(self, path: KeyPath) -> bool | None:
        """Whether the source wrote this container on one line; None for plain data."""
        return (path in self.model.one_line) if self.model.styled else None

    def has_comment(self, path: KeyPath) -> bool:
        notes = self.model.notes.get(path)
        return notes is not None and (any(notes.before) or notes.after is not None)

    def text_of(self, value: Any, path: KeyPath, why: str) -> str:
        """A scalar as the text a string-only format holds, with the loss of its type."""
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dt.datetime | dt.date | dt.time):
            text = iso(value)
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False, default=str)
        else:
            text = str(value)
        kind = _type_name(value)
        self.lose(path, f"{kind} written as the text {text!r}: {why}")
        return text


def iso(value: dt.date | dt.time) -> str:
    text = value.isoformat()
    offset = value.utcoffset() if isinstance(value, dt.datetime | dt.time) else None
    if offset is not None and offset == dt.timedelta(0) and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "string"


def _positions(data: Any) -> dict[int, dict[Any, int]]:
    """Each mapping's key -> its index, by the mapping's id (for sorting losses)."""
    out: dict[int, dict[Any, int]] = {}
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            out[id(value)] = {key: index for index, key in enumerate(value)}
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return out


def _order(
    positions: dict[int, dict[Any, int]], path: KeyPath, data: Any = None
) -> tuple[int, ...]:
    """A sort key following document order (unknown parts last)."""
    out = []
    for part in path:
        if isinstance(data, dict) and part in data:
            out.append(positions[id(data)][part])
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            out.append(part)
            data = data[part]
        else:
            out.append(1 << 30)
            data = None
    return tuple(out)


def renderers() -> dict[str, type[Renderer]]:
    from gitmigrate.files.convert_flat import EnvRenderer, IniRenderer
    from gitmigrate.files.convert_json import JsonRenderer
    from gitmigrate.files.convert_toml import TomlRenderer
    from gitmigrate.files.convert_yaml import YamlRenderer

    return {
        "yaml": YamlRenderer,
        "json": JsonRenderer,
        "toml": TomlRenderer,
        "ini": IniRenderer,
        "env": EnvRenderer,
    }
