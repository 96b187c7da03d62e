"""Issue 19's reproduced copy failures, one test each: MariaDB booleans' defaults on
PostgreSQL, per-table index names on a per-schema target, PostgreSQL timestamptz on SQLite as
`data verify` reads it, honest verify counts, an enum's hint, `apply --dry-run` of a copy on
MariaDB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from gitmigrate.core.authoring import start_migration
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.copy import CopyPlan, CopySpec, copy_chunks, plan_copy
from gitmigrate.data.options import DataOptions
from gitmigrate.data.verify import verify_table
from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.reflect import reflect_schema
from tests.engine_helpers import make_project
from tests.fixtures_db import fresh_database_url

STEP = "copy-cases/001"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    with ExitStack() as stack:
        yield lambda dialect: stack.enter_context(fresh_database_url(dialect, tmp_path))


def connect(url: str) -> Connection:
    return create_target_engine(url).connect()


def run(conn: Connection, *statements: str) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)
    conn.commit()


def copy(source: Connection, target: Connection) -> CopyPlan:
    plan = plan_copy(source, target, CopySpec(tables=None), step_id=STEP)
    run(target, *plan.before)
    for _ in copy_chunks(plan, source, target, start=None, step_id=STEP, batch_size=50, log=print):
        target.commit()
    run(target, *plan.after)
    return plan


@pytest.mark.mysql
@pytest.mark.postgres
def test_a_mariadb_boolean_default_becomes_true_on_postgresql(fresh: Callable[[str], str]) -> None:
    with connect(fresh("mysql")) as source, connect(fresh("postgresql")) as target:
        run(source, "CREATE TABLE t (id INT PRIMARY KEY, active TINYINT(1) NOT NULL DEFAULT 1,"
            " gone TINYINT(1) NOT NULL DEFAULT 0, since DATE NOT NULL DEFAULT curdate())")  # fmt: skip
        run(source, "INSERT INTO t (id) VALUES (1), (2)")
        copy(source, target)
        table = reflect_schema(target).table("t")
        assert table is not None
        found = {c.name: (c.type, c.default) for c in table.columns}
        assert found["active"] == ("BOOLEAN", "true")
        assert found["gone"] == ("BOOLEAN", "false")
        assert found["since"][1] == "CURRENT_DATE"
        assert verify_table(source, target, "t").equal


@pytest.mark.mysql
@pytest.mark.postgres
@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_index_names_shared_across_mysql_tables_are_renamed(
    fresh: Callable[[str], str], dialect: str
) -> None:
    with (
        connect(fresh("mysql")) as source,
        connect(fresh(dialect)) as target,
        connect(fresh(dialect)) as other,
    ):
        run(
            source,
            "CREATE TABLE a (id INT PRIMARY KEY, film_id INT, KEY idx_fk_film_id (film_id))",
            "CREATE TABLE b (id INT PRIMARY KEY, film_id INT, KEY idx_fk_film_id (film_id))",
            "CREATE TABLE c (id INT PRIMARY KEY, film_id INT, KEY idx_fk_film_id (film_id))",
        )
        plan = copy(source, target)
        names = sorted(i.name for t in reflect_schema(target).tables for i in t.indexes)
        assert names == ["b_idx_fk_film_id", "c_idx_fk_film_id", "idx_fk_film_id"]
        renamed = [n for n in plan.notes if "renamed" in n]
        assert len(renamed) == 2 and "index b.idx_fk_film_id renamed b_idx_fk_film_id" in renamed[0]
        again = plan_copy(source, other, CopySpec(tables=None), step_id=STEP)  # deterministic
        assert [n for n in again.notes if "renamed" in n] == renamed


@pytest.mark.postgres
def test_timestamptz_on_sqlite_is_what_verify_reads(fresh: Callable[[str], str]) -> None:
    with connect(fresh("postgresql")) as source, connect(fresh("sqlite")) as target:
        run(source, "SET TIME ZONE 'Europe/Berlin'",
            "CREATE TABLE e (at timestamptz PRIMARY KEY, v int)",
            "INSERT INTO e SELECT TIMESTAMPTZ '2024-03-01 12:00:00.5+02' + g * INTERVAL '7 hours',"
            " g FROM generate_series(1, 120) g")  # fmt: skip
        copy(source, target)
        stored = target.exec_driver_sql("SELECT at FROM e ORDER BY at LIMIT 1").scalar()
        assert stored == "2024-03-01 17:00:00.500000"  # UTC, no offset
        assert verify_table(source, target, "e").equal
        # what older copies wrote, the same instants with their offset spelled out
        run(target, "UPDATE e SET at = replace(at, ' ', 'T') || '+00:00'")
        assert verify_table(source, target, "e").equal
        run(target, "UPDATE e SET v = v + 1000 WHERE v = 1")
        changed = verify_table(source, target, "e")
        assert [str(k[0]) for k in changed.differing_keys] == ["2024-03-01 17:00:00.5"]  # not cut


@pytest.mark.postgres
def test_verify_counts_every_differing_row_and_says_the_list_is_cut(
    fresh: Callable[[str], str],
) -> None:
    with connect(fresh("postgresql")) as source, connect(fresh("sqlite")) as target:
        run(source, "CREATE TABLE r (id int PRIMARY KEY, v int)",
            "INSERT INTO r SELECT g, g FROM generate_series(1, 200) g")  # fmt: skip
        copy(source, target)
        run(target, "UPDATE r SET v = v + 1")
        result = verify_table(source, target, "r", max_differences=100)
        assert len(result.differing_keys) == 100
        assert result.differing_count == 200 and result.truncated and result.complete
        whole = verify_table(source, target, "r", max_differences=500)
        assert whole.differing_count == 200 and not whole.truncated


@pytest.mark.postgres
def test_an_existing_text_column_takes_an_enum(fresh: Callable[[str], str]) -> None:
    """The hint of a refused enum said to make the column TEXT, then refused TEXT."""
    with connect(fresh("postgresql")) as source, connect(fresh("sqlite")) as target:
        run(source, "CREATE TYPE mood AS ENUM ('sad', 'ok')",
            "CREATE TABLE m (id int PRIMARY KEY, mood mood NOT NULL)",
            "INSERT INTO m VALUES (1, 'ok'), (2, 'sad')")  # fmt: skip
        run(target, "CREATE TABLE m (id INTEGER PRIMARY KEY, mood TEXT NOT NULL)")
        plan = copy(source, target)
        assert verify_table(source, target, "m").equal
        assert not plan.tables[0].created


@pytest.mark.mysql
def test_a_copy_step_dry_runs_on_mariadb(tmp_path: Path, git_repo: Path) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("mysql", tmp_path) as target_url,
    ):
        engine = create_target_engine(source_url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"))
            conn.execute(text("INSERT INTO p VALUES (1, 'a'), (2, 'b')"))
        engine.dispose()
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "copy")
        add_data_step(project.repo, summary="copy p",
                      options=DataOptions(mode="copy", source=source_url, all_tables=True))  # fmt: skip
        result = project.apply(yes=True, dry_run=True)
        assert result.runs
        project.apply()
        assert project.sql("SELECT id, name FROM p ORDER BY id") == [(1, "a"), (2, "b")]


@pytest.mark.postgres
@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_a_nextval_key_default_becomes_auto_numbering(
    fresh: Callable[[str], str], dialect: str
) -> None:
    with connect(fresh("postgresql")) as source, connect(fresh(dialect)) as target:
        run(source, "CREATE SEQUENCE free_seq",
            "CREATE TABLE free (id integer PRIMARY KEY DEFAULT nextval('free_seq'), v text)",
            "INSERT INTO free (v) VALUES ('a'), ('b')")  # fmt: skip
        plan = copy(source, target)
        assert any("free.id: default nextval('free_seq')" in n for n in plan.notes), plan.notes
        run(target, "INSERT INTO free (v) VALUES ('c')")
        got = target.exec_driver_sql("SELECT id, v FROM free ORDER BY id").all()
        assert [tuple(r) for r in got] == [(1, "a"), (2, "b"), (3, "c")]


@pytest.mark.postgres
@pytest.mark.mysql
@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_pre_created_tables_get_the_sources_keys_and_lose_them_on_undo(
    fresh: Callable[[str], str], dialect: str
) -> None:
    from gitmigrate.data.copy import undo_copy

    with connect(fresh("postgresql")) as source, connect(fresh(dialect)) as target:
        run(source, "CREATE TABLE parent (id int PRIMARY KEY, name varchar(20))",
            "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id),"
            " label varchar(20))",
            "CREATE INDEX child_label ON child (label)",
            "INSERT INTO parent VALUES (1, 'a')", "INSERT INTO child VALUES (1, 1, 'x')")  # fmt: skip
        run(target, "CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, label VARCHAR(20))")  # fmt: skip
        plan = copy(source, target)
        child = reflect_schema(target).table("child")
        assert child is not None
        assert [i.columns for i in child.indexes if not i.unique] == [("label",)]
        if dialect == "sqlite":
            assert not child.foreign_keys
            assert any("SQLite adds no foreign key" in n for n in plan.notes), plan.notes
        else:
            assert [fk.columns for fk in child.foreign_keys] == [("parent_id",)]
        undo_copy(plan, target, step_id=STEP, log=lambda _s: None)
        target.commit()
        child = reflect_schema(target).table("child")
        assert child is not None and not child.foreign_keys
        assert [i for i in child.indexes if i.columns == ("label",)] == []
        assert target.exec_driver_sql("SELECT COUNT(*) FROM child").scalar() == 0
