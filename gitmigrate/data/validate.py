"""Running a rule set against a database: every check is SQL inside the database (a COUNT(*)
of the violating rows and a LIMITed sample of them with their keys); no table is pulled into
Python. The same calls serve `git migrate data validate` and a data step's pre-/post-checks.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import DBAPIError

from gitmigrate.data.rules import Check, Reference, Rule, RuleSet, nearest
from gitmigrate.data.validate_sql import (
    Target,
    probe_regex_sql,
    regex_param,
    register_sqlite_regexp,
    rule_query,
    sql_dialect,
)
from gitmigrate.errors import UsageError


@dataclass(frozen=True)
class Sample:
    key: tuple[tuple[str, Any], ...]  # (column, value) of the row's primary key
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"key": {name: _plain(v) for name, v in self.key}, "value": _plain(self.value)}


@dataclass(frozen=True)
class RuleResult:
    check: Check
    rule: Rule
    violations: int
    sample: tuple[Sample, ...]


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[RuleResult, ...]
    threshold: int  # violations tolerated across the checks without a threshold of their own
    origin: str = ""  # the rules file
    dialect: str = ""
    target: str = ""  # its name or redacted URL, when the caller knows it

    @property
    def violations(self) -> int:
        return sum(r.violations for r in self.results)

    @property
    def shared_violations(self) -> int:
        """Violations counted against the file's threshold."""
        return sum(r.violations for r in self.results if r.check.threshold is None)

    def check_violations(self, check: Check) -> int:
        return sum(r.violations for r in self.results if r.check is check)

    def check_passed(self, check: Check) -> bool:
        if check.threshold is None:
            return self.shared_violations <= self.threshold
        return self.check_violations(check) <= check.threshold

    @property
    def passed(self) -> bool:
        return all(self.check_passed(r.check) for r in self.results)

    def status(self, result: RuleResult) -> str:
        """ "ok" (no violation), "tolerated" (within its threshold) or "failed"."""
        if not result.violations:
            return "ok"
        return "tolerated" if self.check_passed(result.check) else "failed"

    def to_json(self) -> dict[str, Any]:
        return {
            "rules_file": self.origin,
            "target": self.target,
            "dialect": self.dialect,
            "threshold": self.threshold,
            "violations": self.violations,
            "passed": self.passed,
            "results": [
                {
                    "check": r.check.number,
                    "table": r.check.table,
                    "column": r.check.column,
                    "rule": r.rule.kind,
                    "detail": r.rule.describe(),
                    "check_threshold": r.check.threshold,
                    "violations": r.violations,
                    "status": self.status(r),
                    "sample": [s.to_json() for s in r.sample],
                }
                for r in self.results
            ],
        }


@dataclass(frozen=True)
class _Column:
    keys: tuple[str, ...]
    is_text: bool
    is_numeric: bool


def check_rules_against_schema(conn: Connection, rules: RuleSet) -> None:
    """Every table and column named exists and every pattern compiles in the target's regex
    engine; otherwise a UsageError naming what exists, before any check runs."""
    _resolve(conn, rules)


def validate(conn: Connection, rules: RuleSet, *, sample: int = 5) -> ValidationReport:
    """Run every rule; `sample` violating rows (key + value) are kept per rule."""
    dialect = sql_dialect(conn.dialect.name)
    columns = _resolve(conn, rules)
    if dialect == "sqlite":
        register_sqlite_regexp(conn)
    results = []
    for check in rules.checks:
        found = columns[check.table, check.column]
        target = Target(dialect, check.table, check.column, found.keys, found.is_text)
        for rule in check.rules:
            results.append(_run(conn, rules, check, rule, target, sample))
    return ValidationReport(tuple(results), rules.threshold, rules.origin, dialect)


