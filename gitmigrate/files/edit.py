"""Structured edits as textual patches at the positions the parser reported: only the
literal, key or entry concerned changes, so every other line keeps its bytes (comments,
quoting, anchors, flow style, CRLF). A re-dump through ruamel.yaml or tomlkit would re-indent
and re-wrap lines nobody asked to change.

Each edit re-parses its result and checks the value landed (`verify=False` skips that, for
callers that parse the result anyway); a failure there is a bug of ours, not of the file.

Refused with a UsageError saying what to do instead: a scalar over a TOML [table]; a key under
a YAML alias (`*base`: its keys live at the anchor); removing an `&anchor` a `*alias` still
uses; a new list item past the end + 1; values a format cannot hold (null in TOML, a table
in INI/.env, blanks around an INI value).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, Node, Span, loads
from gitmigrate.files.inserts import insert
from gitmigrate.files.keypath import KeyPath, format_key
from gitmigrate.files.layout import child_paths, column_at, indent_at, is_header
from gitmigrate.files.render import render_value, render_yaml_flow
from gitmigrate.files.scalars import render_key, render_scalar

Edit = tuple[Span, str]


def replace_spans(text: str, edits: Iterable[Edit]) -> str:
    """`text` with each span replaced; spans may touch but not overlap (insertions at one
    offset are applied in the order given)."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1][0].start, item[0]))
    out: list[str] = []
    pos = 0
    for _, (span, new) in ordered:
        if span.start < pos or span.end < span.start or span.end > len(text):
            raise ValueError(f"overlapping or invalid span {span} (previous edit ends at {pos})")
        out.append(text[pos : span.start])
        out.append(new)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def set_value(doc: Document, path: KeyPath, value: Any, *, verify: bool = True) -> str:
    """`doc` with the value at `path` replaced (its literal, quoting kept) or, when missing,
    inserted after its last sibling with the siblings' indentation, parents created."""
    if not path:
        raise UsageError("cannot set the whole document", "name a key: a.b or a[0]")
    node = doc.nodes.get(path)
    edits = _replace(doc, node, value) if node is not None else insert(doc, path, value, _replace)
    text = replace_spans(doc.text, [(span, _newlines(doc, new)) for span, new in edits])
    if verify:
        _check(doc, text, path, value)
    return text


def unset(doc: Document, path: KeyPath, *, verify: bool = True) -> str:
    """`doc` without the entry at `path` (its whole lines in block style; with one separator
    in flow style); a container left empty is written `{}` / `[]`."""
    if not path:
        raise UsageError("cannot unset the whole document", "name a key: a.b or a[0]")
    node = doc.node(path)
    parent = doc.nodes[path[:-1]]
    siblings = child_paths(doc, parent.path)
    if len(siblings) == 1 and (parent.path or parent.flow) and doc.format != "toml":
        edits = _empty_container(doc, parent, node)
    else:
        edits = [(span, "") for span in _blank_line_too(doc, _entry_spans(doc, node))]
    if doc.format == "yaml":
        _refuse_used_anchors(doc, path, [span for span, _ in edits])
    text = replace_spans(doc.text, edits)
    if verify:
        after = loads(text, doc.format, doc.name)
        if after.has(path) and not (isinstance(path[-1], int) and len(after.get(path[:-1])) > 0):
            raise RuntimeError(f"unset {format_key(path)} left the key in {doc.name}")
    return text


def rename(doc: Document, old: KeyPath, new: KeyPath, *, verify: bool = True) -> str:
    """`old` renamed `new` in the same parent: the key's text only (every place it is written:
    TOML's `[a.b]` and `[a.b.c]` headers both write `b`). `new` may be the new name alone."""
    node = doc.node(old)
    if len(new) == 1 and len(old) > 1:
        new = (*old[:-1], *new)
    if old[:-1] != new[:-1]:
        raise UsageError(
            f"rename keeps the parent: {format_key(old)} -> {format_key(new)} changes it",
            "use move to give the key another parent",
        )
    if not isinstance(new[-1], str) or node.key is None:
        raise UsageError(f"{format_key(old)} is a list item; it has no name", "rename a key")
    _refuse_existing(doc, new)
    key_text = _key_text(doc, new[-1], doc.text[node.key.start : node.key.end])
    spans = {node.key, *doc.mentions.get(old, [])}
    text = replace_spans(doc.text, [(span, key_text) for span in spans])
    if verify:
        _check(doc, text, new, node.value)
    return text


