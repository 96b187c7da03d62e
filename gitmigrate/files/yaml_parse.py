"""YAML -> Document, from ruamel.yaml's event stream: events carry exact character offsets for
every scalar, alias and flow bracket (the composed node graph would lose where an alias is
written), and our own walk resolves scalars through the YAML 1.2 core schema.

Keys are strings: a key YAML reads as another type (`1:`, `true:`, `2024-01-01:`) is named by
its text, so a key path and `data` agree and every format can hold the key.
Anchors and aliases are kept in `data` as their resolved values (an alias node's span is the
`*name` text); a tag is recorded on its node and does not change the value (`!append [1]` is
[1]); merge keys (`<<: *base`) are merged into `data` as YAML says, without nodes of their own.
One document per file: a second `---` document is an error.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import Comment, Document, LineIndex, Node, Span, newline_of
from gitmigrate.files.keypath import KeyPath

_PROPERTIES = re.compile(r"(?:[&!][^\s{\[]*\s*)*")
_STANDARD = "tag:yaml.org,2002:"


@dataclass
class _Built:
    """One value as walked: its data, its literal's span and what the Node needs."""

    value: Any
    span: Span
    tag: str | None = None
    anchor: str | None = None
    flow: bool = False
    raw_start: int = 0  # where the value's text starts, its anchor or tag included
    children: list[tuple[KeyPath, Span | None, _Built]] = field(default_factory=list)


