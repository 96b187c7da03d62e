"""The subset load on its own (a closure built by hand, tests/subset_load_support.py), between
SQLite, PostgreSQL and MariaDB: foreign keys enforced while loading and clean after, rows per
table equal to the plan, the cycle's deferred key fixed up, an interrupted apply resumed
without copying a row twice, and the rollback leaving the target as it was."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from gitmigrate.data.options import DataOptions
from gitmigrate.errors import StepFailedError
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


def _target_state(url: str, manager: bool = True) -> tuple[dict[str, int], int, int | None]:
    """Rows per table, foreign keys declared on the target, dept 1's manager."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if not n.startswith("gitmigrate")]
            q = conn.dialect.identifier_preparer.quote
            rows = {n: int(conn.execute(text(f"SELECT COUNT(*) FROM {q(n)}")).scalar() or 0)
                    for n in names}  # fmt: skip
            fks = sum(len(inspect(conn).get_foreign_keys(n)) for n in names)
            sql = "SELECT manager_id FROM dept WHERE id = 1"
            found = conn.execute(text(sql)).scalar() if manager else None
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            return rows, fks, found
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
@pytest.mark.parametrize("stop", [1, 8, 12, 13])
def test_an_interrupted_subset_resumes_without_copying_a_row_twice(
    source: str, target: str, stop: int, tmp_path: Path
) -> None:
    with (
        fresh_database_url(source, tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_source(source_url, source)
        first = drive(target_url, _options(source_url), tmp_path, stop_after=stop)
        assert first.last["phase"] in ("load", "fixup", "finish")
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


@pytest.mark.parametrize("target", ["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def test_a_plan_phase_lost_before_its_checkpoint_is_planned_again(
    target: str, tmp_path: Path
) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_source(source_url, "sqlite")
        lost = drive(target_url, _options(source_url), tmp_path, crash_at_first=True)
        assert lost.checkpoints == []
        left = snapshot(target_url)  # MariaDB: its DDL committed itself, the keys did not
        assert ("gitmigrate_subset_subset_001" in left) == (target == "mysql")
        run = drive(target_url, _options(source_url), tmp_path)
        assert run.last["phase"] == "done"
        rows, _, manager = _target_state(target_url)
        assert rows == _expected() and manager == 2


@pytest.mark.mysql
def test_a_finish_cut_short_after_its_ddl_committed_finishes_on_resume(tmp_path: Path) -> None:
    """MariaDB commits the finish's DDL by itself: killed after the indexes and the staging
    table's drop, before the last checkpoint, the resume must take them as done."""
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("mysql", tmp_path) as target_url,
    ):
        load_source(source_url, "sqlite")
        first = drive(target_url, _options(source_url), tmp_path, stop_after=13)
        assert first.last["phase"] == "finish"
        plan = first.last["plan"]
        engine = create_engine(target_url, poolclass=NullPool)
        with engine.begin() as conn:  # what the killed finish had done
            for sql in plan["after"]:
                conn.exec_driver_sql(sql)
            conn.exec_driver_sql(f"DROP TABLE {plan['stage']}")
        engine.dispose()
        rest = drive(target_url, _options(source_url), tmp_path, resume=first)
        assert rest.last["phase"] == "done"
        rows, _, manager = _target_state(target_url)
        assert rows == _expected() and manager == 2


def test_a_planned_row_gone_from_the_source_fails_the_step_naming_it(tmp_path: Path) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("sqlite", tmp_path) as target_url,
    ):
        load_source(source_url, "sqlite")
        first = drive(target_url, _options(source_url), tmp_path, stop_after=1)
        engine = create_engine(source_url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM shipment WHERE id = 2"))
        engine.dispose()
        with pytest.raises(StepFailedError, match=r"1 planned row\(s\) of shipment are gone"):
            drive(target_url, _options(source_url), tmp_path, resume=first)


MASK = """[columns]
"customer.id" = "hmac"
"customer.email" = "fake.email"
"customer.name" = "fake.name"
"emp.id" = "hmac"
"""


@pytest.mark.parametrize(
    ("source", "target"),
    [pytest.param(s, t, id=f"{s}-to-{t}", marks=_marks(s, t))
     for s, t in [("sqlite", "sqlite"), ("postgresql", "mysql"), ("mysql", "postgresql")]],
)  # fmt: skip
def test_masked_keys_still_join_and_the_fixup_masks_the_same_way(
    source: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUBSET_TEST_KEY", "a-test-masking-key-0123456789abcdef")
    options = DataOptions(mode="subset", source="", roots=("orders",), batch_size=2,
                          mask="mask.toml", mask_key_env="SUBSET_TEST_KEY")  # fmt: skip
    with (
        fresh_database_url(source, tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_source(source_url, source)
        options = replace(options, source=source_url)
        run = drive(target_url, options, tmp_path, files={"mask.toml": MASK.encode()})
        assert run.last["phase"] == "done"
        rows, _, _ = _target_state(target_url, manager=False)
        assert rows == _expected()
        engine = create_engine(target_url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                ids = [r[0] for r in conn.execute(text("SELECT id FROM customer"))]
                emails = [r[0] for r in conn.execute(text("SELECT email FROM customer"))]
                joined = conn.execute(text(
                    "SELECT COUNT(*) FROM orders o JOIN customer c ON c.id = o.customer_id"
                )).scalar()  # fmt: skip
                referred = conn.execute(text(
                    "SELECT COUNT(*) FROM customer c JOIN customer r ON r.id = c.referrer_id"
                )).scalar()  # fmt: skip
                manager = conn.execute(text(
                    "SELECT e.name FROM dept d JOIN emp e ON e.id = d.manager_id WHERE d.name = 'north'"
                )).scalar()  # fmt: skip
        finally:
            engine.dispose()
        assert sorted(ids) != [1, 2, 3, 4, 5] and len(set(ids)) == 5
        assert not {e.lower() for e in emails} & {f"{n}@example.com" for n in
                                                   ("ann", "bob", "cy", "di", "ed")}  # fmt: skip
        assert len(set(emails)) == 5  # a unique column stays unique
        assert joined == 3 and referred == 3  # 2 -> 1, 3 -> 2, 5 -> 4
        assert manager == "Hal"  # the deferred key, set after loading, masked as emp.id
