"""Key paths name a value inside a document: `server.port`, `servers[0].host`, `a."x.y".b`
(a key holding a dot or bracket is quoted with double quotes; `\\"` inside). An INI value is
`section.key`; a .env value is its variable name."""

from __future__ import annotations

import re

from gitmigrate.errors import UsageError

KeyPath = tuple[str | int, ...]

_PLAIN = re.compile(r"[^.\[\]\"\s]+")


def parse_key(text: str) -> KeyPath:
    """`a.b[0]."x.y"` -> ("a", "b", 0, "x.y"); a bad path is a UsageError naming the spot."""
    parts: list[str | int] = []
    i, n = 0, len(text)
    expect_key = True
    while i < n:
        ch = text[i]
        if ch == "[":
            end = text.find("]", i)
            index = text[i + 1 : end] if end != -1 else ""
            if not index.isdigit():
                raise _bad(text, i, "a list index is [N] with N a number")
            parts.append(int(index))
            i = end + 1
            expect_key = False
        elif ch == "." and not expect_key:
            i += 1
            expect_key = True
        elif expect_key and ch == '"':
            key, i = _quoted(text, i)
            parts.append(key)
            expect_key = False
        elif expect_key:
            match = _PLAIN.match(text, i)
            if not match:
                raise _bad(text, i, "expected a key name")
            parts.append(match.group(0))
            i = match.end()
            expect_key = False
        else:
            raise _bad(text, i, "expected '.' or '[' between keys")
    if not parts or expect_key:
        raise _bad(text, n, "the path ends where a key was expected")
    return tuple(parts)


def format_key(path: KeyPath) -> str:
    """The inverse of `parse_key`: ("a", 0, "x.y") -> `a[0]."x.y"`; () -> `(root)`."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
            continue
        name = part if _PLAIN.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
        out.append(("." if out else "") + name)
    return "".join(out) or "(root)"


def _quoted(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif ch == '"':
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise _bad(text, start, "a quoted key has no closing quote")


def _bad(text: str, at: int, why: str) -> UsageError:
    return UsageError(
        f"bad key path {text!r} at character {at + 1}: {why}",
        'write keys as a.b[0].c; quote a key holding a dot: a."x.y"',
    )