def _run(
    conn: Connection, rules: RuleSet, check: Check, rule: Rule, target: Target, sample: int
) -> RuleResult:
    query = rule_query(target, rule)
    try:
        count = int(conn.execute(text(query.count_sql()), query.params).scalar_one())
        rows = []
        if count and sample > 0:
            picked = target.sample_columns()
            rows = list(conn.execute(text(query.sample_sql(picked, sample)), query.params))
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise UsageError(
            f"{rules.where(check)}: {rule.describe()} failed in the database: {detail}",
            "check that the rule suits the column's type (e.g. a reference between same types)",
        ) from exc
    samples = tuple(
        Sample(tuple(zip(target.keys, row[: len(target.keys)], strict=True)), row[-1])
        for row in rows
    )
    return RuleResult(check, rule, count, samples)


def _resolve(conn: Connection, rules: RuleSet) -> dict[tuple[str, str], _Column]:
    inspector = inspect(conn)
    tables = set(inspector.get_table_names()) | set(inspector.get_view_names())
    cache: dict[str, dict[str, Any]] = {}

    def columns_of(table: str, where: str) -> dict[str, Any]:
        if table not in tables:
            guess = _guess(table, tables)
            raise UsageError(
                f"{where}: table {table!r} does not exist in the target",
                f"{guess}tables: {_listing(sorted(tables))}",
            )
        if table not in cache:
            cache[table] = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        return cache[table]

    def column_type(table: str, column: str, where: str) -> Any:
        found = columns_of(table, where)
        if column not in found:
            raise UsageError(
                f"{where}: column {column!r} does not exist in table {table!r}",
                f"{_guess(column, set(found))}columns of {table}: {_listing(list(found))}",
            )
        return found[column]

    resolved: dict[tuple[str, str], _Column] = {}
    for check in rules.checks:
        where = rules.where(check)
        kind = column_type(check.table, check.column, where)
        numeric = isinstance(kind, sqltypes.Integer | sqltypes.Numeric | sqltypes.Float)
        keys = tuple(inspector.get_pk_constraint(check.table).get("constrained_columns") or ())
        resolved[check.table, check.column] = _Column(
            keys, isinstance(kind, sqltypes.String), numeric
        )
        for rule in check.rules:
            if isinstance(rule.argument, Reference):
                ref = rule.argument
                column_type(ref.table, ref.column, f"{where}: references")
            if rule.kind == "range" and numeric:
                _numeric_bounds(rule, where)
            if rule.kind == "format":
                _probe_regex(conn, rule.argument, where)
    return resolved


def _numeric_bounds(rule: Rule, where: str) -> None:
    for bound in (rule.argument.min, rule.argument.max):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
            raise UsageError(
                f"{where}: range bound {bound!r} is not a number, but the column is numeric",
                "write the bound without quotes, e.g. range = { min = 0 }",
            )


def _probe_regex(conn: Connection, pattern: str, where: str) -> None:
    """PostgreSQL and MariaDB compile the pattern with their own engine: try it first."""
    dialect = sql_dialect(conn.dialect.name)
    if dialect == "sqlite":
        return  # Python's re, already compiled when the rules were parsed
    try:
        with conn.begin_nested():
            conn.execute(text(probe_regex_sql(dialect)), {"pattern": regex_param(dialect, pattern)})
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise UsageError(
            f"{where}: format {pattern!r} is not a valid regular expression on {dialect}: {detail}",
            "use the portable subset: docs/commands/data-validate.md#format",
        ) from exc


def _listing(names: list[str], limit: int = 40) -> str:
    if not names:
        return "none"
    more = f" ... ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _guess(name: str, known: set[str]) -> str:
    by_fold = {k.lower(): k for k in known}
    guess = by_fold.get(name.lower()) or nearest(name, tuple(sorted(known)))
    return f"did you mean {guess!r}? " if guess else ""


def _plain(value: Any) -> Any:
    """JSON-safe: exact decimals and dates as text."""
    if isinstance(value, decimal.Decimal | dt.date | dt.time | bytes):
        return value.hex() if isinstance(value, bytes) else str(value)
    return value
