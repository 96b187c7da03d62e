"""Structured edits as textual patches at the positions the parser reported: only the
literal, key or entry concerned changes, so every other line keeps its bytes (comments,
quoting, anchors, flow style, CRLF). A re-dump through ruamel.yaml or tomlkit would re-indent
and re-wrap lines nobody asked to change.

Each edit re-parses its result and checks the value landed (`verify=False` skips that, for
callers that parse the result anyway); a failure there is a bug of ours, not of the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, LineIndex, Node, Span, loads
from gitmigrate.files.keypath import KeyPath, format_key
from gitmigrate.files.render import is_block, render_value
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
    edits = _replace(doc, node, value) if node is not None else _insert(doc, path, value)
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
    siblings = _children(doc, parent.path)
    if len(siblings) == 1 and parent.path and doc.format != "toml":
        edits = _empty_container(doc, parent, node)
    else:
        edits = [(span, "") for span in _entry_spans(doc, node)]
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
    return set_value(removed, new, node.value, verify=verify)


# -- replacing a value -------------------------------------------------------------------------


def _replace(doc: Document, node: Node, value: Any) -> list[Edit]:
    fmt = doc.format
    old = doc.text[node.span.start : node.span.end]
    container = isinstance(node.value, dict | list)
    if fmt == "toml" and container and not node.flow:
        raise UsageError(
            f"{format_key(node.path)} is a table written with [headers]; set its keys one by one",
            "or unset it first, then set it",
        )
    if fmt == "yaml":
        return _replace_yaml(doc, node, value, old)
    if isinstance(value, dict | list):
        indent = node.column - 1 if node.key is None else _indent(doc, node.span.start)
        return [(node.span, render_value(value, fmt, indent))]
    literal = render_scalar(value, fmt, like=old)
    if fmt == "ini" and node.span.start == node.span.end and literal:
        before = doc.text[node.span.start - 1 : node.span.start]
        literal = literal if before in (" ", "\t") else " " + literal
    return [(node.span, literal)]


def _replace_yaml(doc: Document, node: Node, value: Any, old: str) -> list[Edit]:
    parent = doc.nodes[node.path[:-1]]
    block_node = isinstance(node.value, dict | list) and not node.flow and bool(node.value)
    if parent.flow or (node.flow and isinstance(value, dict | list)):
        return [(node.span, _yaml_flow(value))]
    if not isinstance(value, dict | list) or not value:
        literal = render_value(value, "yaml", 0) if isinstance(value, dict | list) else None
        literal = literal or render_scalar(value, "yaml", like=old)
        if block_node and node.key is not None:
            at, comment = _after_key(doc, node)
            return [(Span(at, node.span.end), " " + literal + comment)]
        if node.span.start == node.span.end:
            return [(node.span, " " + literal)]
        return [(node.span, literal)]
    # a block container where the value was
    if block_node:
        first = next(n for n in doc.nodes.values() if n.path[:-1] == node.path)
        indent = first.column - 1
        if isinstance(node.value, list):
            indent = _column(doc, doc.text.rfind("-", 0, first.span.start)) - 1
    else:
        indent = node.column - 1 + 2
    if node.key is None:  # a list item: the block starts after its dash
        indent = node.column - 1
        rendered = render_value(value, "yaml", indent)[indent:].rstrip("\n")
        return [(node.span, rendered)]
    at, comment = _after_key(doc, node)
    rendered = comment + "\n" + render_value(value, "yaml", indent).rstrip("\n")
    return [(Span(at, node.span.end), rendered)]


def _yaml_flow(value: Any) -> str:
    import json

    def default(item: Any) -> str:
        return str(item.isoformat())

    return json.dumps(value, ensure_ascii=False, default=default)


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


# -- inserting a missing key --------------------------------------------------------------------


def _insert(doc: Document, path: KeyPath, value: Any) -> list[Edit]:
    depth = len(path) - 1
    while depth > 0 and path[:depth] not in doc.nodes:
        depth -= 1
    parent = doc.nodes[path[:depth]]
    head, tail = path[depth], path[depth + 1 :]
    for index, part in enumerate(tail):
        if isinstance(part, int):
            raise UsageError(
                f"{doc.name} has no list {format_key(path[: depth + 1 + index])} to add to",
                "set the list as a whole: KEY '[1, 2]'",
            )
    for part in reversed(tail):
        value = {part: value}
    if doc.format == "yaml" and doc.text.startswith("*", parent.span.start) and parent.path:
        raise UsageError(
            f"{format_key(parent.path)} in {doc.name} is an alias "
            f"({doc.text[parent.span.start : parent.span.end]}); its keys live at the anchor",
            "set the key under the anchored value, or replace the alias with a value",
        )
    if isinstance(parent.value, list):
        if head != len(parent.value):
            raise UsageError(
                f"{format_key(parent.path)} in {doc.name} has {len(parent.value)} items; "
                f"there is no [{head}]",
                f"a new item is [{len(parent.value)}]",
            )
        return _append_item(doc, parent, value)
    if isinstance(head, int):
        raise UsageError(f"{format_key(parent.path)} in {doc.name} is not a list", "use a key")
    if isinstance(parent.value, dict) or (parent.value is None and not parent.path):
        return _INSERTERS[doc.format](doc, parent, head, value)
    if parent.value is None and doc.format == "yaml":
        return _replace(doc, parent, {head: value})
    raise UsageError(
        f"{format_key(parent.path)} in {doc.name} holds a {type(parent.value).__name__}, "
        "not a table",
        f"unset {format_key(parent.path)} first, or set a key beside it",
    )


def _at_line_end(doc: Document, pos: int, line: str) -> list[Edit]:
    """`line` (ending with a newline) inserted at `pos`, the end of an entry: at a line start
    as it is, else on a new line of its own."""
    if pos == 0 or doc.text[pos - 1] == "\n":
        return [(Span(pos, pos), line)]
    return [(Span(pos, pos), "\n" + line.rstrip("\n"))]


def _child_nodes(doc: Document, path: KeyPath) -> list[Node]:
    return [doc.nodes[p] for p in _children(doc, path)]


def _insert_yaml(doc: Document, parent: Node, key: str, value: Any) -> list[Edit]:
    children = _child_nodes(doc, parent.path)
    name = render_key(key, "yaml")
    if parent.flow and doc.text[parent.span.start] != "{":  # YAML's `[k: v]` pair
        return [(parent.span, _yaml_flow({**parent.value, key: value}))]
    if parent.flow:
        literal = f"{name}: {_yaml_flow(value) if isinstance(value, dict | list) else render_scalar(value, 'yaml')}"
        if children:
            return [(Span(children[-1].span.end, children[-1].span.end), ", " + literal)]
        return [(Span(parent.span.start + 1, parent.span.start + 1), literal)]
    indent = children[-1].column - 1 if children else 0
    if is_block(value, "yaml"):
        line = f"{' ' * indent}{name}:\n{render_value(value, 'yaml', indent + 2)}"
    else:
        line = f"{' ' * indent}{name}: {render_value(value, 'yaml', indent + 2)}\n"
    pos = children[-1].entry.end if children else len(doc.text)
    return _at_line_end(doc, pos, line)


def _append_item(doc: Document, parent: Node, value: Any) -> list[Edit]:
    fmt = doc.format
    items = _child_nodes(doc, parent.path)
    if fmt in ("yaml", "json") and not (fmt == "yaml" and not parent.flow):
        if fmt == "json":
            literal = render_value(value, "json", items[-1].column - 1 if items else 0)
        elif isinstance(value, dict | list):
            literal = _yaml_flow(value)
        else:
            literal = render_scalar(value, "yaml")
        return _flow_add(doc, parent, items, literal)
    if fmt == "toml":
        if not parent.flow:
            return _append_table(doc, parent, value)
        return _flow_add(doc, parent, items, render_value(value, "toml", 0))
    if fmt != "yaml":
        raise UsageError(f"{fmt} files hold no lists", "set a key")
    last = items[-1]
    dash = doc.text.rfind("-", 0, last.span.start)
    pad = _column(doc, dash) - 1
    if is_block(value, "yaml"):
        body = render_value(value, "yaml", pad + 2)[pad + 2 :]
    else:
        body = render_value(value, "yaml", pad + 2) + "\n"
    return _at_line_end(doc, last.entry.end, f"{' ' * pad}- {body}")


def _append_table(doc: Document, parent: Node, value: Any) -> list[Edit]:
    """A new `[[name]]` table after the last one of an array of tables (and its sub-tables)."""
    if not isinstance(value, dict) or any(isinstance(p, int) for p in parent.path):
        raise UsageError(
            f"{format_key(parent.path)} in {doc.name} is an array of [[tables]]; "
            "a new item is a table at the top level of the array",
            'give a table value: \'{"name": "x"}\', or add the [[table]] by hand',
        )
    header = ".".join(render_key(str(p), "toml") for p in parent.path)
    body = "".join(
        f"{render_key(k, 'toml')} = {render_value(v, 'toml', 0)}\n" for k, v in value.items()
    )
    ends = [
        n.entry.end
        for p, n in doc.nodes.items()
        if p[: len(parent.path)] == parent.path and n.entry.end > n.entry.start
    ]
    at = max(ends)
    lead = "\n" if doc.text[at - 1 : at] != "\n" else ""
    return [(Span(at, at), f"{lead}\n[[{header}]]\n{body}")]


def _flow_add(doc: Document, parent: Node, items: list[Node], literal: str) -> list[Edit]:
    """A new last entry of a flow collection, separated as the ones before it."""
    if not items:
        at = parent.span.start + 1
        return [(Span(at, at), literal)]
    first, last = items[0], items[-1]
    first_at = first.key.start if first.key is not None else first.span.start
    between = doc.text[parent.span.start + 1 : first_at]
    if "\n" in between:
        separator = ",\n" + " " * (last.column - 1)
    else:
        separator = ", "
    return [(Span(last.span.end, last.span.end), separator + literal)]


def _insert_json(doc: Document, parent: Node, key: str, value: Any) -> list[Edit]:
    import json

    items = _child_nodes(doc, parent.path)
    indent = items[-1].column - 1 if items else _indent(doc, parent.span.start) + 2
    literal = f"{json.dumps(key, ensure_ascii=False)}: {render_value(value, 'json', indent)}"
    return _flow_add(doc, parent, items, literal)


def _insert_toml(doc: Document, parent: Node, key: str, value: Any) -> list[Edit]:
    if (
        isinstance(value, dict)
        and value
        and not parent.flow
        and (not parent.path or _is_header(doc, parent))
        and not any(isinstance(part, int) for part in parent.path)
    ):
        return _append_toml_table(doc, parent, key, value)
    literal = render_value(value, "toml", 0)
    if parent.flow:
        name = render_key(key, "toml")
        close = parent.span.end - 1
        at = len(doc.text[:close].rstrip())
        items = _child_nodes(doc, parent.path)
        return [
            (
                Span(at, at),
                (", " if items else " ") + f"{name} = {literal}" + ("" if items else " "),
            )
        ]
    table = parent
    while table.path and not _is_header(doc, table) and not table.flow:
        table = doc.nodes[table.path[:-1]]
    relative = parent.path[len(table.path) :] + (key,)
    name = ".".join(render_key(str(part), "toml") for part in relative)
    if table.flow:
        return _insert_toml(doc, table, name, value)  # pragma: no cover - dotted inline keys
    headers = [n.entry.start for n in doc.nodes.values() if _is_header(doc, n)]
    if table.path:
        region = table.entry
    else:
        region = Span(0, min(headers) if headers else len(doc.text))
    inside = [
        n.entry.end
        for p, n in doc.nodes.items()
        if p[: len(parent.path)] == parent.path
        and p != parent.path
        and n.entry.end > n.entry.start
        and region.start <= n.entry.start
        and n.entry.end <= region.end
        and not _is_header(doc, n)
    ]
    if inside:
        pos = max(inside)
    elif table.path:
        pos = table.entry.end
    else:
        root_entries = [
            n.entry.end
            for n in doc.nodes.values()
            if n.path and n.entry.end <= region.end and n.entry.end > n.entry.start
        ]
        pos = max(root_entries) if root_entries else region.end
    return _at_line_end(doc, pos, f"{name} = {literal}\n")


def _append_toml_table(doc: Document, parent: Node, key: str, value: dict[str, Any]) -> list[Edit]:
    """A new table under the root or a [header] table: a `[parent.key]` header (and headers
    for the tables inside it) after the parent's last table, as TOML is usually written."""
    from gitmigrate.files.render import render_toml_table

    path = (*(str(part) for part in parent.path), key)
    ends = [
        n.entry.end
        for p, n in doc.nodes.items()
        if p and p[: len(parent.path)] == parent.path and n.entry.end > n.entry.start
    ]
    at = max(ends) if ends else len(doc.text)
    lead = "\n" if doc.text[at - 1 : at] not in ("\n", "") else ""
    blank = "\n" if at > 0 else ""
    return [(Span(at, at), lead + blank + render_toml_table(path, value))]


