"""INI as SOPS writes it (go-ini): `[section]` then `key = value`; keys before any section are
in `DEFAULT`; every value a str; a comment belongs to the section of the item after it; the
metadata is a `[sops]` section of flattened keys with newlines written as `\\n` (SOPS 3.13.0/1
wrote `\"\"\"`-quoted multi-line values instead: both are read)."""

from __future__ import annotations

import re
from typing import Any

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import Span
from gitmigrate.files.sops import cipher
from gitmigrate.files.sops.metadata import unflatten
from gitmigrate.files.sops.tree import CommentSlot, Leaf, Scanned

_LINE = re.compile(r"[^\r\n]*(?:\r?\n|$)")
_SECTION = re.compile(r"\s*\[([^\]]*)\]\s*$")
_ENTRY = re.compile(r"\s*([^=:]*?)\s*[=:][ \t]*(.*?)\s*$")
_COMMENT = re.compile(r"\s*[;#]\s*(.*?)\s*$")


def scan(text: str, name: str) -> Scanned:
    leaves: list[Leaf] = []
    pending: list[tuple[str, Span]] = []  # comments waiting for the item they precede
    comments: list[CommentSlot] = []
    section = "DEFAULT"
    flat: dict[str, str] = {}
    meta_start: int | None = None
    meta_end = len(text)
    lines = list(_lines(text))
    index = 0
    while index < len(lines):
        start, raw = lines[index]
        index += 1
        body = raw.rstrip("\r\n")
        if not body.strip():
            continue
        comment = _COMMENT.match(body)
        if comment and body.lstrip()[:1] in ";#":
            pending.append(
                (comment.group(1), Span(start + comment.start(1), start + comment.end(1)))
            )
            continue
        header = _SECTION.match(body)
        if header:
            if meta_start is not None:
                meta_end = start
            section = header.group(1).strip()
            if section == "sops":
                meta_start = start
            _attach(pending, section, comments)
            continue
        entry = _ENTRY.match(body)
        if not entry or not entry.group(1):
            line = text.count("\n", 0, start) + 1
            raise FileFormatError(name, line, 1, "expected [section], key = value or a comment")
        _attach(pending, section, comments)
        key = entry.group(1)
        value, span, inline, index = _read_value(text, lines, index, start + entry.start(2), name)
        if section == "sops" and meta_start is not None and meta_end == len(text):
            flat[key] = value.replace("\\n", "\n")
            continue
        if inline is not None:
            comments.append(CommentSlot(inline[0], inline[1], cipher.comment_aad((section,))))
        leaves.append(Leaf((section, key), value, span))
    _attach(pending, section, comments)
    meta = unflatten(flat) if flat else None
    meta_span = None
    if meta_start is not None:
        meta_span = Span(_blank_before(text, meta_start), meta_end)
    return Scanned(leaves, comments, meta, meta_span)


def _read_value(
    text: str, lines: list[tuple[int, str]], index: int, at: int, name: str
) -> tuple[str, Span, tuple[str, Span] | None, int]:
    """A value as go-ini reads it: in triple double quotes (may span lines), in backticks, else
    up to an inline `#`/`;` comment, without surrounding quotes. Returns the value, its
    literal's span, the inline comment (text, span) and the index of the next line."""
    end = text.find("\n", at)
    end = len(text) if end == -1 else end - (text[end - 1] == "\r")
    rest = text[at:end]
    if rest.startswith('"""'):
        close = text.find('"""', at + 3)
        if close == -1:
            line = text.count("\n", 0, at) + 1
            raise FileFormatError(name, line, 1, 'a """ value is never closed')
        while index < len(lines) and lines[index][0] < close + 3:
            index += 1
        return text[at + 3 : close], Span(at, close + 3), None, index
    if rest.startswith("`") and rest.rfind("`") > 0:
        close = rest.rfind("`")
        return rest[1:close], Span(at, at + close + 1), None, index
    inline = None
    marker = min((i for i in (rest.find("#"), rest.find(";")) if i >= 0), default=-1)
    if marker >= 0:
        comment = _COMMENT.match(rest[marker:])
        assert comment is not None
        inline = (
            comment.group(1),
            Span(at + marker + comment.start(1), at + marker + comment.end(1)),
        )
        rest = rest[:marker]
    literal = rest.rstrip()
    value = literal
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value, Span(at, at + len(literal)), inline, index


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    at = 0
    while at < len(text):
        match = _LINE.match(text, at)
        assert match is not None
        out.append((at, match.group(0)))
        at = match.end()
    return out


def _attach(pending: list[tuple[str, Span]], section: str, out: list[CommentSlot]) -> None:
    for text, span in pending:
        out.append(CommentSlot(text, span, cipher.comment_aad((section,)), (":",)))
    pending.clear()


def _blank_before(text: str, at: int) -> int:
    """Start of the one blank line written before the [sops] header, if it is there."""
    if at == 0:
        return at
    previous = text.rfind("\n", 0, at - 1) + 1
    return at if text[previous:at].strip() else previous


def literal(value: Any, leaf: Leaf) -> str:
    """As go-ini writes a value: triple double quotes around newlines or backticks, backticks
    around `#`/`;`, double quotes around surrounding spaces."""
    text = value if isinstance(value, str) else cipher.to_bytes(value).decode()
    if "\n" in text or "`" in text:
        return f'"""{text}"""'
    if "#" in text or ";" in text:
        return f"`{text}`"
    if text != text.strip():
        return f'"{text}"'
    return text


def comment(text: str) -> str:
    return text


def append_meta(text: str, block: dict[str, Any]) -> str:
    from gitmigrate.files.sops.metadata import flatten

    flat = flatten(block)
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    width = max(len(key) for key in flat)
    lines = [f"{key.ljust(width)} = {_escape(value)}" for key, value in flat.items()]
    return text + newline + "[sops]" + newline + newline.join(lines) + newline


def _escape(value: str) -> str:
    return value.replace("\n", "\\n")
