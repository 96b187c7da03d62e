"""TOML (our extension: SOPS has no TOML store). Values typed as in YAML, the metadata as a
`[sops]` table (with `[[sops.age]]` / `[[sops.pgp]]`) after the data. Spans come from tomlkit:
each leaf is swapped for a marker, the document dumped, and the text between markers matched
against the original, so a value's literal is located exactly without a second TOML parser."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from typing import Any

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.files.document import Span
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.tree import CommentSlot, Leaf, Scanned

_MARK = re.compile(r"(\"\"\"|'''|\"|')@@sops-leaf-(\d+)@@\1")
_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]]*?)[ \t]*\]\]?", re.M)


def scan(text: str, name: str) -> Scanned:
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        doc = tomlkit.parse(text)
    except ParseError as exc:
        raise FileFormatError(name, exc.line, exc.col, str(exc).split(" at line")[0]) from None
    meta_span = _meta_span(text, name)
    meta: dict[str, Any] | None = None
    if "sops" in doc:
        meta = doc["sops"].unwrap()
    found: list[tuple[KeyPath, Any, Any, Any]] = []  # path, container, key, item
    for key in list(doc.keys()):
        if key != "sops":
            _walk(doc, key, (key,), found)
    literals = [item.as_string() for _, _, _, item in found]
    for index, (_, container, key, _item) in enumerate(found):
        container[key] = f"@@sops-leaf-{index}@@"
    marked = tomlkit.dumps(doc)
    leaves = _locate(text, marked, found, literals, name)
    return Scanned(leaves, _comments(text, leaves, meta_span), meta, meta_span)


def _walk(
    container: Any, key: Any, path: KeyPath, out: list[tuple[KeyPath, Any, Any, Any]]
) -> None:
    from tomlkit.items import AoT, Array, InlineTable, Table

    item = container[key] if isinstance(container, list) else container.item(key)
    if isinstance(item, Table | InlineTable):
        for sub in list(item.keys()):
            _walk(item, sub, (*path, sub), out)
    elif isinstance(item, AoT | Array):
        for index in range(len(item)):
            _walk(item, index, (*path, index), out)
    else:
        out.append((path, container, key, item))


def _locate(
    text: str,
    marked: str,
    found: list[tuple[KeyPath, Any, Any, Any]],
    literals: list[str],
    name: str,
) -> list[Leaf]:
    leaves: list[Leaf] = []
    at = 0
    previous = 0
    for match in _MARK.finditer(marked):
        index = int(match.group(2))
        between = marked[previous : match.start()]
        literal = literals[index]
        if not text.startswith(between, at) or not text.startswith(literal, at + len(between)):
            raise UsageError(
                f"{name}: cannot place the value of {found[index][0]} in the text",
                "report this file to git-migrate; meanwhile reformat that value",
            )
        start = at + len(between)
        at = start + len(literal)
        previous = match.end()
        path, _, _, item = found[index]
        leaves.append(Leaf(path, _typed(item), Span(start, at)))
    leaves.sort(key=lambda leaf: leaf.span.start)
    return leaves


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


def _typed(item: Any) -> Any:
    value = item.unwrap()
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = cipher.format_float(value)
        special = {"NaN": "nan", "+Inf": "inf", "-Inf": "-inf"}
        if text in special:
            return special[text]
        return text if re.search(r"[.eE]", text) else text + ".0"
    if isinstance(value, dt.date):
        return cipher.format_time(value)
    return json.dumps(str(value), ensure_ascii=False)


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
