"""Client syntax in SQL files that the server never sees as such, made plain for the tokenizer.

Dumps are written for a client program: mysqldump puts triggers and routines between
`DELIMITER ;;` lines and wraps statements in version comments (`/*!50003 CREATE*/`), which the
server runs as code; pg_dump (15.14 and later) brackets its output with psql's `\\restrict KEY`
and `\\unrestrict KEY`, which only switch psql's own meta-commands off. `prepare` returns a copy
of the script *of the same length* where these are plain SQL: the commands are blanked, a custom
delimiter becomes ';' (its offset recorded in `cuts`), version-comment markers become spaces.
Offsets therefore stay the file's, and statements are still cut from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DELIMITER = re.compile(r"[ \t]*DELIMITER[ \t]+(\S+)[^\n]*", re.IGNORECASE)
_RESTRICT = re.compile(r"[ \t]*\\(?:un)?restrict(?:[ \t]+\S+)?[ \t]*(?=\n|$)")
_VERSION_OPEN = re.compile(r"/\*M?!(?!999999)\d*")  # 999999: no server; mariadb-dump's sandbox line


@dataclass(frozen=True)
class Prepared:
    """The script for the tokenizer (same length as the original) and where client syntax was.

    `regions`: spans under a custom DELIMITER, where only the offsets in `cuts` end a
    statement; `wrappers`: (start, end) of each `/*! ... */` comment, so a statement that
    begins or ends inside one is cut with its markers.
    """

    text: str
    cuts: frozenset[int] = frozenset()
    regions: tuple[tuple[int, int], ...] = ()
    wrappers: tuple[tuple[int, int], ...] = ()

    def in_region(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.regions)

    def widen(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) grown to the version comments it begins or ends inside."""
        for w_start, w_end in self.wrappers:
            if w_start < start < w_end:
                start = w_start
            if w_start < end < w_end:
                end = w_end
        return start, end


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _skip_quoted(sql: str, i: int) -> int:
    """The offset after the string or quoted name starting at `i` (backslash escapes too)."""
    quote = sql[i]
    i += 1
    while i < len(sql):
        if sql[i] == "\\" and quote != "`":
            i += 2
        elif sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return i


def _at_line_start(sql: str, i: int) -> bool:
    return i == 0 or sql[i - 1] == "\n"


def prepare_mysql(sql: str) -> Prepared:
    """Blank DELIMITER commands and version-comment markers; custom delimiters become ';'."""
    chars = list(sql)
    cuts: set[int] = set()
    regions: list[tuple[int, int]] = []
    wrappers: list[tuple[int, int]] = []
    delimiter, region_start, wrapper_start = ";", 0, -1
    i = 0
    while i < len(sql):
        ch = sql[i]
        command = _DELIMITER.match(sql, i) if _at_line_start(sql, i) else None
        if command is not None:
            if delimiter != ";":
                regions.append((region_start, i))
            delimiter, region_start = command.group(1), command.end()
            _blank(chars, i, command.end())
            i = command.end()
        elif delimiter != ";" and sql.startswith(delimiter, i):
            chars[i] = ";"
            _blank(chars, i + 1, i + len(delimiter))
            cuts.add(i)
            i += len(delimiter)
        elif ch in "'\"`":
            i = _skip_quoted(sql, i)
        elif sql.startswith("-- ", i) or sql.startswith("--\t", i) or ch == "#":
            newline = sql.find("\n", i)
            i = len(sql) if newline < 0 else newline
        elif wrapper_start < 0 and (opener := _VERSION_OPEN.match(sql, i)) is not None:
            _blank(chars, i, opener.end())
            wrapper_start, i = i, opener.end()
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            i = len(sql) if close < 0 else close + 2
        elif wrapper_start >= 0 and sql.startswith("*/", i):
            _blank(chars, i, i + 2)
            wrappers.append((wrapper_start, i + 2))
            wrapper_start, i = -1, i + 2
        else:
            i += 1
    if delimiter != ";":
        regions.append((region_start, len(sql)))
    return Prepared("".join(chars), frozenset(cuts), tuple(regions), tuple(wrappers))


def prepare_postgresql(sql: str) -> Prepared:
    """Blank psql's `\\restrict` / `\\unrestrict` lines (pg_dump's; no-ops outside psql)."""
    chars = list(sql)
    for match in re.finditer(r"(?m)^" + _RESTRICT.pattern, sql):
        _blank(chars, match.start(), match.end())
    return Prepared("".join(chars))


def prepare(sql: str, dialect: str) -> Prepared:
    if dialect == "mysql":
        return prepare_mysql(sql)
    if dialect == "postgresql" and "restrict" in sql:
        return prepare_postgresql(sql)
    return Prepared(sql)