def parse(text: str, name: str) -> Document:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        events = list(yaml.parse(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        detail = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise FileFormatError(name, line, column, f"invalid YAML: {detail}") from None
    except YAMLError as exc:  # pragma: no cover - every scanner error carries a mark
        raise FileFormatError(name, 1, 1, f"invalid YAML: {exc}") from None
    return _Walker(text, name, events, yaml).document()


class _Walker:
    def __init__(self, text: str, name: str, events: list[Any], yaml: Any) -> None:
        self.text = text
        self.name = name
        self.events = events
        self.pos = 0
        self.lines = LineIndex(text)
        self.resolver = yaml.resolver
        self.constructor = yaml.constructor
        self.anchors: dict[str, _Built] = {}
        self.opaque: list[tuple[int, int]] = []  # scalar and key texts: no comment inside

    def next(self) -> Any:
        event = self.events[self.pos]
        self.pos += 1
        return event

    def peek(self) -> Any:
        return self.events[self.pos]

    def document(self) -> Document:
        self.next()  # StreamStart
        if type(self.peek()).__name__ == "StreamEndEvent":
            root = _Built(None, Span(0, 0))
        else:
            self.next()  # DocumentStart
            root = self.value()
            self.next()  # DocumentEnd
            extra = self.peek()
            if type(extra).__name__ == "DocumentStartEvent":
                line, column = self.lines.position(extra.start_mark.index)
                raise FileFormatError(
                    self.name,
                    line,
                    column,
                    "a second YAML document in one file",
                    "keep one document per config file (split it at the `---`)",
                )
        nodes: dict[KeyPath, Node] = {}
        self.collect((), None, root, Span(0, len(self.text)), nodes)
        return Document(
            name=self.name,
            format="yaml",
            text=self.text,
            data=root.value,
            nodes=nodes,
            comments=self.comments(nodes),
            newline=newline_of(self.text),
        )

    # -- events -> values ------------------------------------------------------------------

    def value(self) -> _Built:
        event = self.next()
        kind = type(event).__name__
        if kind == "AliasEvent":
            target = self.anchors.get(event.anchor)
            if target is None:  # ruamel's parser lets an unknown alias through to the composer
                line, column = self.lines.position(event.start_mark.index)
                raise FileFormatError(self.name, line, column, f"unknown alias *{event.anchor}")
            span = Span(event.start_mark.index, event.end_mark.index)
            self.opaque.append((span.start, span.end))
            return _Built(target.value, span, tag=target.tag, raw_start=span.start)
        if kind == "ScalarEvent":
            built = self.scalar(event)
        elif kind == "SequenceStartEvent":
            built = self.sequence(event)
        else:
            built = self.mapping(event)
        built.raw_start = event.start_mark.index
        if event.anchor is not None:
            built.anchor = event.anchor
            self.anchors[event.anchor] = built
        return built

    def scalar(self, event: Any) -> _Built:
        from ruamel.yaml.nodes import ScalarNode

        start = self.skip_properties(event.start_mark.index)
        end = event.end_mark.index
        if event.style in ("|", ">"):
            end = start + len(self.text[start:end].rstrip())
        if start > end:
            start = end
        tag = None if event.tag in (None, "!") else str(event.tag)
        if tag is not None and tag.startswith(_STANDARD):
            resolved = tag
        else:
            implicit = event.implicit if tag is None else (event.style is None, True)
            resolved = self.resolver.resolve(ScalarNode, event.value, implicit)
        if resolved == _STANDARD + "merge":
            resolved = _STANDARD + "str"
        try:
            value = self.constructor.construct_object(ScalarNode(resolved, event.value))
        except Exception as exc:  # a bad !!int or !!timestamp literal
            line, column = self.lines.position(start)
            raise FileFormatError(self.name, line, column, f"invalid YAML value: {exc}") from None
        if end > start:
            self.opaque.append((start, end))
        return _Built(value, Span(start, end), tag=tag)

    def sequence(self, event: Any) -> _Built:
        start = self.skip_properties(event.start_mark.index)
        items: list[Any] = []
        built = _Built(items, Span(start, start), tag=_tag(event), flow=bool(event.flow_style))
        while type(self.peek()).__name__ != "SequenceEndEvent":
            child = self.value()
            if _empty(child) and not built.flow:  # `-` with nothing after it
                dash = self.text.rfind("-", 0, child.raw_start) + 1
                child.span = Span(dash, dash)
            built.children.append(((len(items),), None, child))
            items.append(child.value)
        end_event = self.next()
        built.span = self.container_span(built, start, end_event)
        return built

    def mapping(self, event: Any) -> _Built:
        start = self.skip_properties(event.start_mark.index)
        data: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        built = _Built(data, Span(start, start), tag=_tag(event), flow=bool(event.flow_style))
        while type(self.peek()).__name__ != "MappingEndEvent":
            key_event = self.peek()
            key = self.value()
            value = self.value()
            if _empty(value):  # `key:` with nothing after it: the value's place is after the colon
                value.span = self.empty_value(key.span)
            if key.children or isinstance(key.value, dict | list):
                line, column = self.lines.position(key.span.start)
                raise FileFormatError(
                    self.name, line, column, "a mapping or list as a key is not supported"
                )
            if key.value == "<<" and key_event.style is None and key.tag is None:
                sources = value.value if isinstance(value.value, list) else [value.value]
                for source in reversed(sources):
                    if isinstance(source, dict):
                        merged.update(source)
                continue
            name = key.value if isinstance(key.value, str) else str(key_event.value)
            if name in data:
                line, column = self.lines.position(key.span.start)
                raise FileFormatError(
                    self.name,
                    line,
                    column,
                    f"duplicate key {name!r}",
                    "keep one of the two entries",
                )
            data[name] = value.value
            built.children.append(((name,), key.span, value))
        end_event = self.next()
        if merged:
            combined = {k: v for k, v in merged.items() if k not in data}
            combined.update(data)
            data.clear()
            data.update(combined)
        built.span = self.container_span(built, start, end_event)
        return built

    def container_span(self, built: _Built, start: int, end_event: Any) -> Span:
        if built.flow:
            return Span(start, end_event.end_mark.index)
        if not built.children:
            return Span(start, start)
        _, key, last = built.children[-1]
        return Span(start, max(last.span.end, key.end if key is not None else 0))

    def dash(self, before: int) -> int:
        return self.text.rfind("-", 0, before)

    def skip_properties(self, offset: int) -> int:
        match = _PROPERTIES.match(self.text, offset)
        return match.end() if match and match.end() > offset else offset

    # -- values -> nodes -------------------------------------------------------------------

    def collect(
        self, path: KeyPath, key: Span | None, built: _Built, entry: Span, out: dict[KeyPath, Node]
    ) -> None:
        span = built.span
        anchor_at = key.start if key is not None else span.start
        line, column = self.lines.position(anchor_at)
        out[path] = Node(
            path=path,
            value=built.value,
            span=span,
            key=key,
            entry=entry,
            line=line,
            column=column,
            tag=built.tag,
            anchor=built.anchor,
            flow=built.flow,
        )
        entries = self.entries(built)
        for (part, key_span, child), child_entry in zip(built.children, entries, strict=True):
            self.collect(path + part, key_span, child, child_entry, out)

    def empty_value(self, key: Span) -> Span:
        """`key:` with nothing after it: the value's place is right after the colon."""
        colon = self.text.find(":", key.end)
        at = colon + 1 if colon != -1 else key.end
        return Span(at, at)

    def entries(self, built: _Built) -> list[Span]:
        starts = [
            k.start if k is not None else c.raw_start if built.flow else self.dash(c.raw_start)
            for _, k, c in built.children
        ]
        ends = [max(c.span.end, k.end if k is not None else 0) for _, k, c in built.children]
        if built.flow:
            return flow_entries(starts, ends)
        spans = []
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            line_start = self.lines.line_start(start)
            last_line_end = self.lines.line_end(max(end - 1, start))
            if not self.text[line_start:start].strip():  # whole lines
                spans.append(Span(line_start, last_line_end))
            elif index + 1 < len(starts):  # `- a: 1` then `  b: 2`: up to the next key
                spans.append(Span(start, starts[index + 1]))
            else:
                ending = self.text[:last_line_end]
                cut = len(ending) - len(ending.rstrip("\r\n"))
                spans.append(Span(start, max(start, last_line_end - cut)))
        return spans

    def comments(self, nodes: dict[KeyPath, Node]) -> list[Comment]:
        self.opaque.sort()
        starts = [s for s, _ in self.opaque]
        containers = [n for n in nodes.values() if isinstance(n.value, dict | list)]
        found: list[Comment] = []
        stack: list[Node] = []
        following = 0
        for match in re.finditer(r"#", self.text):
            at = match.start()
            if at > 0 and self.text[at - 1] not in " \t\r\n":
                continue
            index = bisect.bisect_right(starts, at) - 1
            if index >= 0 and self.opaque[index][1] > at:
                continue
            if found and found[-1].span.end > at:
                continue
            end = self.text.find("\n", at)
            end = len(self.text) if end == -1 else end
            if self.text[end - 1 : end] == "\r":
                end -= 1
            line_start = self.lines.line_start(at)
            while following < len(containers) and containers[following].span.start <= at:
                opened = containers[following]
                while stack and stack[-1].span.end <= opened.span.start:
                    stack.pop()
                stack.append(opened)
                following += 1
            while stack and stack[-1].span.end <= at:
                stack.pop()
            parent = stack[-1].path if stack else ()
            found.append(
                Comment(
                    text=self.text[at + 1 : end],
                    span=Span(at, end),
                    line=self.lines.line(at),
                    parent=parent,
                    inline=bool(self.text[line_start:at].strip()),
                )
            )
        return found


def flow_entries(starts: list[int], ends: list[int]) -> list[Span]:
    """Entries of a flow collection: each with the separator after it (the last: before it)."""
    spans = []
    for index, start in enumerate(starts):
        if index + 1 < len(starts):
            spans.append(Span(start, starts[index + 1]))
        elif index > 0:
            spans.append(Span(ends[index - 1], ends[index]))
        else:
            spans.append(Span(start, ends[index]))
    return spans


def _tag(event: Any) -> str | None:
    return None if event.tag in (None, "!") else str(event.tag)


def _empty(built: _Built) -> bool:
    """A null written as nothing at all (its event sits at the next token)."""
    return built.value is None and built.span.start == built.span.end and not built.flow
