"""The SQL of each validation rule, per dialect: a FROM clause and a predicate that selects the
violating rows, so the database counts them (COUNT(*)) and returns a LIMITed sample.

Identifiers are always quoted for the dialect; every value (pattern, bound, allowed value) is a
bound parameter. Regular expressions: PostgreSQL `~`, MariaDB/MySQL `REGEXP` (made
case-sensitive with a `(?-i)` prefix: its REGEXP follows the column's collation, usually
case-insensitive), SQLite `REGEXP` through a Python `re` function registered on the connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from gitmigrate.data.rules import Range, Reference, Rule
from gitmigrate.schema.render import quote

_DATE = (
    r"[0-9]{4}-(02-(0[1-9]|1[0-9]|2[0-9])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    r"|(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01]))"
)
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?"
_ZONE = r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
TYPE_PATTERNS = {
    "integer": r"^[+-]?[0-9]+$",
    "number": r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$",
    "date": rf"^{_DATE}$",
    "datetime": rf"^{_DATE}[ T]{_TIME}{_ZONE}$",
}
BOOLEAN_TEXTS = ("0", "1", "true", "false", "t", "f")


def sql_dialect(name: str) -> str:
    """SQLAlchemy's dialect name in our three words (a mariadb:// URL speaks MySQL)."""
    return "mysql" if name in ("mysql", "mariadb") else name


@dataclass(frozen=True)
class RuleQuery:
    source: str  # FROM clause; the checked table is aliased t
    where: str  # selects the violating rows
    order: str  # ORDER BY of the sample
    params: dict[str, Any] = field(default_factory=dict)

    def count_sql(self) -> str:
        return f"SELECT COUNT(*) FROM {self.source} WHERE {self.where}"

    def sample_sql(self, columns: list[str], limit: int) -> str:
        picked = ", ".join(columns)
        return (
            f"SELECT {picked} FROM {self.source} WHERE {self.where} "
            f"ORDER BY {self.order} LIMIT {int(limit)}"
        )


@dataclass(frozen=True)
class Target:
    """What a rule's SQL needs to know about the checked column."""

    dialect: str
    table: str
    column: str
    keys: tuple[str, ...]  # primary key columns (may be empty)
    is_text: bool  # declared as a character type

    def q(self, name: str) -> str:
        return quote(name, self.dialect)

    @property
    def col(self) -> str:
        return f"t.{self.q(self.column)}"

    @property
    def text(self) -> str:
        """The column's value as text (what format and type rules look at)."""
        return f"CAST({self.col} AS {'CHAR' if self.dialect == 'mysql' else 'TEXT'})"

    def sample_columns(self) -> list[str]:
        return [f"t.{self.q(k)}" for k in self.keys] + [self.col]


def rule_query(target: Target, rule: Rule) -> RuleQuery:
    col = target.col
    source = f"{target.q(target.table)} t"
    keys = ", ".join(f"t.{target.q(k)}" for k in target.keys) or col
    arg = rule.argument
    if rule.kind == "not_null":
        return RuleQuery(source, f"{col} IS NULL", keys)
    if rule.kind == "unique":
        dupes = (
            f"(SELECT {target.q(target.column)} AS v FROM {target.q(target.table)} "
            f"WHERE {target.q(target.column)} IS NOT NULL "
            f"GROUP BY {target.q(target.column)} HAVING COUNT(*) > 1) d"
        )
        return RuleQuery(f"{source} JOIN {dupes} ON {col} = d.v", "1 = 1", f"{col}, {keys}")
    if rule.kind == "format":
        where = f"{col} IS NOT NULL AND NOT ({_matches(target, 'pattern')})"
        return RuleQuery(source, where, keys, {"pattern": regex_param(target.dialect, arg)})
    if rule.kind == "range":
        return _range(target, source, keys, arg)
    if rule.kind == "allowed":
        params = {f"a{i}": _bindable(target.dialect, v) for i, v in enumerate(arg)}
        listed = ", ".join(f":{name}" for name in params)
        return RuleQuery(source, f"{col} IS NOT NULL AND {col} NOT IN ({listed})", keys, params)
    if rule.kind == "references":
        assert isinstance(arg, Reference)
        exists = f"SELECT 1 FROM {target.q(arg.table)} r WHERE r.{target.q(arg.column)} = {col}"
        return RuleQuery(source, f"{col} IS NOT NULL AND NOT EXISTS ({exists})", keys)
    if rule.kind == "max_length":
        length = "LENGTH" if target.dialect == "sqlite" else "CHAR_LENGTH"
        where = f"{col} IS NOT NULL AND {length}({target.text}) > :n"
        return RuleQuery(source, where, keys, {"n": int(arg)})
    return RuleQuery(source, f"{col} IS NOT NULL AND {_type_violation(target, arg)}", keys,
                     _type_params(target.dialect, arg))  # fmt: skip