def _is_header(doc: Document, node: Node) -> bool:
    return (
        bool(node.path)
        and not node.flow
        and node.span.end > node.span.start
        and isinstance(node.value, dict)
        and doc.text.startswith("[", node.span.start)
    )


def _insert_line(doc: Document, parent: Node, key: str, value: Any) -> list[Edit]:
    """INI and .env: `key = value` after the section's (the file's) last entry."""
    if doc.format == "env" or parent.path:
        if isinstance(value, dict | list):
            raise UsageError(
                f"{doc.name}: {'.env' if doc.format == 'env' else 'INI'} values are strings; "
                f"{key} cannot hold a table or list",
                "give a KEY (.env) or SECTION.KEY (INI) and a string value",
            )
        literal = render_scalar(value, doc.format)
    if doc.format == "env":
        line = f"{key}={literal}\n"
        entries = [n.entry.end for n in doc.nodes.values() if n.path]
        return _at_line_end(doc, max(entries) if entries else len(doc.text), line)
    if not parent.path:  # a new section
        section = key
        if not isinstance(value, dict):
            raise UsageError(
                f"INI values live in sections; {key} is not a section of {doc.name}",
                "set SECTION.KEY",
            )
        body = "".join(f"{k} = {render_scalar(v, 'ini')}\n" for k, v in value.items())
        prefix = "\n" if doc.text and not doc.text.endswith("\n") else ""
        blank = "\n" if doc.text.strip() else ""
        at = len(doc.text)
        return [(Span(at, at), f"{prefix}{blank}[{section}]\n{body}")]
    items = _child_nodes(doc, parent.path)
    delimiter = " = "
    if items and items[-1].key is not None:
        between = doc.text[items[-1].key.end : items[-1].span.start]
        delimiter = between if between.strip() in ("=", ":") else " = "
    pos = items[-1].entry.end if items else parent.entry.end
    return _at_line_end(doc, pos, f"{key}{delimiter}{literal}\n")


_INSERTERS = {
    "yaml": _insert_yaml,
    "json": _insert_json,
    "toml": _insert_toml,
    "ini": _insert_line,
    "env": _insert_line,
}


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


def _children(doc: Document, path: KeyPath) -> list[KeyPath]:
    return [p for p in doc.nodes if len(p) == len(path) + 1 and p[: len(path)] == path]


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


def _indent(doc: Document, offset: int) -> int:
    start = LineIndex(doc.text).line_start(offset) if offset else 0
    line = doc.text[start:offset]
    return len(line) - len(line.lstrip(" \t"))


def _column(doc: Document, offset: int) -> int:
    return offset - doc.text.rfind("\n", 0, offset)


def _newlines(doc: Document, text: str) -> str:
    return text.replace("\n", doc.newline) if doc.newline != "\n" else text


def _check(doc: Document, text: str, path: KeyPath, value: Any) -> None:
    after = loads(text, doc.format, doc.name)
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

        return json.loads(_yaml_flow(value))
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
