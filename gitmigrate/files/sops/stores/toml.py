"""TOML (our extension: SOPS has no TOML store). Values typed as in YAML, the metadata as a
`[sops]` table (with `[[sops.age]]` / `[[sops.pgp]]`) after the data; the values' spans come
from the document layer's TOML parser (files.toml_parse)."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from dataclasses import replace
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Span
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.tree import CommentSlot, Leaf, Scanned

_MARK = re.compile(r"(\"\"\"|'''|\"|')@@sops-leaf-(\d+)@@\1")
_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]]*?)[ \t]*\]\]?", re.M)


def scan(text: str, name: str) -> Scanned:
    from gitmigrate.files.document import loads

    document = loads(text, "toml", name)
    meta_span = _meta_span(text, name)
    raw_meta = document.data.get("sops") if isinstance(document.data, dict) else None
    meta = raw_meta if isinstance(raw_meta, dict) else None
    newline = "\r\n" if "\r\n" in text else "\n"
    leaves = [
        Leaf(
            node.path,
            _typed(node.value),
            node.span,
            newline=newline,
            quote=_quote(text[node.span.start : node.span.start + 3]),
        )
        for node in document.nodes.values()
        if node.path and node.path[0] != "sops" and not isinstance(node.value, dict | list)
    ]
    leaves = [_float_text(leaf, text) for leaf in leaves]
    leaves.sort(key=lambda leaf: leaf.span.start)
    return Scanned(leaves, _comments(text, leaves, meta_span), meta, meta_span)


def _comments(text: str, leaves: list[Leaf], meta_span: Span | None) -> list[CommentSlot]:
    """Every `#` comment outside a value (values are the leaves' spans; quoted keys are
    skipped), with the path of the table of the value after it, as SOPS does for YAML."""
    skip = sorted([leaf.span for leaf in leaves] + ([meta_span] if meta_span else []),
                  key=lambda span: span.start)  # fmt: skip
    containers = tuple(sorted({cipher.comment_aad(leaf.path[:-1]) for leaf in leaves} | {":"}))
    leaf_starts = [leaf.span.start for leaf in leaves]
    slots: list[CommentSlot] = []
    at, next_skip = 0, 0
    while at < len(text):
        while next_skip < len(skip) and skip[next_skip].end <= at:
            next_skip += 1
        if next_skip < len(skip) and skip[next_skip].start <= at:
            at = skip[next_skip].end
            continue
        char = text[at]
        if char in "\"'":
            close = text.find(char, at + 1)
            at = close + 1 if close > at else len(text)
        elif char == "#":
            end = text.find("\n", at)
            end = len(text) if end == -1 else end - (text[end - 1] == "\r")
            after = bisect.bisect_right(leaf_starts, at)
            near = leaves[after] if after < len(leaves) else (leaves[-1] if leaves else None)
            aad = cipher.comment_aad(near.path[:-1] if near else ())
            slots.append(CommentSlot(text[at + 1 : end], Span(at + 1, end), aad, containers))
            at = end
        else:
            at += 1
    return slots


def _float_text(leaf: Leaf, text: str) -> Leaf:
    if not isinstance(leaf.value, float):
        return leaf
    written = text[leaf.span.start : leaf.span.end]
    return replace(
        leaf, value=cipher.keep_float_text(leaf.value, written, literal(leaf.value, leaf))
    )


def _quote(start: str) -> str:
    if start in ("'''", '"""'):
        return start
    return start[:1] if start[:1] in ("'", '"') else ""


def _typed(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.time) else value


def _meta_span(text: str, name: str) -> Span | None:
    headers = list(_HEADER.finditer(text))
    for position, header in enumerate(headers):
        if header.group(1).strip('"') != "sops":
            continue
        for later in headers[position + 1 :]:
            if not later.group(1).startswith("sops."):
                raise UsageError(f"{name}: a table after [sops]", "keep the [sops] table last")
        start = header.start()
        previous = text.rfind("\n", 0, start - 1) + 1 if start else 0
        if start and not text[previous:start].strip():
            start = previous  # the one blank line written before [sops]
        return Span(start, len(text))
    return None


def literal(value: Any, leaf: Leaf) -> str:
    scalar = cipher.scalar_text(value, {"NaN": "nan", "+Inf": "inf", "-Inf": "-inf"})
    if scalar is not None:
        return scalar
    text = str(value)
    if leaf.quote == "'" and "'" not in text and "\n" not in text and text.isprintable():
        return f"'{text}'"  # a literal string (an ENC one too) stays one
    if leaf.quote == "'''" and "'''" not in text and ("\n" not in text or leaf.newline == "\n"):
        return "'''" + ("\n" if "\n" in text else "") + text + "'''"
    multi_line = "\n" in text and leaf.newline == "\n" and '"""' not in text
    if multi_line and not re.search(r'[\\\x00-\x08\x0b-\x1f\x7f]|"$', text):
        return '"""\n' + text + '"""'  # the newline after the opening quotes is not part of it
    return json.dumps(text, ensure_ascii=False)


def comment(text: str) -> str:
    return text


def append_meta(text: str, block: dict[str, Any]) -> str:
    """`[sops]` with its scalar fields, then `[[sops.age]]` / `[[sops.pgp]]` tables; armored
    keys as multi-line strings."""
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    lines = ["", "[sops]"]
    lists = {key: value for key, value in block.items() if isinstance(value, list)}
    lines += [f"{key} = {_meta_value(value)}" for key, value in block.items() if key not in lists]
    for key, entries in lists.items():
        for entry in entries:
            lines += ["", f"[[sops.{key}]]"]
            lines += [f"{sub} = {_meta_value(value)}" for sub, value in entry.items()]
    return text + "\n".join(lines).replace("\n", newline) + newline


def _meta_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    text = str(value)
    if "\n" in text and '"""' not in text and "\\" not in text:
        return '"""\n' + text + '"""'
    return json.dumps(text, ensure_ascii=False)
