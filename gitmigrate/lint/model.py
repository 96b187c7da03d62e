"""The linter's values: options in, findings out, and the shape every rule has.

A rule is data plus one pure function: it reads a statement (and what the file did before it)
and yields hits; the engine turns hits into findings with position, severity and fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gitmigrate.lint.state import Context
    from gitmigrate.lint.statement import Stmt

from gitmigrate.core.findings import LintFinding, Severity  # noqa: E402 - re-exported

__all__ = ["LintFinding", "LintOptions", "Severity"]
ALL_DIALECTS: frozenset[str] = frozenset({"postgresql", "mysql", "sqlite"})
PG: frozenset[str] = frozenset({"postgresql"})
MYSQL: frozenset[str] = frozenset({"mysql"})


@dataclass(frozen=True)
class LintOptions:
    """What the linter assumes about the run.

    `pg_version`: target PostgreSQL major version. `assume_in_transaction`: the runner wraps the
    file in a transaction (git-migrate does for SQLite/PostgreSQL steps unless `transaction =
    false`). `include` turns on opt-in rules, `exclude` turns rules off, and `allow` keeps an
    error finding in the report but marks it `allowed`, so it no longer blocks. Each set takes
    our rule ids or the Squawk ids mapped to them. `empty_tables`: lower-cased names of tables
    the target's statistics count no row in.
    """

    pg_version: int = 15
    assume_in_transaction: bool = False
    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    allow: frozenset[str] = frozenset()
    # tables a target's statistics show without rows (`schema lint --target`): like a table
    # created earlier in the file, rules about locking or rewriting existing rows skip them
    empty_tables: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    """What a rule reports; `fix` overrides the rule's default safe alternative."""

    message: str
    fix: str | None = None


Check = Callable[["Stmt", "Context"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: id (kebab-case), default severity, dialects, the docs text and its check."""

    id: str
    severity: Severity
    dialects: frozenset[str]
    summary: str
    why: str
    fix: str
    check: Check = field(repr=False)
    opt_in: bool = False
