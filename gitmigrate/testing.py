"""A harness for executor authors: the three properties every executor must show
(as LibCST's CodemodTest does for codemods).

    from gitmigrate.testing import check_executor_properties
    check_executor_properties(MyExecutor(), step, "sqlite:///tmp/x.db")

1. planning (analyze) and a dry run change nothing;
2. apply, then verify, is clean;
3. apply, then rollback, returns the target to its starting schema.

Tree kinds (`target_sort = "tree"`): `check_tree_kind_properties(kind, step, tree)`, the same
three properties on a directory, comparing the bytes of every file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.db.connect import create_target_engine, supports_transactional_ddl
from gitmigrate.db.snapshot import diff_snapshots, schema_snapshot
from gitmigrate.db.url import dialect_name
from gitmigrate.engine.kinds import Kind, StepContext
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.engine.tree_steps import TREE_DIALECT, tree_context
from gitmigrate.engine.tree_target import STATE_FILES, outside_target


class ExecutorPropertyError(AssertionError):
    """One of the three properties does not hold; the message says which and how."""


def _context(conn: Connection, dialect: str, dry_run: bool) -> StepContext:
    runner = conn.execution_options(no_parameters=True)

    def execute(sql: str) -> Any:
        return runner.exec_driver_sql(sql)

    target = DatabaseTarget("(harness)", dialect, conn.engine)
    return StepContext(target, dialect, execute, dry_run=dry_run, session=conn)


def check_executor_properties(executor: Kind, step: Step, url: str) -> None:
    dialect = dialect_name(url)
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            before = schema_snapshot(conn)
            conn.rollback()
            executor.analyze(step, dialect)
            if supports_transactional_ddl(dialect):
                tx = conn.begin()
                for _ in executor.apply(step, _context(conn, dialect, dry_run=True)):
                    pass
                tx.rollback()
            _same(before, schema_snapshot(conn), "planning and a dry run must change nothing")
            conn.rollback()
            with conn.begin():
                for _ in executor.apply(step, _context(conn, dialect, dry_run=False)):
                    pass
            with conn.begin():
                errors = [
                    f
                    for f in executor.verify(step, _context(conn, dialect, False))
                    if f.severity == "error"
                ]
            if errors:
                raise ExecutorPropertyError(f"apply then verify must be clean: {errors[0].message}")
            with conn.begin():
                for _ in executor.rollback(step, _context(conn, dialect, dry_run=False)):
                    pass
            _same(before, schema_snapshot(conn), "apply then rollback must restore the schema")
            conn.rollback()
    finally:
        engine.dispose()


def _same(before: dict[str, Any], after: dict[str, Any], what: str) -> None:
    differences = diff_snapshots(before, after)
    if differences:
        raise ExecutorPropertyError(f"{what}: " + "; ".join(differences[:5]))


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
