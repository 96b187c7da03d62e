"""A harness for kind authors: the three properties every kind must show (as LibCST's
CodemodTest does for codemods), on either sort of target.

    from gitmigrate.testing import check_kind_properties
    check_kind_properties(MyKind(), step, "sqlite:///tmp/x.db")   # a database kind
    check_kind_properties(MyTreeKind(), step, tmp_path / "tree")  # a tree kind

1. planning (analyze) and a dry run change nothing;
2. apply, then verify, is clean;
3. apply, then rollback, returns the target to its start.

"Nothing changed" means, on a database, the same schema and the same row checksums in every
table (so a data step whose rollback misses rows is caught, not only a schema left behind);
on a tree, the same bytes in every file. `check_executor_properties` (database) and
`check_tree_kind_properties` (tree) are the two halves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.model import Step
from gitmigrate.data.verify_plan import plan_table
from gitmigrate.data.verify_side import Side
from gitmigrate.db.connect import create_target_engine, supports_transactional_ddl
from gitmigrate.db.snapshot import diff_snapshots, schema_snapshot
from gitmigrate.db.url import dialect_name
from gitmigrate.engine.kinds import Checkpoint, Kind, StepContext
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.engine.tree_steps import TREE_DIALECT, tree_context
from gitmigrate.engine.tree_target import STATE_FILES, outside_target
from gitmigrate.errors import UsageError
from gitmigrate.schema.render import quote


class ExecutorPropertyError(AssertionError):
    """One of the three properties does not hold; the message says which and how."""


def check_kind_properties(
    kind: Kind, step: Step, where: str | Path, *, config: ProjectConfig | None = None
) -> None:
    """The three properties for either sort of target: `where` is a database URL for a
    database kind, a scratch directory for a tree kind (its `target_sort` says which).
    `config` is the project configuration, for kinds that open a second database (a data
    copy step's source)."""
    if kind.target_sort == "tree":
        check_tree_kind_properties(kind, step, Path(where))
    else:
        check_executor_properties(kind, step, str(where), config=config)


def _context(
    conn: Connection,
    dialect: str,
    dry_run: bool,
    config: ProjectConfig | None,
    applied: Mapping[str, Any] | None = None,
) -> StepContext:
    """The context the engine would hand the kind: statements as written, or bound (`params`)."""
    runner = conn.execution_options(no_parameters=True)

    def execute(sql: str, params: Any = None) -> Any:
        if params is None:
            return runner.exec_driver_sql(sql)
        return conn.execute(text(sql), params)

    target = DatabaseTarget("(harness)", dialect, conn.engine)
    return StepContext(
        target, dialect, execute, dry_run=dry_run, session=conn, config=config,
        applied=dict(applied or {}),
    )  # fmt: skip


def check_executor_properties(
    executor: Kind, step: Step, url: str, *, config: ProjectConfig | None = None
) -> None:
    """The three properties of a database kind on the (scratch) database at `url`, comparing
    its schema and the row checksums of every table (a data step's rows, not only its shape)."""
    dialect = dialect_name(url)
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            before = database_state(conn)
            conn.rollback()
            executor.analyze(step, dialect)
            if supports_transactional_ddl(dialect):
                tx = conn.begin()
                _drain(executor.apply(step, _context(conn, dialect, True, config)))
                tx.rollback()
            _same(before, database_state(conn), "planning and a dry run must change nothing")
            conn.rollback()
            with conn.begin():
                # the data of the last checkpoint is how the apply ended (the engine keeps it
                # in the ledger and hands it to rollback as `applied`)
                applied = _last_data(executor.apply(step, _context(conn, dialect, False, config)))
            with conn.begin():
                errors = [
                    f
                    for f in executor.verify(step, _context(conn, dialect, False, config))
                    if f.severity == "error"
                ]
            if errors:
                raise ExecutorPropertyError(f"apply then verify must be clean: {errors[0].message}")
            with conn.begin():
                ctx = _context(conn, dialect, False, config, applied)
                _drain(executor.rollback(step, ctx))
            _same(
                before,
                database_state(conn),
                "apply then rollback must restore the schema and every row",
            )
            conn.rollback()
    finally:
        engine.dispose()


def database_state(conn: Connection) -> dict[str, Any]:
    """The schema snapshot plus (row count, checksum) of every table in it."""
    snapshot = schema_snapshot(conn)
    snapshot["rows"] = {name: table_checksum(conn, name) for name in snapshot["tables"]}
    return snapshot


def table_checksum(conn: Connection, table: str) -> list[Any]:
    """(rows, md5 of the canonical row texts in key order), computed in the database as
    `data verify` does; a table without a key to order by is hashed here, rows sorted."""
    try:
        plan = plan_table(conn, conn, table, table, None)
    except UsageError:
        rows = conn.execute(text(f"SELECT * FROM {quote(table, conn.dialect.name)}")).all()
        lines = sorted(repr(tuple(row)) for row in rows)
        return [len(lines), hashlib.md5("\n".join(lines).encode()).hexdigest()]  # noqa: S324
    side = Side(conn, plan, "target")
    side.prepare()
    try:
        count, digest = side.checksum(())
    finally:
        side.finish()
    return [count, digest]


def _same(before: dict[str, Any], after: dict[str, Any], what: str) -> None:
    schema = {k: v for k, v in before.items() if k != "rows"}
    differences = diff_snapshots(schema, {k: v for k, v in after.items() if k != "rows"})
    for name, checksum in sorted(before.get("rows", {}).items()):
        now = after.get("rows", {}).get(name)
        if now is not None and now != checksum:
            differences.append(
                f"table {name}: rows differ ({checksum[0]} rows before, {now[0]} after;"
                " row checksums differ)"
                if checksum[0] != now[0]
                else f"table {name}: row checksums differ ({now[0]} rows)"
            )
    if differences:
        raise ExecutorPropertyError(f"{what}: " + "; ".join(differences[:5]))


def _last_data(work: Iterable[Checkpoint]) -> dict[str, Any]:
    last: dict[str, Any] = {}
    for checkpoint in work:
        last = dict(checkpoint.data)
    return last


# -- tree kinds (target_sort = "tree") --------------------------------------------------------


def check_tree_kind_properties(kind: Kind, step: Step, tree: Path) -> None:
    """The three properties of a tree kind on the directory `tree` (a scratch copy: it is
    changed and changed back), compared byte for byte, every file included:

        from gitmigrate.testing import check_tree_kind_properties
        check_tree_kind_properties(MyKind(), step, tmp_path / "tree")
    """
    target = outside_target("(harness)", tree.resolve())
    before = tree_bytes(tree)
    kind.analyze(step, TREE_DIALECT)
    _drain(kind.apply(step, tree_context(target, dry_run=True)))
    _same_bytes(before, tree_bytes(tree), "planning and a dry run must change nothing")
    _drain(kind.apply(step, tree_context(target, dry_run=False)))
    errors = [
        f for f in kind.verify(step, tree_context(target, dry_run=True)) if f.severity == "error"
    ]
    if errors:
        raise ExecutorPropertyError(f"apply then verify must be clean: {errors[0].message}")
    _drain(kind.rollback(step, tree_context(target, dry_run=False)))
    _same_bytes(before, tree_bytes(tree), "apply then rollback must restore every file")


def tree_bytes(tree: Path) -> dict[str, bytes]:
    """Every file under `tree` (git-migrate's own ledger and lock files aside), by path."""
    return {
        path.relative_to(tree).as_posix(): path.read_bytes()
        for path in sorted(tree.rglob("*"))
        if path.is_file() and path.name not in STATE_FILES
    }


def _drain(work: Iterable[object]) -> None:
    for _ in work:
        pass


def _same_bytes(before: dict[str, bytes], after: dict[str, bytes], what: str) -> None:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    differences = (
        [f"{p} appeared" for p in added]
        + [f"{p} disappeared" for p in removed]
        + [f"{p} differs" for p in changed]
    )
    if differences:
        raise ExecutorPropertyError(f"{what}: " + "; ".join(differences[:5]))
