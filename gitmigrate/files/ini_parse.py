"""INI -> Document with configparser's reading rules (strict mode): `[section]` headers,
`key = value` or `key: value` (the first `=` or `:` splits), full-line comments starting
with `#` or `;` (a `;` after a value is part of the value, as in configparser), values
continued on lines indented deeper than their key, no key outside a section, no duplicate
section or key.

Two differences, both so an edit can be written back exactly: keys keep their case
(configparser lower-cases them when it reads) and `[DEFAULT]` is a section of its own in
`data` (configparser copies its keys into every section).
"""

from __future__ import annotations

import re
from dataclasses import replace

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

_SECTION = re.compile(
    r"\[(?P<name>.+)\]"
)  # configparser's: up to the last ], text after it ignored
_OPTION = re.compile(r"(?P<key>.*?)\s*(?P<delimiter>[=:])\s*(?P<value>.*)$")


def parse(text: str, name: str) -> Document:
    document = _Reader(without_bom(text), name).read()
    document.text = text
    return document


class _Reader:
    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.lines = LineIndex(text)
        self.data: dict[str, dict[str, str]] = {}
        self.nodes: dict[KeyPath, Node] = {}
        self.comments: list[Comment] = []
        self.section: str | None = None
        self.option: tuple[str, str] | None = None  # the option a continuation line extends
        self.option_indent = 0
        self.pending_blank: list[int] = []

    def read(self) -> Document:
        starts = self.lines.starts
        for number, start in enumerate(starts, start=1):
            end = starts[number] if number < len(starts) else len(self.text)
            if start == end:
                continue
            self.line(number, start, self.text[start:end].rstrip("\r\n"))
        root_end = len(self.text)
        self.nodes = {
            (): Node((), self.data, Span(0, root_end), None, Span(0, root_end), 1, 1),
            **self.nodes,
        }
        return Document(
            name=self.name,
            format="ini",
            text=self.text,
            data=self.data,
            nodes=self.nodes,
            comments=self.comments,
            newline=newline_of(self.text),
        )

    def error(self, line: int, column: int, detail: str, hint: str = "") -> FileFormatError:
        return FileFormatError(self.name, line, column, f"invalid INI: {detail}", hint)

    def line(self, number: int, start: int, content: str) -> None:
        stripped = content.strip()
        indent = len(content) - len(content.lstrip())
        if not stripped:
            if self.option is not None:
                self.pending_blank.append(number)
            return
        if stripped[:1] in ("#", ";"):  # configparser skips these, inside a value too
            self.comment(number, start + indent, start + len(content.rstrip()))
            return
        if self.option is not None and indent > self.option_indent:
            self.continue_value(start + indent, start + len(content.rstrip()), stripped)
            return
        self.option = None
        self.pending_blank = []
        header = _SECTION.match(stripped)
        if header:
            after = start + indent + header.end()
            self.header(number, start + indent, header.group("name"), after)
            rest = self.text[after : start + len(content.rstrip())]
            marker = len(rest) - len(rest.lstrip())
            if rest.strip()[:1] in ("#", ";"):  # `[s]  # note`: configparser ignores it
                self.comment(number, after + marker, start + len(content.rstrip()), inline=True)
            return
        option = _OPTION.match(content, indent)
        if option is None or not option.group("key"):
            raise self.error(
                number,
                indent + 1,
                f"{stripped!r} is not `key = value`",
                "write key = value (or key: value), or start a comment with # or ;",
            )
        if self.section is None:
            raise self.error(
                number, indent + 1, "a key before any [section]", "put it under a [section] header"
            )
        self.option_line(number, start, option, indent)

    def comment(self, number: int, at: int, end: int, *, inline: bool = False) -> None:
        parent: KeyPath = (self.section,) if self.section is not None else ()
        span = Span(at, end)
        self.comments.append(Comment(self.text[at + 1 : end], span, number, parent, inline))

    def header(self, number: int, at: int, section: str, end: int) -> None:
        if section in self.data:
            raise self.error(
                number, 1, f"section [{section}] is written twice", "merge the two sections"
            )
        self.data[section] = {}
        self.section = section
        key = Span(at + 1, at + 1 + len(section))
        line_end = self.lines.line_end(at)
        self.nodes[(section,)] = Node(
            (section,),
            self.data[section],
            Span(at, end),
            key,
            Span(self.lines.line_start(at), line_end),
            number,
            at - self.lines.line_start(at) + 1,
        )

    def option_line(self, number: int, start: int, option: re.Match[str], indent: int) -> None:
        assert self.section is not None
        key = option.group("key").strip()
        section = self.data[self.section]
        if key in section:
            raise self.error(
                number,
                indent + 1,
                f"key {key!r} is written twice in [{self.section}]",
                "keep one of the two lines",
            )
        value = option.group("value").rstrip()
        section[key] = value
        value_at = start + option.start("value")
        span = Span(value_at, value_at + len(value))
        key_span = Span(start + option.start("key"), start + option.start("key") + len(key))
        entry = Span(start, self.lines.line_end(start))
        path = (self.section, key)
        self.nodes[path] = Node(path, value, span, key_span, entry, number, indent + 1)
        self.option = (self.section, key)
        self.option_indent = indent
        self.grow_section(entry.end, span.end)

    def continue_value(self, at: int, end: int, stripped: str) -> None:
        assert self.option is not None
        section, key = self.option
        value = self.data[section][key] + "\n" * (len(self.pending_blank) + 1) + stripped
        self.data[section][key] = value
        self.pending_blank = []
        old = self.nodes[(section, key)]
        entry = Span(old.entry.start, self.lines.line_end(at))
        span = Span(old.span.start, end)  # from after the delimiter, a first empty line too
        self.nodes[(section, key)] = Node(
            old.path, value, span, old.key, entry, old.line, old.column
        )
        self.grow_section(entry.end, end)

    def grow_section(self, entry_end: int, span_end: int) -> None:
        assert self.section is not None
        path = (self.section,)
        node = self.nodes[path]
        self.nodes[path] = replace(
            node, span=Span(node.span.start, span_end), entry=Span(node.entry.start, entry_end)
        )
