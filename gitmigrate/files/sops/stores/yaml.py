"""YAML as SOPS writes it: a `sops` mapping after the data (4-space indentation, keys sorted,
armored keys as block literals); values typed int/float/bool/str/time; `#` comments encrypted
with the path of the mapping they sit in."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from dataclasses import replace
from typing import Any

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.files.document import Span
from gitmigrate.files.keypath import KeyPath, format_key
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.tree import CommentSlot, Leaf, Scanned

_TAG = "tag:yaml.org,2002:"


def scan(text: str, name: str) -> Scanned:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.nodes import MappingNode

    try:
        root = YAML().compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = str(exc.problem or exc.context)
        if "another document" in detail:
            raise FileFormatError(
                name, line, col, "a second YAML document", "encrypt one document per file"
            ) from None
        raise FileFormatError(name, line, col, detail) from None
    if root is None:  # empty, or comments only: they are encrypted all the same
        return Scanned([], _comments(text, _Walker(text, name), None))
    if not isinstance(root, MappingNode):
        raise UsageError(f"{name}: the document is not a mapping", "SOPS encrypts mappings only")
    if root.flow_style:
        raise UsageError(
            f"{name}: the document is a flow-style mapping ({{...}})",
            "write its top level in block style (key: value lines); SOPS appends a block",
        )
    walker = _Walker(text, name)
    meta: dict[str, Any] | None = None
    meta_span: Span | None = None
    pairs = root.value
    for index, (key_node, value_node) in enumerate(pairs):
        if key_node.value == "sops" and key_node.start_mark.column == 0:
            meta = _plain(value_node)
            start = text.rfind("\n", 0, key_node.start_mark.index) + 1
            end = pairs[index + 1][0].start_mark.index if index + 1 < len(pairs) else len(text)
            # to the end of the file even when its last line has no newline
            meta_span = Span(start, end if end == len(text) else _line_start(text, end))
            continue
        walker.entry(key_node, value_node, ())
    comments = _comments(text, walker, meta_span)
    return Scanned(walker.leaves, comments, meta, meta_span)


class _Walker:
    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.leaves: list[Leaf] = []
        self.item_comments: list[CommentSlot] = []  # comments SOPS wrote as list items
        self.anchors: list[tuple[int, int, KeyPath]] = []  # (line, column, parent) per entry
        self.keys: list[Span] = []  # every key's text (a `#` in it starts no comment)
        # (offset, container): a comment later on the line belongs to that container, as
        # yaml.v3 attaches it for SOPS (after a key: the key's mapping; after a flow
        # collection: the collection)
        self.ends: list[tuple[int, KeyPath]] = []
        self.seen: set[int] = set()

    def entry(self, key_node: Any, value_node: Any, parent: KeyPath, flow: bool = False) -> None:
        if not isinstance(key_node.value, str) or key_node.tag != _TAG + "str":
            where = format_key(parent) if parent else "the root"
            raise UsageError(f"{self.name}: a key under {where} is not a string", _KEYS_HINT)
        mark = key_node.start_mark
        self.anchors.append((mark.line, mark.column, parent))
        self.keys.append(Span(mark.index, key_node.end_mark.index))
        self.ends.append((key_node.end_mark.index, parent))
        self.node(value_node, (*parent, key_node.value), mark.column, flow)

    def node(self, node: Any, path: KeyPath, indent: int, flow: bool) -> None:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        if id(node) in self.seen:
            raise UsageError(
                f"{self.name}: {format_key(path)} is an alias (*name)",
                "SOPS encrypts each occurrence under its own path; write the value out",
            )
        self.seen.add(id(node))
        inner_flow = flow or bool(getattr(node, "flow_style", False))
        if getattr(node, "flow_style", False) and isinstance(node, MappingNode | SequenceNode):
            self.ends.append((node.end_mark.index, path))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                self.entry(key_node, value_node, path, inner_flow)
        elif isinstance(node, SequenceNode):
            index = 0
            for item in node.value:
                mark = item.start_mark
                line_text = self.text[mark.index - mark.column : mark.index]
                dash = line_text.rfind("-")
                column = dash if dash >= 0 and not inner_flow else mark.column
                if _is_comment_item(item) and dash >= 0 and not inner_flow:
                    self.seen.add(id(item))
                    start = mark.index - mark.column + dash
                    span = Span(start, item.end_mark.index)
                    aad = cipher.comment_aad(path)
                    self.item_comments.append(CommentSlot(item.value, span, aad, marker="#"))
                    continue
                self.anchors.append((mark.line, column, path))
                self.node(item, (*path, index), column, inner_flow)
                index += 1
        else:
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ("|", ">"):
                end = _block_end(self.text, start, end)
            quote = node.style if node.style in ("'", '"') else ""
            leaf = Leaf(
                path, _value(node), Span(start, end), inner_flow, indent, self.newline, quote=quote
            )
            if isinstance(leaf.value, float):
                kept = cipher.keep_float_text(leaf.value, node.value, literal(leaf.value, leaf))
                leaf = replace(leaf, value=kept)
            self.leaves.append(leaf)


def _is_comment_item(node: Any) -> bool:
    """SOPS writes a comment inside a list as an item `- ENC[…,type:comment]`."""
    value = getattr(node, "value", None)
    return (
        isinstance(value, str)
        and cipher.ENC_RE.match(value) is not None
        and value.endswith(",type:comment]")
    )


def _block_end(text: str, start: int, end: int) -> int:
    body = text[start:end].rstrip(" \t\r\n")
    return start + len(body)


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _value(node: Any) -> Any:
    tag, raw = node.tag, node.value
    if node.style is not None or not tag.startswith(_TAG):
        return raw
    kind = tag[len(_TAG) :]
    try:
        if kind == "null":
            return None
        if kind == "bool":
            return raw.lower() in ("true", "yes", "on", "y")
        if kind == "int":
            clean = raw.replace("_", "")
            try:
                return int(clean, 0)
            except ValueError:
                return int(clean, 10)
        if kind == "float":
            low = raw.lower().replace("_", "")
            if low in (".inf", "+.inf"):
                return float("inf")
            if low == "-.inf":
                return float("-inf")
            if low == ".nan":
                return float("nan")
            return float(low)
        if kind == "timestamp":
            if len(raw) == 10:
                return dt.date.fromisoformat(raw)
            return dt.datetime.fromisoformat(raw.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return raw
    return raw


def _plain(node: Any) -> Any:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    return _value(node)


_COMMENT = re.compile(r"^([ \t]*)#(.*?)\r?$", re.M)
_INLINE = re.compile(r"(?<=[ \t])#(?=([^\r\n]*))")  # lookahead: a `#` in a scalar ends none


def _comments(text: str, walker: _Walker, meta_span: Span | None) -> list[CommentSlot]:
    """Every comment outside the scalars and the sops block: whole-line ones, and those after
    something on their line (a value, a key, a flow collection). SOPS (yaml.v3) gives a line
    comment the path of the mapping of the entry it precedes at its column, else of the last
    entry before it at its column, else the root; a comment after a value or a key gets the
    mapping holding that entry, one after a flow collection that collection."""
    inside = sorted(
        [leaf.span for leaf in walker.leaves] + walker.keys + ([meta_span] if meta_span else []),
        key=lambda span: span.start,
    )
    starts = [span.start for span in inside]

    def in_scalar(at: int) -> bool:
        index = bisect.bisect_right(starts, at) - 1
        return index >= 0 and at < inside[index].end

    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    anchors = sorted(walker.anchors, key=lambda anchor: anchor[0])
    anchor_lines = [anchor[0] for anchor in anchors]
    by_column: dict[int, tuple[list[int], list[KeyPath]]] = {}
    for line_no, column, parent in anchors:
        lines, parents = by_column.setdefault(column, ([], []))
        lines.append(line_no)
        parents.append(parent)
    ends = sorted(
        [(leaf.span.end, leaf.path[:-1]) for leaf in walker.leaves] + walker.ends,
        key=lambda end: end[0],
    )
    end_offsets = [end[0] for end in ends]
    paths = {p for _, _, p in anchors} | {p for _, p in ends}
    containers = tuple(sorted({cipher.comment_aad(p) for p in paths} | {":"}))
    found: list[tuple[str, Span, KeyPath]] = []
    whole: set[int] = set()
    for match in _COMMENT.finditer(text):
        at = match.start(2) - 1
        if in_scalar(at):
            continue
        whole.add(at)
        line = bisect.bisect_right(line_starts, at) - 1
        column = len(match.group(1).expandtabs())
        after = bisect.bisect_right(anchor_lines, line)
        if after < len(anchors) and anchors[after][1] == column:
            parent = anchors[after][2]
        else:
            lines, parents = by_column.get(column, ([], []))
            before = bisect.bisect_left(lines, line) - 1
            parent = parents[before] if before >= 0 else ()
        found.append((match.group(2), Span(match.start(2), match.end(2)), parent))
    covered = -1  # a `#` inside a comment is part of it
    for match in _INLINE.finditer(text):
        at = match.start()
        if at < covered or at in whole or in_scalar(at):
            continue
        covered = match.end(1)
        line_start = text.rfind("\n", 0, at) + 1
        prefix = text[line_start:at]
        if line_start + len(prefix) - len(prefix.lstrip(" \t")) in whole:
            continue  # part of a whole-line comment (found above)
        before = bisect.bisect_right(end_offsets, at) - 1
        parent = ends[before][1] if before >= 0 and ends[before][0] >= line_start else ()
        found.append((match.group(1), Span(match.start(1), match.end(1)), parent))
    slots = [
        CommentSlot(body, span, cipher.comment_aad(parent), containers)
        for body, span, parent in found
    ]
    slots += walker.item_comments
    slots.sort(key=lambda slot: slot.span.start)
    return slots


def literal(value: Any, leaf: Leaf) -> str:
    """The YAML text for a leaf's new value: an ENC string in the quotes of the literal it
    replaces (plain ones plain, double-quoted in flow style), so decryption can write a string
    back in its quotes; plaintext as YAML reads it back with the same type."""
    if isinstance(value, str) and cipher.ENC_RE.match(value):
        if leaf.quote == "'":
            return f"'{value}'"
        return json.dumps(value) if leaf.flow or leaf.quote else value
    if value is None:
        return "null"
    scalar = cipher.scalar_text(value, {"NaN": ".nan", "+Inf": ".inf", "-Inf": "-.inf"})
    if scalar is not None:
        return scalar
    return _string(str(value), leaf)


_SAFE_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_ ./@+=()-]*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}


def _string(text: str, leaf: Leaf) -> str:
    """A string in the quotes its ENC literal had (see `literal`): a plain ENC was a plain
    string. In flow style a plain string's ENC is double-quoted too, so there `"` gives the
    form SOPS-like tools write: plain for simple words, else double quotes."""
    from gitmigrate.files.scalars import render_scalar

    if leaf.quote == "'" and "\n" not in text and text.isprintable():
        return render_scalar(text, "yaml", like="'")
    if leaf.quote == '"' and not leaf.flow:
        return render_scalar(text, "yaml", like='"')
    if not leaf.flow and leaf.quote == "":
        plain = render_scalar(text, "yaml")
        if plain[:1] not in ("'", '"'):
            return plain
    if _SAFE_PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    lines = text.split("\n")
    block_ok = (
        "\n" in text
        and not leaf.flow
        and not text.endswith("\n\n")
        and not lines[0].startswith((" ", "\t"))
        and all(line.strip() or not line for line in lines)
        and not any(ch in text for ch in "\r\t\x00")
    )
    if block_ok:
        pad = " " * (leaf.indent + 2)
        chomp = "|" if text.endswith("\n") else "|-"
        body = lines[:-1] if text.endswith("\n") else lines
        return chomp + "".join(leaf.newline + (pad + line if line else "") for line in body)
    return json.dumps(text, ensure_ascii=False)


def comment(text: str) -> str:
    return text


def append_meta(text: str, block: dict[str, Any]) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    return text + ("sops:\n" + _emit(block, 4)).replace("\n", newline)


def _emit(value: dict[str, Any], indent: int) -> str:
    out: list[str] = []
    pad = " " * indent
    for key, item in value.items():
        if isinstance(item, list):
            out.append(f"{pad}{key}:\n")
            for entry in item:
                body = _emit(entry, indent + 6) if isinstance(entry, dict) else ""
                first = body[indent + 6 :]
                out.append(f"{pad}    - {first}")
        elif isinstance(item, dict):
            out.append(f"{pad}{key}:\n{_emit(item, indent + 4)}")
        else:
            out.append(f"{pad}{key}: {_scalar(item, indent + 2)}\n")
    return "".join(out)


def _scalar(value: Any, indent: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "\n" in text:
        chomp = "|" if text.endswith("\n") else "|-"
        lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
        return chomp + "".join("\n" + (" " * indent + line if line else "") for line in lines)
    if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]+Z", text):
        return f'"{text}"'
    return text


_KEYS_HINT = "SOPS needs string keys; quote the key"
