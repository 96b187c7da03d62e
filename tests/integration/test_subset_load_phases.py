"""The subset load on its own (a closure built by hand, tests/subset_load_support.py), between
SQLite, PostgreSQL and MariaDB: foreign keys enforced while loading and clean after, rows per
table equal to the plan, the cycle's deferred key fixed up, an interrupted apply resumed
without copying a row twice, and the rollback leaving the target as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from gitmigrate.data.options import DataOptions
from tests.fixtures_db import fresh_database_url
from tests.subset_load_support import KEYS, drive, load_source, snapshot, undo

PAIRS = [
    ("sqlite", "sqlite"),
    ("sqlite", "postgresql"),
    ("postgresql", "mysql"),
    ("mysql", "sqlite"),
    ("mysql", "postgresql"),
]


def _marks(*dialects: str) -> list[pytest.MarkDecorator]:
    names = {"postgresql": pytest.mark.postgres, "mysql": pytest.mark.mysql}
    return [names[d] for d in dialects if d in names]


def _options(source_url: str, batch: int = 2) -> DataOptions:
    return DataOptions(mode="subset", source=source_url, roots=("orders",), batch_size=batch)


def _expected() -> dict[str, int]:
    return {name.name: len(keys) for name, keys in KEYS.items()}


def _target_state(url: str) -> tuple[dict[str, int], int, int | None]:
    """Rows per table, foreign keys declared on the target, dept 1's manager."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if not n.startswith("gitmigrate")]
            q = conn.dialect.identifier_preparer.quote
            rows = {n: int(conn.execute(text(f"SELECT COUNT(*) FROM {q(n)}")).scalar() or 0)
                    for n in names}  # fmt: skip
            fks = sum(len(inspect(conn).get_foreign_keys(n)) for n in names)
            manager = conn.execute(text("SELECT manager_id FROM dept WHERE id = 1")).scalar()
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            return rows, fks, manager
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("source", "target"),
    [pytest.param(s, t, id=f"{s}-to-{t}", marks=_marks(s, t)) for s, t in PAIRS],
)
def test_subset_loads_with_keys_enforced_and_rolls_back(
    source: str, target: str, tmp_path: Path
) -> None:
    with (
        fresh_database_url(source, tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_source(source_url, source)
        before = snapshot(target_url)
        run = drive(target_url, _options(source_url), tmp_path)
        assert run.last["phase"] == "done"
        assert run.last["rows"] == sum(_expected().values())
        rows, fks, manager = _target_state(target_url)
        assert rows == _expected()
        assert fks == 6  # every foreign key created on the target, enforced while loading
        assert manager == 2  # the cycle's deferred key, set by the fix-up
        if target != "sqlite":  # constraints on the server reject a row without its parent
            engine = create_engine(target_url, poolclass=NullPool)
            with pytest.raises(Exception, match="(?i)foreign key"), engine.begin() as conn:
                conn.execute(text("INSERT INTO orders VALUES (99, 6, 1.00)"))
            engine.dispose()
        undo(target_url, _options(source_url), tmp_path, run)
        assert snapshot(target_url) == before


@pytest.mark.parametrize(
    ("source", "target"),
    [pytest.param(s, t, id=f"{s}-to-{t}", marks=_marks(s, t))
     for s, t in [("sqlite", "sqlite"), ("sqlite", "postgresql"), ("sqlite", "mysql")]],
)  # fmt: skip
@pytest.mark.parametrize("stop", [1, 8, 12])
def test_an_interrupted_subset_resumes_without_copying_a_row_twice(
    source: str, target: str, stop: int, tmp_path: Path
) -> None:
    with (
        fresh_database_url(source, tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_source(source_url, source)
        first = drive(target_url, _options(source_url), tmp_path, stop_after=stop)
        assert first.last["phase"] in ("load", "fixup")
        # the source changes meanwhile: the staged plan, not the source, decides the rows
        engine = create_engine(source_url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO orders VALUES (5, 1, 3.00)"))
        engine.dispose()
        rest = drive(target_url, _options(source_url), tmp_path, resume=first)
        assert rest.last["phase"] == "done"
        assert rest.last["rows"] == sum(_expected().values())
        rows, _, manager = _target_state(target_url)
        assert rows == _expected()
        assert manager == 2
        loaded = [c["rows"] for c in rest.checkpoints if c["phase"] == "load"]
        assert loaded == sorted(loaded) and len(set(loaded)) == len(loaded)
