"""Indexes and other table-wide maintenance on PostgreSQL: CONCURRENTLY, REPACK."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import PG, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, concurrently, index_table


def _create_index(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = index_table(stmt)
    if stmt.has("ON", "ONLY"):  # a partitioned table's own index: catalog only, builds nothing
        return
    if table is not None and not concurrently(stmt) and not ctx.state.is_new(table):
        yield Hit(f"CREATE INDEX on {table} blocks writes to it while the index is built")


def _drop_index(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    drop = stmt.node(exp.Drop)
    if drop is not None and str(drop.args.get("kind")).upper() == "INDEX":
        if not drop.args.get("concurrently"):
            yield Hit("DROP INDEX takes an ACCESS EXCLUSIVE lock on its table")


def _reindex(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.words[0] == "REINDEX" and "CONCURRENTLY" not in stmt.words and ctx.pg >= 12:
        yield Hit("REINDEX without CONCURRENTLY blocks writes (and reads through the index)")


def _detach(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.has("DETACH", "PARTITION") and "CONCURRENTLY" not in stmt.words and ctx.pg >= 14:
        yield Hit("DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock")


def _repack(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    w = stmt.words
    if (w[0] == "VACUUM" and "FULL" in w[:4]) or w[0] == "CLUSTER":
        what = "VACUUM FULL" if w[0] == "VACUUM" else "CLUSTER"
        fix = (
            "Use REPACK (CONCURRENTLY) [USING INDEX ...]."
            if ctx.pg >= 19
            else "Use the pg_repack extension (REPACK (CONCURRENTLY) from PostgreSQL 19)."
        )
        yield Hit(f"{what} rewrites the table under an ACCESS EXCLUSIVE lock", fix)


RULES = (
    Rule(
        id="require-concurrent-index-creation",
        severity="error",
        dialects=PG,
        summary="CREATE INDEX without CONCURRENTLY on a table not created in the same file.",
        why="A plain CREATE INDEX blocks every write to the table until the index is built.",
        fix="CREATE INDEX CONCURRENTLY IF NOT EXISTS, alone in a step with `transaction = false` "
        "(it cannot run inside a transaction).",
        check=_create_index,
    ),
    Rule(
        id="require-concurrent-index-deletion",
        severity="warning",
        dialects=PG,
        summary="DROP INDEX without CONCURRENTLY.",
        why="It takes an ACCESS EXCLUSIVE lock on the table; waiting for it queues every query.",
        fix="DROP INDEX CONCURRENTLY IF EXISTS, alone in a step with `transaction = false`.",
        check=_drop_index,
    ),
    Rule(
        id="require-concurrent-reindex",
        severity="error",
        dialects=PG,
        summary="REINDEX without CONCURRENTLY (PostgreSQL 12+).",
        why="REINDEX blocks writes to the table and reads that would use the index.",
        fix="REINDEX ... CONCURRENTLY, alone in a step with `transaction = false`.",
        check=_reindex,
    ),
    Rule(
        id="require-concurrent-partition-detach",
        severity="error",
        dialects=PG,
        summary="ALTER TABLE ... DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+).",
        why="It takes an ACCESS EXCLUSIVE lock on the parent table.",
        fix="DETACH PARTITION ... CONCURRENTLY, alone in a step with `transaction = false`.",
        check=_detach,
    ),
    Rule(
        id="vacuum-full-or-cluster",
        severity="error",
        dialects=PG,
        summary="VACUUM FULL or CLUSTER.",
        why="Both rewrite the table under an ACCESS EXCLUSIVE lock: no reads or writes.",
        fix="Use REPACK (CONCURRENTLY) on PostgreSQL 19+, or the pg_repack extension before.",
        check=_repack,
    ),
)