def move(doc: Document, old: KeyPath, new: KeyPath, *, verify: bool = True) -> str:
    """The value at `old` moved to `new` (any parent; created when missing). Within one parent
    this is a rename; elsewhere the entry is removed and the value written at its new place."""
    node = doc.node(old)
    if old[:-1] == new[:-1] and isinstance(new[-1], str):
        return rename(doc, old, new, verify=verify)
    if new[: len(old)] == old:
        raise UsageError(f"cannot move {format_key(old)} into itself", "pick a path outside it")
    _refuse_existing(doc, new)
    removed = loads(unset(doc, old, verify=False), doc.format, doc.name)
    text = set_value(removed, new, node.value, verify=verify)
    return _keep_literal(doc, node, text, new)


def _keep_literal(doc: Document, node: Node, text: str, new: KeyPath) -> str:
    """A moved scalar keeps its literal (`'8080'`, `0x1F`, `"x"`) when it means the same
    value at its new place."""
    literal = doc.text[node.span.start : node.span.end]
    if not node.is_leaf or not literal or "\n" in literal or literal.startswith(("*", "|", ">")):
        return text
    moved = loads(text, doc.format, doc.name)
    place = moved.nodes[new].span
    if moved.text[place.start : place.end] == literal or place.start == place.end:
        return text
    kept = replace_spans(text, [(place, literal)])
    try:
        same = _same(loads(kept, doc.format, doc.name).get(new, _MISSING), moved.get(new))
    except UsageError:
        return text
    return kept if same else text


# -- replacing a value -------------------------------------------------------------------------


def _replace(doc: Document, node: Node, value: Any) -> list[Edit]:
    fmt = doc.format
    old = doc.text[node.span.start : node.span.end]
    container = isinstance(node.value, dict | list)
    if (
        fmt == "toml"
        and isinstance(value, dict)
        and value
        and is_header(doc, node)
        and not any(isinstance(part, int) for part in node.path)
    ):  # a [table] replaced by a table: the new one where the old one's header was
        from gitmigrate.files.render import render_toml_table

        first, *rest = _entry_spans(doc, node)
        table = render_toml_table(tuple(str(part) for part in node.path), value)
        return [(first, table), *((span, "") for span in _blank_line_too(doc, rest))]
    if fmt == "toml" and container and not node.flow:
        raise UsageError(
            f"{format_key(node.path)} is a table written with [headers]; set its keys one by one",
            "or unset it first, then set it",
        )
    if fmt == "yaml":
        return _replace_yaml(doc, node, value, old)
    if isinstance(value, dict | list):
        indent = node.column - 1 if node.key is None else indent_at(doc, node.span.start)
        return [(node.span, render_value(value, fmt, indent))]
    literal = render_scalar(value, fmt, like=old)
    before = doc.text[node.span.start - 1 : node.span.start]
    if fmt == "ini" and literal[:1] not in ("", "\n") and before in ("=", ":"):
        literal = " " + literal  # `key =` had nothing after it
    return [(node.span, literal)]


