"""Inserting a missing key as a textual patch: after its last sibling, with the siblings'
indentation, separators and style (block or flow); parents that do not exist yet are written
with it. Each format has its own inserter: a YAML `key:` line, a JSON member, a TOML `key =`
line or `[table]`, an INI/.env `key = value` line, a new list item or `[[table]]`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, Node, Span
from gitmigrate.files.keypath import KeyPath, format_key
from gitmigrate.files.layout import child_nodes, column_at, indent_at, is_header
from gitmigrate.files.render import is_block, render_value, render_yaml_flow
from gitmigrate.files.scalars import render_key, render_scalar

Edit = tuple[Span, str]
Replace = Callable[[Document, Node, Any], list[Edit]]


def insert(doc: Document, path: KeyPath, value: Any, replace: Replace) -> list[Edit]:
    """The edits writing `value` at `path`, which `doc` lacks; `replace` is the editor's
    value replacement (a YAML `key:` holding null gets a mapping in its place)."""
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
        return replace(doc, parent, {head: value})
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


def _insert_yaml(doc: Document, parent: Node, key: str, value: Any) -> list[Edit]:
    children = child_nodes(doc, parent.path)
    name = render_key(key, "yaml")
    if parent.flow and doc.text[parent.span.start] != "{":  # YAML's `[k: v]` pair
        return [(parent.span, render_yaml_flow({**parent.value, key: value}))]
    if parent.flow:
        if any(c in name for c in ",[]{}") and name[:1] not in ("'", '"'):
            name = render_scalar(key, "yaml", like="'")
        literal = f"{name}: {render_yaml_flow(value)}"
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
    items = child_nodes(doc, parent.path)
    if fmt in ("yaml", "json") and not (fmt == "yaml" and not parent.flow):
        if fmt == "json":
            literal = render_value(value, "json", items[-1].column - 1 if items else 0)
        else:
            literal = render_yaml_flow(value)
        return _flow_add(doc, parent, items, literal)
    if fmt == "toml":
        if not parent.flow:
            return _append_table(doc, parent, value)
        return _flow_add(doc, parent, items, render_value(value, "toml", 0))
    if fmt != "yaml":
        raise UsageError(f"{fmt} files hold no lists", "set a key")
    last = items[-1]
    dash = doc.text.rfind("-", 0, last.span.start)
    pad = column_at(doc, dash) - 1
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

    items = child_nodes(doc, parent.path)
    indent = items[-1].column - 1 if items else indent_at(doc, parent.span.start) + 2
    literal = f"{json.dumps(key, ensure_ascii=False)}: {render_value(value, 'json', indent)}"
    return _flow_add(doc, parent, items, literal)


def _insert_toml(doc: Document, parent: Node, key: str, value: Any) -> list[Edit]:
    if (
        isinstance(value, dict)
        and value
        and not parent.flow
        and (not parent.path or is_header(doc, parent))
        and not any(isinstance(part, int) for part in parent.path)
    ):
        return _append_toml_table(doc, parent, key, value)
    literal = render_value(value, "toml", 0)
    if parent.flow:
        name = render_key(key, "toml")
        close = parent.span.end - 1
        at = len(doc.text[:close].rstrip())
        items = child_nodes(doc, parent.path)
        return [
            (
                Span(at, at),
                (", " if items else " ") + f"{name} = {literal}" + ("" if items else " "),
            )
        ]
    table = parent
    while table.path and not is_header(doc, table) and not table.flow:
        table = doc.nodes[table.path[:-1]]
    relative = parent.path[len(table.path) :] + (key,)
    name = ".".join(render_key(str(part), "toml") for part in relative)
    if table.flow:
        return _insert_toml(doc, table, name, value)  # pragma: no cover - dotted inline keys
    headers = [n.entry.start for n in doc.nodes.values() if is_header(doc, n)]
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
        and not is_header(doc, n)
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
    items = child_nodes(doc, parent.path)
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
