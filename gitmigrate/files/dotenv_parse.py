""".env -> Document, read as python-dotenv and docker compose read it: `KEY=value` lines,
an optional `export `, blanks around `=`, values unquoted (up to ` #`, trailing blanks
dropped), single-quoted (literal) or double-quoted (`\\n`, `\\t`, `\\"`, `\\\\` escapes; both
quotes may span lines), `#` comments on their own line or after a value.

`${VAR}` is kept as written (no expansion: the file's text is what an edit writes back). A
line that is not `KEY=value` and a key written twice are errors (dotenv would skip the first
and let the second win silently)."""

from __future__ import annotations

import re

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import (
    Comment,
    Document,
    LineIndex,
    Node,
    Span,
    newline_of,
    without_bom,
)
from gitmigrate.files.keypath import KeyPath

_ENTRY = re.compile(r"[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*")
_BLANK = re.compile(r"[ \t]*")
_UNQUOTED = re.compile(r"[^\r\n]*?(?=[ \t]+#|[ \t]*\r?\n|[ \t]*$)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def parse(text: str, name: str) -> Document:
    original, text = text, without_bom(text)
    lines = LineIndex(text)
    data: dict[str, str] = {}
    nodes: dict[KeyPath, Node] = {}
    comments: list[Comment] = []
    pos = 0
    while pos < len(text):
        start = pos
        pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            break
        if text[pos] in "\r\n":
            pos = lines.line_end(pos)
            continue
        if text[pos] == "#":
            pos = _comment(text, pos, lines, comments, inline=False)
            pos = lines.line_end(pos)
            continue
        match = _ENTRY.match(text, start)
        if match is None:
            line, column = lines.position(pos)
            raise FileFormatError(
                name,
                line,
                column,
                f"invalid .env line: {text[pos : lines.line_end(pos)].strip()!r}",
                "write KEY=value (a name of letters, digits and _), or start a comment with #",
            )
        key = match.group("key")
        line, column = lines.position(match.start("key"))
        if key in data:
            raise FileFormatError(
                name, line, column, f"{key} is set twice", "keep one of the two lines"
            )
        value_at = match.end()
        value, value_end = _value(text, value_at, name, lines)
        pos = _BLANK.match(text, value_end).end()  # type: ignore[union-attr]
        if text.startswith("#", pos):
            pos = _comment(text, pos, lines, comments, inline=True)
        elif pos < len(text) and text[pos] not in "\r\n":
            bad_line, bad_column = lines.position(pos)
            raise FileFormatError(
                name,
                bad_line,
                bad_column,
                f"unexpected text after the value of {key}",
                "quote the whole value, or put a space before a # comment",
            )
        data[key] = value
        entry = Span(lines.line_start(match.start("key")), lines.line_end(max(pos - 1, value_at)))
        if pos == len(text) and (not text or text[-1] not in "\n"):
            entry = Span(entry.start, len(text))
        key_span = Span(match.start("key"), match.end("key"))
        nodes[(key,)] = Node(
            (key,), value, Span(value_at, value_end), key_span, entry, line, column
        )
        pos = entry.end
    root = Node((), data, Span(0, len(text)), None, Span(0, len(text)), 1, 1)
    return Document(
        name=name,
        format="env",
        text=original,
        data=data,
        nodes={(): root, **nodes},
        comments=comments,
        newline=newline_of(text),
    )


def _value(text: str, at: int, name: str, lines: LineIndex) -> tuple[str, int]:
    quote = text[at : at + 1]
    if quote in ("'", '"'):
        out: list[str] = []
        pos = at + 1
        while pos < len(text):
            ch = text[pos]
            if ch == quote:
                return "".join(out), pos + 1
            if ch == "\\" and quote == '"' and pos + 1 < len(text):
                following = text[pos + 1]
                out.append(_ESCAPES.get(following, "\\" + following))
                pos += 2
                continue
            out.append(ch)
            pos += 1
        line, column = lines.position(at)
        raise FileFormatError(
            name, line, column, f"a {quote} quote that never closes", "close the quoted value"
        )
    match = _UNQUOTED.match(text, at)
    end = match.end() if match else at
    return text[at:end], end


def _comment(text: str, at: int, lines: LineIndex, comments: list[Comment], *, inline: bool) -> int:
    end = text.find("\n", at)
    end = len(text) if end == -1 else end
    if text[end - 1 : end] == "\r":
        end -= 1
    comments.append(Comment(text[at + 1 : end], Span(at, end), lines.line(at), (), inline))
    return end