def _replace_yaml(doc: Document, node: Node, value: Any, old: str) -> list[Edit]:
    parent = doc.nodes[node.path[:-1]]
    block_node = isinstance(node.value, dict | list) and not node.flow and bool(node.value)
    if parent.flow or (node.flow and isinstance(value, dict | list)):
        return [(node.span, render_yaml_flow(value, old))]
    if not isinstance(value, dict | list) or not value:
        literal = render_value(value, "yaml", 0) if isinstance(value, dict | list) else None
        if literal is None and old[:1] not in ("'", '"', "|", ">") and isinstance(value, str):
            indent = node.column - 1 + (2 if node.key is not None else 0)
            literal = render_value(value, "yaml", indent)  # a `|` block for several lines
        literal = _header_comment_kept(old, literal or render_scalar(value, "yaml", like=old))
        if block_node and node.key is not None:
            at, comment = _after_key(doc, node)
            return [(Span(at, node.span.end), " " + literal + comment)]
        if node.span.start == node.span.end:  # `key:` / `-` with nothing (or blanks) after it
            end = node.span.end
            while doc.text[end : end + 1] in (" ", "\t"):
                end += 1
            if doc.text[end : end + 1] not in ("\r", "\n", ""):
                end = node.span.end
            return [(Span(node.span.start, end), " " + literal)]
        return [(node.span, literal)]
    # a block container where the value was
    if block_node:
        first = next(n for n in doc.nodes.values() if n.path[:-1] == node.path)
        indent = first.column - 1
        if isinstance(node.value, list):
            indent = column_at(doc, doc.text.rfind("-", 0, first.span.start)) - 1
        if isinstance(value, dict):  # `key:` over an indentless `- a` list: a map goes deeper
            indent = max(indent, node.column - 1 + 2)
    else:
        indent = node.column - 1 + 2
    if node.key is None:  # a list item: the block starts after its dash
        indent = node.column - 1
        rendered = render_value(value, "yaml", indent)[indent:].rstrip("\n")
        return [(node.span, rendered)]
    at, comment = _after_key(doc, node)
    rendered = comment + "\n" + render_value(value, "yaml", indent).rstrip("\n")
    return [(Span(at, node.span.end), rendered)]


def _header_comment_kept(old: str, literal: str) -> str:
    """A comment on the header line of the block scalar replaced (`|- # note`) stays, on the
    new header line or after the new one-line literal: it is the file's, not the value's."""
    import re

    if old[:1] not in ("|", ">"):
        return literal
    header = old.split("\n", 1)[0].rstrip("\r")
    mark = re.search(r"[ \t]+#", header)
    if mark is None:
        return literal
    first, newline, rest = literal.partition("\n")
    return first + header[mark.start() :] + newline + rest


def _after_key(doc: Document, node: Node) -> tuple[int, str]:
    """Where a block value's replacement starts: after `key:` and any anchor or tag written
    there (`base: &base`); and the comment on that line (`a:  # note`), which the
    replacement writes again since it removes the text up to the value."""
    import re

    assert node.key is not None
    colon = doc.text.find(":", node.key.end)
    line_end = doc.text.find("\n", colon)
    line = doc.text[colon + 1 : line_end if line_end != -1 else len(doc.text)].rstrip("\r")
    properties = re.match(r"(?:\s*[&!][^\s#]*)*", line)
    at = colon + 1 + (properties.end() if properties else 0)
    rest = line[at - colon - 1 :]
    return at, (rest.rstrip() if rest.strip().startswith("#") else "")


# -- removing ------------------------------------------------------------------------------------


