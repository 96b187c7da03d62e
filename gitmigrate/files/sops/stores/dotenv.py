""".env as SOPS writes it: `KEY=value` split at the first `=` with both sides verbatim (the key
`foo ` keeps its space), a newline in a value written as `\\n`, `#` lines are comments (path
`:`), and the metadata as flattened `sops_…` variables after the data."""

from __future__ import annotations

import re
from typing import Any

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.files.document import Span
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.metadata import flatten, unflatten
from gitmigrate.files.sops.tree import CommentSlot, Leaf, Scanned

_LINE = re.compile(r"([^\r\n]*)(\r?\n|$)")


def scan(text: str, name: str) -> Scanned:
    leaves: list[Leaf] = []
    comments: list[CommentSlot] = []
    flat: dict[str, str] = {}
    meta_start: int | None = None
    at = 0
    number = 0
    while at < len(text):
        match = _LINE.match(text, at)
        assert match is not None
        body, start, at = match.group(1), at, match.end()
        number += 1
        if not body.strip():
            continue
        if body.startswith("#"):
            comments.append(CommentSlot(body[1:], Span(start + 1, start + len(body)), ":"))
            continue
        key, sep, value = body.partition("=")
        if not sep:
            raise FileFormatError(name, number, 1, "expected KEY=value or a # comment")
        if key.startswith("sops_"):
            flat[key[5:]] = value.replace("\\n", "\n")
            meta_start = start if meta_start is None else meta_start
            continue
        if meta_start is not None:
            raise UsageError(f"{name}:{number}: a variable after the sops_ metadata", _ORDER)
        span = Span(start + len(key) + 1, start + len(body))
        leaves.append(Leaf((key,), value.replace("\\n", "\n"), span))
    meta = unflatten(flat) if flat else None
    meta_span = Span(meta_start, len(text)) if meta_start is not None else None
    return Scanned(leaves, comments, meta, meta_span)


def literal(value: Any, leaf: Leaf) -> str:
    text = value if isinstance(value, str) else cipher.to_bytes(value).decode()
    return text.replace("\n", "\\n")


def comment(text: str) -> str:
    return text


def append_meta(text: str, block: dict[str, Any]) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    lines = [f"sops_{key}={_escape(value)}" for key, value in flatten(block).items()]
    return text + newline.join(lines) + newline


_ORDER = "SOPS writes its sops_ variables last; restore the file from git"


def _escape(value: str) -> str:
    return value.replace("\n", "\\n")
