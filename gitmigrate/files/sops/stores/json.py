"""JSON as SOPS writes it: a `sops` object as the last member of the root object; strings, bools
and numbers (int when it is an integer, float otherwise). The document layer's JSON parser
(files.json_parse) gives the span of every value, so values are replaced in place."""

from __future__ import annotations

import json
import re
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.tree import Leaf, Scanned


def scan(text: str, name: str) -> Scanned:
    from gitmigrate.files.document import loads

    document = loads(text, "json", name)
    if not isinstance(document.data, dict):
        raise UsageError(f"{name}: the document is not a JSON object", "SOPS encrypts objects only")
    leaves = [
        Leaf(node.path, node.value, node.span)
        for node in document.nodes.values()
        if node.path and node.path[0] != "sops" and not isinstance(node.value, dict | list)
    ]
    sops = document.nodes.get(("sops",))
    if sops is None:
        return Scanned(leaves)
    meta = sops.value if isinstance(sops.value, dict) else None
    return Scanned(leaves, [], meta, sops.entry)  # the member with one separator


def literal(value: Any, leaf: Leaf) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return cipher.format_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(cipher.to_bytes(value).decode())


def comment(text: str) -> str:
    return text


def append_meta(text: str, block: dict[str, Any]) -> str:
    """Insert `"sops": {...}` as the root's last member, indented like its first member."""
    close = text.rstrip().rfind("}")
    body_end = len(text[:close].rstrip())
    first = re.search(r"\{(\s*)\"", text)
    empty = text[:close].rstrip().endswith("{")
    newline = "\r\n" if "\r\n" in text else "\n"
    if first and "\n" in first.group(1):
        indent = first.group(1).split("\n")[-1]
        dumped = json.dumps(block, indent=indent or None, ensure_ascii=False)
        dumped = dumped.replace("\n", newline + indent)
        member = f'{newline}{indent}"sops": {dumped}'
        closing = text[body_end:]
        return text[:body_end] + ("" if empty else ",") + member + closing
    dumped = json.dumps(block, ensure_ascii=False)
    sep = "" if empty else ", "
    return text[:body_end] + f'{sep}"sops": {dumped}' + text[body_end:]