def _entry_spans(doc: Document, node: Node) -> list[Span]:
    """The node's entry and its descendants' entries outside it (TOML sub-tables), merged."""
    spans = [node.entry]
    if doc.format == "toml":  # elsewhere a node's entry holds its descendants
        spans += [
            n.entry
            for p, n in doc.nodes.items()
            if len(p) > len(node.path) and p[: len(node.path)] == node.path
        ]
    merged: list[Span] = []
    for span in sorted((s for s in spans if s.end > s.start), key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _blank_line_too(doc: Document, spans: list[Span]) -> list[Span]:
    """A removed TOML [table] between two blank lines takes one of them along, so the tables
    around it stay one blank line apart."""
    if doc.format != "toml":
        return spans
    out: list[Span] = []
    for span in spans:
        text = doc.text
        header = text.startswith("[", span.start)
        above = span.start == 0 or text[: span.start].endswith(("\n\n", "\n\r\n"))
        for blank in ("\r\n", "\n"):
            if header and above and text.startswith(blank, span.end):
                span = Span(span.start, span.end + len(blank))
                break
            if header and above and span.end == len(text) and span.start > 0:  # the last table
                span = Span(span.start - len(doc.newline), span.end)
                break
        if out and span.start <= out[-1].end:  # they touch or overlap now: one removal
            previous = out.pop()
            span = Span(previous.start, max(previous.end, span.end))
        out.append(span)
    return out


def _empty_container(doc: Document, parent: Node, only: Node) -> list[Edit]:
    """Removing the last child: `{}` / `[]` instead of a key with nothing under it."""
    empty = "{}" if isinstance(parent.value, dict) else "[]"
    if parent.flow and doc.text[parent.span.start] not in "{[":  # YAML's `[k: v]` pair
        return [(parent.span, empty)]
    if parent.flow:
        return [(Span(parent.span.start + 1, parent.span.end - 1), "")]
    if doc.format != "yaml":
        return [(span, "") for span in _entry_spans(doc, only)]
    if parent.key is None:  # `- k: v` -> `- {}`
        return [(only.entry, empty)]
    end = only.entry.end
    while end > only.entry.start and doc.text[end - 1] in "\r\n":
        end -= 1
    at, comment = _after_key(doc, parent)
    return [(Span(at, end), " " + empty + comment)]


def _refuse_used_anchors(doc: Document, path: KeyPath, removed: list[Span]) -> None:
    """Removing `&name` while a `*name` stays would leave the file unreadable."""
    import re

    for sub in doc.nodes.values():
        if sub.anchor is None or sub.path[: len(path)] != path:
            continue
        pattern = re.compile(r"(?<![^\s\[{,:])\*" + re.escape(sub.anchor) + r"(?![^\s\]},])")
        for match in pattern.finditer(doc.text):
            if not any(span.start <= match.start() < span.end for span in removed):
                line = doc.text.count("\n", 0, match.start()) + 1
                raise UsageError(
                    f"{format_key(sub.path)} defines &{sub.anchor}, which line {line} of "
                    f"{doc.name} still uses (*{sub.anchor})",
                    "change or unset the places using the alias first",
                )


# -- helpers -------------------------------------------------------------------------------------


def _refuse_existing(doc: Document, path: KeyPath) -> None:
    if doc.has(path):
        raise UsageError(
            f"{doc.name} already has {format_key(path)}",
            "unset it first, or pick another name",
        )


def _key_text(doc: Document, key: str, old: str) -> str:
    if doc.format == "yaml" and old[:1] in ("'", '"'):
        return render_scalar(key, "yaml", like=old)
    return render_key(key, doc.format)


def _newlines(doc: Document, text: str) -> str:
    return text.replace("\n", doc.newline) if doc.newline != "\n" else text


def _check(doc: Document, text: str, path: KeyPath, value: Any) -> None:
    try:
        after = loads(text, doc.format, doc.name)
    except UsageError as exc:  # the file parsed before the edit: the edit is at fault
        raise RuntimeError(
            f"editing {format_key(path)} in {doc.name} wrote text that does not parse "
            f"({exc.message}); please report this"
        ) from None
    got = after.get(path, _MISSING)
    if not _same(got, _expected(value, doc.format)):
        raise RuntimeError(
            f"editing {format_key(path)} in {doc.name} wrote {got!r}, not {value!r}; "
            "please report this"
        )


_MISSING = object()


def _expected(value: Any, fmt: str) -> Any:
    if isinstance(value, dict) and fmt == "ini":
        return {k: _expected(v, fmt) for k, v in value.items()}
    if fmt in ("ini", "env"):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    if fmt == "json":
        import json

        return json.loads(json.dumps(value, default=lambda item: str(item.isoformat())))
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)
