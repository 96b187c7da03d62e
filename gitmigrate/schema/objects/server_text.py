"""Normalising the definitions MariaDB/MySQL and SQLite keep as written (SHOW CREATE TRIGGER,
SHOW CREATE FUNCTION/PROCEDURE/EVENT, sqlite_master.sql).

Those servers store the statement's own text, so two equal objects written with different
spacing, comments or a different DEFINER would differ. The normal form is the same statement
with comments removed, every run of whitespace outside quotes made one space, no trailing
semicolon, and (MariaDB) no DEFINER clause: the definer is the account that runs the
migration, not part of the schema. Running the normal form and reading it back gives it
again, so an object built by our own DDL equals the one loaded from a file.
"""

from __future__ import annotations

import re

_QUOTES = "'\"`"
# DEFINER = user@host, each part quoted or bare, or CURRENT_USER[()]
_DEFINER = re.compile(
    r"\s+DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?"
    r"|(?:`[^`]*`|'[^']*'|\"[^\"]*\"|[^\s@]+)(?:\s*@\s*(?:`[^`]*`|'[^']*'|\"[^\"]*\"|[^\s]+))?)",
    re.IGNORECASE,
)
_OR_REPLACE = re.compile(r"^CREATE\s+OR\s+REPLACE\s+", re.IGNORECASE)
_IF_NOT_EXISTS = re.compile(
    r"^(CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?(?:TRIGGER|EVENT|FUNCTION|PROCEDURE))\s+IF\s+NOT\s+EXISTS\b",
    re.IGNORECASE,
)


def collapse(sql: str) -> str:
    """`sql` without comments (MySQL `/*! ... */` version comments are kept: they run), with
    each whitespace run outside quotes made one space, trimmed, without a trailing `;`."""
    out: list[str] = []
    i, n = 0, len(sql)
    pending_space = False
    while i < n:
        ch = sql[i]
        if ch in _QUOTES:
            end = _quote_end(sql, i)
            _emit(out, sql[i:end], pending_space)
            pending_space = False
            i = end
        elif sql.startswith("--", i) and (i + 2 >= n or sql[i + 2] in " \t\r\n") or ch == "#":
            end = sql.find("\n", i)
            i = n if end < 0 else end
            pending_space = True
        elif sql.startswith("/*", i) and not sql.startswith("/*!", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            pending_space = True
        elif ch.isspace():
            pending_space = True
            i += 1
        else:
            _emit(out, ch, pending_space)
            pending_space = False
            i += 1
    text = "".join(out).strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def _emit(out: list[str], text: str, space: bool) -> None:
    if space and out:
        out.append(" ")
    out.append(text)


def _quote_end(sql: str, start: int) -> int:
    """The index after the quoted token starting at `start` (doubled quotes and, outside
    backticks, backslash escapes stay inside)."""
    quote = sql[start]
    i = start + 1
    while i < len(sql):
        ch = sql[i]
        if ch == "\\" and quote != "`":
            i += 2
            continue
        if ch == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


def mysql_definition(sql: str) -> str:
    """A MariaDB/MySQL CREATE TRIGGER/FUNCTION/PROCEDURE/EVENT in normal form: collapsed, no
    DEFINER, no OR REPLACE / IF NOT EXISTS (the server keeps whatever the author wrote)."""
    text = collapse(sql)
    head, body = _split_head(text)
    head = _DEFINER.sub("", head, count=1)
    head = _OR_REPLACE.sub("CREATE ", head)
    return _IF_NOT_EXISTS.sub(r"\1", head + body)


def sqlite_definition(sql: str) -> str:
    """A SQLite CREATE TRIGGER/VIEW in normal form: collapsed, no IF NOT EXISTS."""
    return _IF_NOT_EXISTS.sub(r"\1", collapse(sql))


def _split_head(text: str) -> tuple[str, str]:
    """The text before the object's name (where DEFINER and OR REPLACE live) and the rest."""
    match = re.search(r"\b(TRIGGER|EVENT|FUNCTION|PROCEDURE|VIEW)\b", text, re.IGNORECASE)
    if match is None:
        return "", text
    return text[: match.end()], text[match.end() :]
