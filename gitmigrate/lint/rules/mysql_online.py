"""MySQL/MariaDB online DDL: ALGORITHM, LOCK and column position."""

from __future__ import annotations

from collections.abc import Iterator

from gitmigrate.lint.model import MYSQL, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, altered_table, index_table


def _online_ddl_table(stmt: Stmt, ctx: Context) -> str | None:
    """The existing table an ALTER TABLE / CREATE INDEX / DROP INDEX ... ON changes, else None."""
    table = altered_table(stmt) or index_table(stmt)
    if not table and stmt.starts("DROP", "INDEX") and "ON" in stmt.words:
        at = stmt.words.index("ON") + 1
        table = stmt.words[at].lower() if at < len(stmt.words) else ""
    if not table or ctx.state.is_new(table):
        return None
    return table


def _algorithm(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = _online_ddl_table(stmt, ctx)
    if table is None:
        return
    algorithm = stmt.after("ALGORITHM")
    if algorithm is None:
        yield Hit(
            f"no ALGORITHM= on this change to {table}: MySQL silently copies the table "
            "when the change cannot be done in place"
        )
    elif algorithm == "COPY":
        yield Hit(f"ALGORITHM=COPY rebuilds {table} and blocks writes while it copies")


def _lock(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = _online_ddl_table(stmt, ctx)
    if table is None or stmt.after("ALGORITHM") == "INSTANT":
        return  # INSTANT takes only a brief metadata lock (and refuses a LOCK clause)
    lock = stmt.after("LOCK")
    if lock is None:
        yield Hit(f"no LOCK=NONE on this change to {table}: the server may block writes")
    elif lock in ("SHARED", "EXCLUSIVE"):
        yield Hit(
            f"LOCK={lock} blocks {'writes to' if lock == 'SHARED' else 'all access to'} "
            f"{table} for the whole change"
        )


def _position(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if not stmt.starts("ALTER", "TABLE") or ctx.state.is_new(altered_table(stmt)):
        return
    for place in ("FIRST", "AFTER"):
        if place in stmt.words:
            yield Hit(
                f"{place} places a column in the middle of {altered_table(stmt)}: before "
                "MySQL 8.0.29 this cannot be INSTANT, and moving an existing column "
                "always rebuilds the table"
            )
            return


RULES = (
    Rule(
        id="require-online-algorithm",
        severity="warning",
        dialects=MYSQL,
        summary="ALTER TABLE / CREATE INDEX / DROP INDEX on an existing table without "
        "ALGORITHM=INSTANT or INPLACE (or with ALGORITHM=COPY).",
        why="Without an explicit algorithm MySQL/MariaDB fall back to a table copy that blocks "
        "writes for its whole duration, silently.",
        fix="Add ALGORITHM=INSTANT (metadata only) or ALGORITHM=INPLACE: the server then "
        "refuses the change if it cannot do it that way, instead of copying. For changes that "
        "need a copy, use an online schema change tool (gh-ost, pt-online-schema-change).",
        check=_algorithm,
    ),
    Rule(
        id="require-lock-none",
        severity="warning",
        dialects=MYSQL,
        summary="ALTER TABLE / CREATE INDEX on an existing table without LOCK=NONE (unless "
        "ALGORITHM=INSTANT).",
        why="Without LOCK=NONE the server may take a shared or exclusive lock for the whole "
        "change; with it, it refuses a change that would block writes.",
        fix="Add LOCK=NONE, e.g. ALTER TABLE t ADD INDEX ix (c), ALGORITHM=INPLACE, LOCK=NONE.",
        check=_lock,
    ),
    Rule(
        id="column-position",
        severity="warning",
        dialects=MYSQL,
        summary="ADD/MODIFY/CHANGE COLUMN with FIRST or AFTER on an existing table.",
        why="Column order is cosmetic, but placing a column mid-table can turn an INSTANT add "
        "into a table rebuild (MySQL < 8.0.29), and moving a column always rebuilds.",
        fix="Append new columns at the end (no FIRST/AFTER); select columns by name.",
        check=_position,
    ),
)
