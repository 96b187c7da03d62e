"""The canonical layout of each format, rendered from convert's neutral model: one Renderer per
format, each recording a Loss (with the nearest form written) for what its format cannot hold.

Layouts: YAML block style, 2-space indent, lists indented under their key, multi-line strings
as literal blocks; JSON as `json.dumps(indent=2, ensure_ascii=False)`; TOML with a table's
plain keys first, `[table]` / `[[array]]` headers, inline arrays; INI `key = value` in
`[section]`s, continuation lines indented by 4 spaces; .env `KEY=value`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from typing import Any

from gitmigrate.files.convert import Loss, Model, Notes
from gitmigrate.files.keypath import KeyPath


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


class YamlRenderer(Renderer):
    format = "yaml"
    comment_reason = "YAML cannot hold a comment there"

    def body(self, data: Any) -> None:
        if isinstance(data, dict) and data:
            self.mapping(data, (), "")
        elif isinstance(data, list) and data:
            self.sequence(data, (), "")
        else:
            head, rest = self.scalar(data, (), "")
            self.lines.append(head + self.after(()))
            self.lines.extend(rest)

    def mapping(self, data: dict[Any, Any], path: KeyPath, pad: str) -> None:
        for key, value in data.items():
            here = (*path, key)
            self.before(here, pad)
            name = self.key(key)
            if isinstance(value, dict) and value and not self.flow(value, here):
                self.lines.append(f"{pad}{name}:{self.after(here)}")
                self.mapping(value, here, pad + "  ")
            elif isinstance(value, list) and value and not self.flow(value, here):
                self.lines.append(f"{pad}{name}:{self.after(here)}")
                self.sequence(value, here, pad + "  ")
            else:
                head, rest = self.scalar(value, here, pad + "  ")
                self.lines.append(f"{pad}{name}: {head}{self.after(here)}")
                self.lines.extend(rest)

    def sequence(self, data: list[Any], path: KeyPath, pad: str) -> None:
        for index, value in enumerate(data):
            here = (*path, index)
            self.before(here, pad)
            if isinstance(value, dict | list) and value and not self.flow(value, here):
                first = (*here, next(iter(value)) if isinstance(value, dict) else 0)
                self.before(first, pad)
                start = len(self.lines)
                if isinstance(value, dict):
                    self.mapping(value, here, pad + "  ")
                else:
                    self.sequence(value, here, pad + "  ")
                self.lines[start] = pad + "- " + self.lines[start][len(pad) + 2 :]
            else:
                head, rest = self.scalar(value, here, pad + "  ")
                self.lines.append(f"{pad}- {head}{self.after(here)}")
                self.lines.extend(rest)

    def flow(self, value: dict[Any, Any] | list[Any], path: KeyPath) -> bool:
        """Flow style (`[a, b]`, `{a: 1}`) for what the source wrote on one line; for plain data,
        lists of one-line scalars (as TOML writes its arrays). Never when an item has a comment."""
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        if any(self.has_comment((*path, k)) for k, _ in items):
            return False
        said = self.one_line(path)
        if said is not None:
            return said
        return isinstance(value, list) and all(
            not isinstance(item, dict | list) and not (isinstance(item, str) and "\n" in item)
            for _, item in items
        )

    def key(self, key: Any, flow: bool = False) -> str:
        if isinstance(key, str):
            plain = _yaml_plain(key) and key != "<<" and not (flow and _FLOW_SPECIAL.search(key))
            return key if plain else _double(key)
        return self.scalar(key, (), "", flow)[0]

    def scalar(
        self, value: Any, path: KeyPath, pad: str, flow: bool = False
    ) -> tuple[str, list[str]]:
        """The head text (after `key: `) and the lines of a block scalar."""
        if value is None:
            return "null", []
        if isinstance(value, bool):
            return ("true" if value else "false"), []
        if isinstance(value, int):
            return str(value), []
        if isinstance(value, float):
            return _float(value, ".inf", ".nan"), []
        if isinstance(value, dt.time):
            self.lose(path, "time written as a string: YAML has no time of day")
            return _double(iso(value)), []
        if isinstance(value, dt.date):
            return iso(value), []
        if isinstance(value, dict):
            pairs = [
                f"{self.key(k, True)}: {self.scalar(v, (*path, k), pad, True)[0]}"
                for k, v in value.items()
            ]
            return "{" + ", ".join(pairs) + "}", []
        if isinstance(value, list):
            items = [self.scalar(item, (*path, i), pad, True)[0] for i, item in enumerate(value)]
            return "[" + ", ".join(items) + "]", []
        text = str(value)
        if path in self.model.single and "\n" not in text and text.isprintable():
            return "'" + text.replace("'", "''") + "'", []
        if _yaml_plain(text) and not (flow and _FLOW_SPECIAL.search(text)):
            return text, []
        notes = self.notes(path)
        trailing = notes is not None and notes.after is not None  # kept on the `"..."` line
        if _literal_ok(text) and not flow and not trailing:
            body = text.rstrip("\n")
            tail = len(text) - len(body)
            chomp = "-" if tail == 0 else ("" if tail == 1 else "+")
            rest = [pad + line if line else "" for line in body.split("\n")]
            rest.extend([""] * max(0, tail - 1))
            return "|" + chomp, rest
        return _double(text), []


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
        return json.dumps(str(value), ensure_ascii=False)


def iso(value: dt.date | dt.time) -> str:
    text = value.isoformat()
    offset = value.utcoffset() if isinstance(value, dt.datetime | dt.time) else None
    if offset is not None and offset == dt.timedelta(0) and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def _float(value: float, inf: str, nan: str) -> str:
    if math.isnan(value):
        return nan
    if math.isinf(value):
        return inf if value > 0 else "-" + inf.lstrip("+")
    return repr(value)


# the YAML 1.1 booleans older readers still take as booleans: quoted although 1.2 reads text
_YAML_11_BOOL = re.compile(r"(?i:yes|no|on|off|y|n)")
_FLOW_SPECIAL = re.compile(r"[,\[\]{}]")
_YAML_FIRST = set("-?:,[]{}#&*!|>'\"%@` \t")


def _yaml_plain(text: str) -> bool:
    """True when `text` reads back as this same string without quotes."""
    return bool(
        text
        and text[0] not in _YAML_FIRST
        and text[-1] not in " \t:"
        and ": " not in text
        and " #" not in text
        and "\t" not in text
        and not _YAML_11_BOOL.fullmatch(text)
        and _yaml_reads_text(text)
        and all(ch.isprintable() for ch in text)
        and "\ufeff" not in text
    )


@functools.cache
def _yaml_reads_text(text: str) -> bool:
    """True when the YAML reader (ruamel.yaml's resolver, as the YAML parser uses it) reads the
    plain scalar `text` as a string: not a number, boolean, null or timestamp."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode

    resolver = YAML(typ="safe", pure=True).resolver
    return bool(resolver.resolve(ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str")


def _literal_ok(text: str) -> bool:
    """True when a literal block scalar (`|`) holds `text` exactly."""
    body = text.rstrip("\n")
    return bool(
        "\n" in text
        and body
        and body[0] not in " \t"
        and "\r" not in text
        and all(ch.isprintable() or ch in "\n\t" for ch in text)
        and not any(line[:1] in (" ", "\t") for line in body.split("\n")[:1])
    )


def _double(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not ch.isprintable() or ch == "\ufeff":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


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
    from gitmigrate.files.convert_toml import TomlRenderer

    return {
        "yaml": YamlRenderer,
        "json": JsonRenderer,
        "toml": TomlRenderer,
        "ini": IniRenderer,
        "env": EnvRenderer,
    }
