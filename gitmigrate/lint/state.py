"""What the file has done so far, for rules that depend on earlier statements.

The engine calls `FileState.observe` after the rules have seen a statement, so a rule always
sees the state *before* its statement. Rules only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from gitmigrate.lint.model import LintOptions
from gitmigrate.lint.statement import (
    Stmt,
    alter_actions,
    altered_table,
    concurrently,
    created_relation,
    index_table,
    table_name,
)
from gitmigrate.sql.dialects import sqlglot_dialect

_TIMEOUTS = {
    "lock_timeout": "lock",
    "lock_wait_timeout": "lock",
    "innodb_lock_wait_timeout": "lock",
    "statement_timeout": "statement",
    "max_statement_time": "statement",
    "max_execution_time": "statement",
}


def transaction_word(stmt: Stmt) -> str | None:
    """The transaction control `stmt` is ("begin", "commit", "rollback"), else None."""
    w = stmt.words
    if w[0] == "BEGIN" and (len(w) == 1 or w[1] in ("TRANSACTION", "WORK", "ISOLATION", "READ")):
        return "begin"
    if stmt.starts("START", "TRANSACTION"):
        return "begin"
    if w[0] in ("COMMIT", "END") and "PREPARED" not in w:
        return "commit"
    if w[0] in ("ROLLBACK", "ABORT") and "TO" not in w and "PREPARED" not in w:
        return "rollback"
    return None


def set_names(stmt: Stmt) -> list[str]:
    """Variables a SET statement assigns (lower-cased), parsed or opaque."""
    tree = stmt.node(exp.Set)
    if tree is not None:
        names = []
        for item in tree.expressions:
            target = item.this.this if isinstance(item.this, exp.EQ) else item.this
            if isinstance(target, exp.Expr):
                names.append(target.name.lower())
        return names
    if stmt.words[0] == "SET":
        rest = [w for w in stmt.words[1:4] if w not in ("SESSION", "LOCAL", "@@SESSION", ".")]
        return [rest[0].lower()] if rest else []
    return []


@dataclass
class FileState:
    assumed: bool
    explicit: bool = False
    tx_id: int = 0
    created: set[str] = field(default_factory=set)
    timeouts: set[str] = field(default_factory=set)
    not_valid: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (table, tx)
    not_null_checks: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (t, col)
    validated_not_null: set[tuple[str, str]] = field(default_factory=set)
    altered: dict[str, int] = field(default_factory=dict)  # table -> line first altered
    blocking_seen: bool = False  # a statement taking a blocking lock ran already
    empty: frozenset[str] = frozenset()  # tables the target's statistics count no row in

    @property
    def in_transaction(self) -> bool:
        return self.explicit or self.assumed

    def is_new(self, table: str) -> bool:
        """Whether `table` was created earlier in this file, or the target's statistics show it
        without rows: either way it is empty, so nothing waits on it and no row is rewritten."""
        if not table:
            return False
        names = {table, table.split(".")[-1]}
        return bool(names & self.created) or bool(names & self.empty)

    def observe(self, stmt: Stmt) -> None:
        self.blocking_seen = self.blocking_seen or takes_blocking_lock(stmt, self)
        word = transaction_word(stmt)
        if word is not None:
            self.explicit = word == "begin"
            self.tx_id += 1
        elif not self.in_transaction:
            self.tx_id += 1  # autocommit: every statement is its own transaction
        for name in set_names(stmt):
            if name in _TIMEOUTS:
                self.timeouts.add(_TIMEOUTS[name])
        created = created_relation(stmt)
        if created:
            self.created.update({created, created.split(".")[-1]})
        table = altered_table(stmt)
        if table:
            self.altered.setdefault(table, stmt.line)
        self._constraints(stmt, altered_table(stmt))

    def _constraints(self, stmt: Stmt, table: str) -> None:
        tree = stmt.node(exp.Alter)
        for action in alter_actions(stmt):
            if not isinstance(action, exp.AddConstraint) or tree is None:
                continue
            for constraint in action.expressions:
                if not isinstance(constraint, exp.Constraint):
                    continue
                name = constraint.name.lower()
                if tree.args.get("not_valid"):
                    self.not_valid[name] = (table, self.tx_id)
                column = _not_null_check_column(constraint)
                if column:
                    self.not_null_checks[name] = (table, column)
        if stmt.tree is None and stmt.has("VALIDATE", "CONSTRAINT"):
            name = (stmt.after("CONSTRAINT") or "").lower()
            if name in self.not_null_checks:
                self.validated_not_null.add(self.not_null_checks[name])


def _not_null_check_column(constraint: exp.Constraint) -> str:
    """`col` for CHECK (col IS NOT NULL), else ""."""
    for check in constraint.expressions:
        if not isinstance(check, exp.CheckColumnConstraint):
            continue
        cond = check.this
        if isinstance(cond, exp.Paren):
            cond = cond.this
        negated = isinstance(cond, exp.Is) and bool(cond.args.get("negate"))
        if isinstance(cond, exp.Not):
            cond, negated = cond.this, True
        if (
            negated
            and isinstance(cond, exp.Is)
            and isinstance(cond.expression, exp.Null)
            and isinstance(cond.this, exp.Column)
        ):
            return cond.this.name.lower()
    return ""


_LOCKING_LEADERS = frozenset({"TRUNCATE", "REINDEX", "CLUSTER", "LOCK", "RENAME"})


def takes_blocking_lock(stmt: Stmt, state: FileState) -> bool:
    """Whether `stmt` takes a lock that blocks other sessions on an existing object."""
    w = stmt.words
    table = altered_table(stmt)
    if table:
        return not state.is_new(table)
    if w[0] == "ALTER" and len(w) > 1 and w[1] in ("TYPE", "DOMAIN", "INDEX", "SEQUENCE", "VIEW"):
        return True
    created_on = index_table(stmt)
    if created_on is not None:
        return not concurrently(stmt) and not state.is_new(created_on)
    drop = stmt.node(exp.Drop)
    if drop is not None and str(drop.args.get("kind")).upper() in ("TABLE", "INDEX", "VIEW"):
        names = [table_name(t) for t in drop.args.get("tables") or []]
        fresh = all(state.is_new(n) for n in names)
        return not concurrently(stmt) and not fresh
    if w[0] == "VACUUM":
        return "FULL" in w[:4]
    if stmt.starts("CREATE", "TRIGGER") or stmt.starts("CREATE", "OR", "REPLACE", "TRIGGER"):
        return True
    return w[0] in _LOCKING_LEADERS and "CONCURRENTLY" not in w


@dataclass(frozen=True)
class Context:
    """Read-only view handed to every rule."""

    dialect: str
    options: LintOptions
    state: FileState
    statements: tuple[Stmt, ...]

    @property
    def pg(self) -> int:
        return self.options.pg_version

    @property
    def glot(self) -> str:
        """sqlglot's name for the dialect, to render expressions in messages."""
        return sqlglot_dialect(self.dialect)


__all__ = ["Context", "FileState", "set_names", "takes_blocking_lock", "transaction_word"]
