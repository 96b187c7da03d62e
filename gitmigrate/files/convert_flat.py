"""The two string-only formats for convert: INI (`[section]` then `key = value`, continuation
lines indented by 4 spaces for multi-line text) and .env (`KEY=value`, quoted when needed).

Both hold only text: any other scalar is written as its text (a reported loss, since reading
it back gives a string). Deeper nesting is flattened (`a.b` keys in INI, `A__B` names in
.env), lists are written as JSON text, and nulls are left out; each is a reported loss."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gitmigrate.files.convert import Model
from gitmigrate.files.convert_render import Renderer, _type_name
from gitmigrate.files.keypath import KeyPath


class IniRenderer(Renderer):
    format = "ini"
    markers = "#;"
    comment_reason = "INI cannot hold a comment there"

    def __init__(self, model: Model) -> None:
        super().__init__(model)
        self.sections: set[str] = set()
        self.keys: set[str] = set()

    def body(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.lose((), f"a top-level {_type_name(data)} left out: an INI file holds sections")
            return
        for name, section in data.items():
            here = (name,)
            if not isinstance(section, dict):
                self.lose(
                    here,
                    f"{_type_name(section)} outside any section left out: INI keeps keys in sections",
                )
                continue
            title = re.sub(r"[\[\]\r\n]", "_", str(name)).strip() or "_"
            if title != name:
                self.lose(
                    here,
                    f"section {name!r} written as [{title}]: INI section names cannot hold brackets",
                )
            if title in self.sections:
                self.lose(here, f"section left out: [{title}] is already written")
                continue
            self.sections.add(title)
            self.keys = set()
            self.before(here, "")
            self.lines.append(f"[{title}]{self.after_own_line(here, '')}")
            for key, path, value in _flatten(section, here):
                if len(path) > 2:
                    self.lose(
                        path,
                        f"nested mapping flattened to the key {key!r}: INI has one level of keys",
                    )
                self.entry(key, path, value)

    def entry(self, key: str, path: KeyPath, value: Any) -> None:
        if value is None:
            self.lose(path, "null left out: INI has no null")
            return
        if not isinstance(value, str):
            value = self.text_of(value, path, "INI values are strings")
        elif value != value.strip() or "\n\n" in value.strip("\n") or "\r" in value:
            self.lose(
                path, "leading/trailing spaces or empty lines of the value dropped: INI strips them"
            )
        elif any(line != line.strip() for line in value.split("\n")):
            self.lose(path, "spaces at the edges of the value's lines dropped: INI strips them")
        safe = re.sub(r"[=:\r\n]", "_", key).strip() or "_"
        safe = "_" + safe if safe[0] in "#;[" else safe
        if safe != key:
            self.lose(
                path,
                f"key {key!r} written as {safe!r}: INI keys cannot hold '=' or ':', edge spaces, "
                "or start with '#', ';' or '['",
            )
        if safe in self.keys:
            self.lose(path, f"left out: the key {safe!r} is already in its section")
            return
        self.keys.add(safe)
        key = safe
        for depth in range(2, len(path) + 1):  # a flattened table's comments go first
            self.before(path[:depth], "")
        lines = value.strip().split("\n")
        head = f"{key} = {lines[0]}" if lines[0] else f"{key} ="
        self.lines.append(head + self.after_own_line(path, ""))
        self.lines.extend("    " + line.strip() for line in lines[1:])

    def after_own_line(self, path: KeyPath, indent: str) -> str:
        """INI has no trailing comments: a section header keeps it, a key's goes above it."""
        notes = self.notes(path)
        if notes is None or notes.after is None:
            return ""
        if len(path) == 1:
            return self.after(path)
        self.placed_after.add(path)
        self.lose(path, "trailing comment moved to the line above: INI has no trailing comments")
        self.lines.append(indent + self.comment(notes.after[1], path))
        return ""


class EnvRenderer(Renderer):
    format = "env"
    comment_reason = ".env cannot hold a comment there"

    def body(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.lose((), f"a top-level {_type_name(data)} left out: a .env file holds variables")
            return
        for key, path, value in _flatten(data, (), "__"):
            if len(path) > 1:
                self.lose(
                    path, f"nested mapping flattened to the variable {key}: .env has no nesting"
                )
            if value is None:
                self.lose(path, "null left out: .env has no null")
                continue
            if not isinstance(value, str):
                value = self.text_of(value, path, ".env values are strings")
            if not _NAME.fullmatch(key):
                name = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
                name = name if _NAME.fullmatch(name) else "_" + name
                self.lose(
                    path, f"name {key!r} written as {name}: .env names are letters, digits, _ . -"
                )
                key = name
            for depth in range(1, len(path) + 1):  # a flattened table's comments go first
                self.before(path[:depth], "")
            single = path in self.model.single and "'" not in value and "\n" not in value
            text = f"'{value}'" if single else _env_value(value)
            self.lines.append(f"{key}={text}{self.after(path)}")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_BARE = re.compile(r"[A-Za-z0-9_./:@+,%-]*")


def _env_value(text: str) -> str:
    if _BARE.fullmatch(text):
        return text
    if "'" not in text and "\n" not in text and "\\" not in text:
        return "'" + text + "'"
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("$", "\\$")
    )
    return '"' + escaped + '"'


def _flatten(
    data: dict[Any, Any], path: KeyPath, sep: str = "."
) -> Iterator[tuple[str, KeyPath, Any]]:
    """(flat key, key path, value) of each leaf; a non-empty mapping is walked into."""
    for key, value in data.items():
        here = (*path, key)
        if isinstance(value, dict) and value:
            for inner, inner_path, leaf in _flatten(value, here, sep):
                yield f"{key}{sep}{inner}", inner_path, leaf
        else:
            yield str(key), here, value
