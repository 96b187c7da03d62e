"""Lock and statement timeouts: a blocking statement should give up rather than queue traffic."""

from __future__ import annotations

from collections.abc import Iterator

from gitmigrate.lint.model import Hit, Rule
from gitmigrate.lint.state import Context, takes_blocking_lock
from gitmigrate.lint.statement import Stmt

_PG_MYSQL = frozenset({"postgresql", "mysql"})


def _setting(ctx: Context, kind: str) -> str:
    if ctx.dialect == "mysql":
        return "lock_wait_timeout" if kind == "lock" else "max_statement_time"
    return f"{kind}_timeout"


def _missing(kind: str) -> Rule:
    def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
        if kind not in ctx.state.timeouts and takes_blocking_lock(stmt, ctx.state):
            if ctx.state.blocking_seen:
                return  # reported once per file, at the first blocking statement
            name = _setting(ctx, kind)
            example = (
                f"SET SESSION {name} = {5 if kind == 'lock' else 600}"
                if ctx.dialect == "mysql"
                else f"SET {name} = '{'5s' if kind == 'lock' else '10min'}'"
            )
            yield Hit(
                f"no {name} is set before this blocking statement",
                f"Start the file with {example}; retry the step if it times out.",
            )

    if kind == "lock":
        why = (
            "While it waits for its lock, every later query on the table queues behind it: "
            "one long transaction elsewhere turns the migration into an outage."
        )
        summary = (
            "A blocking DDL statement runs before any SET lock_timeout (MySQL: "
            "lock_wait_timeout, whose default is a year)."
        )
    else:
        why = "A statement that holds a lock for long blocks traffic for as long as it runs."
        summary = (
            "A blocking DDL statement runs before any SET statement_timeout (MySQL: "
            "max_statement_time / max_execution_time)."
        )
    return Rule(
        id=f"require-{kind}-timeout",
        severity="warning",
        dialects=_PG_MYSQL,
        summary=summary,
        why=why,
        fix=f"SET {kind}_timeout at the top of the file (MySQL: SET SESSION ...).",
        check=check,
    )


RULES = (_missing("lock"), _missing("statement"))
