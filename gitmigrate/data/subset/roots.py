"""parse_root: `--root "TABLE [WHERE condition]"` as a Root.

The condition is the source's own SQL, sent as written (it is the user's query on their own
database, like psql's); it is parsed first with sqlglot in the source's dialect so that a typo,
or a second statement smuggled after a `;`, is refused here with the root named, not halfway
through a closure.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from gitmigrate.data.subset.model import QName, Root
from gitmigrate.errors import UsageError
from gitmigrate.sql.dialects import sqlglot_dialect
from gitmigrate.sql.parse import quiet_sqlglot

_PART = r'(?:"[^"]+"|`[^`]+`|[^\s."`]+)'
_ROOT = re.compile(
    rf"^\s*(?P<table>{_PART}(?:\.{_PART})?)(?:\s+where\b(?P<where>.*))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_EXAMPLE = "e.g. --root \"orders WHERE created_at > '2024-01-01'\""


def parse_root(text: str, dialect: str) -> Root:
    """`orders`, `sales.orders`, `orders WHERE <condition>` (WHERE in any case)."""
    match = _ROOT.match(text)
    if match is None:
        raise UsageError(f"root {text!r} is not `TABLE [WHERE condition]`; {_EXAMPLE}")
    table = root_table(text)
    where = match.group("where")
    if where is not None:
        where = where.strip()
        if not where:
            raise UsageError(f"root {text!r} has WHERE but no condition; {_EXAMPLE}")
        _check_condition(text, where, dialect)
    assert table is not None  # the same pattern matched
    return Root(table=table, where=where, text=text.strip())


def root_table(text: str) -> QName | None:
    """The table part of a root text or a table name (None: not one), without parsing the
    condition: what load_graph needs to know which schemas to reflect."""
    match = _ROOT.match(text)
    if match is None:
        return None
    names = [p[1:-1] if p[0] in '"`' else p for p in re.findall(_PART, match.group("table"))]
    return QName(names[0], names[1]) if len(names) == 2 else QName(None, names[0])


def _check_condition(text: str, where: str, dialect: str) -> None:
    sql = f"SELECT 1 FROM t WHERE {where}"
    try:
        with quiet_sqlglot():
            parsed = sqlglot.parse(sql, read=sqlglot_dialect(dialect))
    except SqlglotError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(
            f"root {text!r}: the WHERE condition does not parse as {dialect} SQL ({first}); "
            f"fix the condition, {_EXAMPLE}"
        ) from exc
    statements = [p for p in parsed if p is not None]
    select = statements[0] if len(statements) == 1 else None
    if not isinstance(select, exp.Select) or select.args.get("where") is None:
        raise UsageError(
            f"root {text!r}: the WHERE part must be one condition, not more statements; {_EXAMPLE}"
        )
    clauses = ("group", "having", "order", "limit", "offset", "joins")
    extra = [c for c in clauses if select.args.get(c)]
    if extra:
        raise UsageError(
            f"root {text!r}: the WHERE part must be one condition (found {extra[0].upper()}); "
            f"{_EXAMPLE}"
        )