def _matches(target: Target, param: str, expr: str | None = None) -> str:
    operator = "~" if target.dialect == "postgresql" else "REGEXP"
    return f"{expr or target.text} {operator} :{param}"


def regex_param(dialect: str, pattern: str) -> str:
    return "(?-i)" + pattern if dialect == "mysql" else pattern


def _range(target: Target, source: str, keys: str, bounds: Range) -> RuleQuery:
    params: dict[str, Any] = {}
    outside = []
    for name, value, operator in (("low", bounds.min, "<"), ("high", bounds.max, ">")):
        if value is None:
            continue
        params[name] = _bindable(target.dialect, value)
        if target.dialect == "sqlite" and isinstance(value, dt.date):
            # SQLite dates are text: compare instants, so 2025-12-22 equals '2025-12-22 00:00:00'
            outside.append(f"datetime({target.col}) {operator} datetime(:{name})")
        else:
            outside.append(f"{target.col} {operator} :{name}")
    where = f"{target.col} IS NOT NULL AND ({' OR '.join(outside)})"
    return RuleQuery(source, where, keys, params)


def _bindable(dialect: str, value: Any) -> Any:
    """SQLite keeps dates as ISO text (its own format: a space before the time)."""
    if dialect == "sqlite" and isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if dialect == "sqlite" and isinstance(value, dt.date):
        return value.isoformat()
    return value


def _type_violation(target: Target, kind: str) -> str:
    if kind == "string":
        if target.dialect == "sqlite":
            return f"typeof({target.col}) <> 'text'"
        return "1 = 0" if target.is_text else "1 = 1"
    if kind == "boolean":
        listed = ", ".join(f":b{i}" for i in range(len(BOOLEAN_TEXTS)))
        return f"LOWER({target.text}) NOT IN ({listed})"
    shape = f"NOT ({_matches(target, 'shape')})"
    if kind not in ("date", "datetime"):
        return shape
    # 29 February only in leap years; CASE keeps the cast away from text of another shape
    text = target.text
    year = f"CAST(SUBSTR({text}, 1, 4) AS {'SIGNED' if target.dialect == 'mysql' else 'INTEGER'})"
    leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
    return (
        f"(CASE WHEN {shape} THEN 1 WHEN SUBSTR({text}, 6, 5) = '02-29' AND NOT {leap} "
        f"THEN 1 ELSE 0 END) = 1"
    )


def _type_params(dialect: str, kind: str) -> dict[str, Any]:
    if kind == "boolean":
        return {f"b{i}": text for i, text in enumerate(BOOLEAN_TEXTS)}
    if kind in TYPE_PATTERNS:
        return {"shape": regex_param(dialect, TYPE_PATTERNS[kind])}
    return {}


def probe_regex_sql(dialect: str) -> str:
    """A query that makes the target's regex engine compile :pattern (and fail if it cannot)."""
    operator = "~" if dialect == "postgresql" else "REGEXP"
    return f"SELECT CASE WHEN 'x' {operator} :pattern THEN 1 ELSE 0 END"


def register_sqlite_regexp(conn: Connection) -> None:
    """SQLite parses `x REGEXP y` but ships no function for it: supply Python's `re.search`."""
    raw = conn.connection.driver_connection
    if raw is not None:
        raw.create_function("regexp", 2, _regexp, deterministic=True)


@functools.lru_cache(maxsize=128)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regexp(pattern: str | None, value: object) -> int | None:
    if pattern is None or value is None:
        return None
    return 1 if _compiled(pattern).search(str(value)) else 0
