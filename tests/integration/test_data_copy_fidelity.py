"""Issue 19: copies of real-world schemas between every ordered pair of PostgreSQL, MariaDB
and SQLite finish, verify equal, and say every type mapping and every feature the target
could not hold.

Sources: fixtures/copies/postgresql.sql (domains, enums, arrays, a partitioned table, identity
and serial columns, defaults of every kind, composite and self-referencing keys) and
fixtures/copies/mariadb.sql (ENUM/SET, unsigned, ON UPDATE, FULLTEXT/SPATIAL, index names
shared across tables). SQLite sources are the SQLite copies of those two.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from gitmigrate.data.copy import CopyPlan, CopySpec, copy_chunks, plan_copy
from gitmigrate.data.verify import verify_table
from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.render import quote
from tests.copy_fixtures import load_fixture
from tests.fixtures_db import fresh_database_url

STEP = "copy-fidelity/001"
MARKS = {"postgresql": pytest.mark.postgres, "mysql": pytest.mark.mysql}


def connect(url: str) -> Connection:
    return create_target_engine(url).connect()


def run_copy(source: Connection, target: Connection) -> CopyPlan:
    plan = plan_copy(source, target, CopySpec(tables=None), step_id=STEP)
    for statement in plan.before:
        target.exec_driver_sql(statement)
    target.commit()
    for _chunk in copy_chunks(
        plan, source, target, start=None, step_id=STEP, batch_size=70, log=lambda _s: None
    ):
        target.commit()
    for statement in plan.after:
        target.exec_driver_sql(statement)
    target.commit()
    return plan


def count(conn: Connection, table: str) -> int:
    d = "mysql" if conn.dialect.name in ("mysql", "mariadb") else conn.dialect.name
    return int(conn.execute(text(f"SELECT COUNT(*) FROM {quote(table, d)}")).scalar_one())


def assert_faithful(source: Connection, target: Connection, plan: CopyPlan) -> None:
    for table in plan.tables:
        assert count(target, table.target) == count(source, table.source), table.source
        result = verify_table(source, target, table.source, table.target)
        assert result.equal, json.dumps(result.to_json(), default=str)[:600]


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    stack = ExitStack()
    path = tmp_path_factory.mktemp("fidelity")

    def fresh(dialect: str) -> str:
        return stack.enter_context(fresh_database_url(dialect, Path(path)))

    with stack:
        yield fresh


def _copy_chain(fresh: Callable[[str], str], origin: str, via: str, last: str) -> dict[str, Any]:
    """origin fixture -> via -> last: two copies, each verified; returns the plans' notes."""
    first = fresh(origin)
    load_fixture(first)
    second, third = fresh(via), fresh(last)
    notes: dict[str, Any] = {}
    with connect(first) as a, connect(second) as b:
        plan = run_copy(a, b)
        assert_faithful(a, b, plan)
        notes[f"{origin}-{via}"] = plan.notes
    with connect(second) as b, connect(third) as c:
        plan = run_copy(b, c)
        assert_faithful(b, c, plan)
        notes[f"{via}-{last}"] = plan.notes
    return notes


CHAINS = [
    pytest.param("postgresql", "sqlite", "mysql", id="pg-sqlite-mysql", marks=MARKS["mysql"]),
    pytest.param("postgresql", "mysql", "sqlite", id="pg-mysql-sqlite", marks=MARKS["mysql"]),
    pytest.param("mysql", "sqlite", "postgresql", id="mysql-sqlite-pg", marks=MARKS["postgresql"]),
    pytest.param("mysql", "postgresql", "sqlite", id="mysql-pg-sqlite", marks=MARKS["postgresql"]),
]


@pytest.mark.postgres
@pytest.mark.mysql
@pytest.mark.parametrize(("origin", "via", "last"), CHAINS)
def test_real_schemas_copy_between_every_pair(
    databases: Callable[[str], str], origin: str, via: str, last: str
) -> None:
    notes = _copy_chain(databases, origin, via, last)
    first = notes[f"{origin}-{via}"]
    text_of = "\n".join(first)
    if origin == "postgresql":
        assert "release_year" in text_of and "domain year" in text_of
        assert "mpaa_rating" in text_of and "special_features" in text_of
        assert "partitioned" in text_of
    else:
        assert "ENUM" in text_of and "SET" in text_of and "ON UPDATE" in text_of
        assert "FULLTEXT" in text_of or via == "mysql"


@pytest.mark.postgres
@pytest.mark.mysql
def test_the_step_note_and_plan_list_every_mapping_and_loss(
    databases: Callable[[str], str], tmp_path: Path, git_repo: Path
) -> None:
    from gitmigrate import api
    from gitmigrate.core.authoring import start_migration
    from gitmigrate.core.catalog import load_migration
    from gitmigrate.data.authoring import add_data_step
    from gitmigrate.data.options import DataOptions
    from gitmigrate.engine.registry import get_kind
    from tests.engine_helpers import make_project

    source_url, target_url = databases("postgresql"), databases("mysql")
    load_fixture(source_url)
    project = make_project(target_url, git_repo)
    start_migration(project.repo, "copy")
    add_data_step(project.repo, summary="copy all",
                  options=DataOptions(mode="copy", source=source_url, all_tables=True))  # fmt: skip
    step = load_migration(project.repo, "copy").steps[0]
    notes = get_kind("data").note(step, "mysql")["impact"]["copy_notes"]
    said = "\n".join(notes)
    for expected in (
        "column film.release_year: domain year -> its base type integer",
        "column film.rating: enum mpaa_rating -> MySQL ENUM",
        "column film.special_features: text[] (an array) -> JSON",
        "table payment is partitioned on the source",
        "type: TIMESTAMP WITH TIME ZONE -> DATETIME(6)",
        "foreign key payment_2025_store_fkey of a partition of payment is added",
        "column film.fulltext: TSVECTOR -> TEXT",
        "not kept: gist index film.film_fulltext_idx",
    ):
        assert expected in said, said
    report = api.plan(project.repo, "copy", output=tmp_path / "plan", dialect="mysql")
    assert report is not None
    words = "\n".join(p.read_text() for p in (tmp_path / "plan").rglob("*.md"))
    assert "enum mpaa_rating -> MySQL ENUM" in words and "partitioned" in words
    project.apply()
    with connect(source_url) as source, connect(target_url) as target:
        for name in ("category", "film", "store", "inventory", "payment"):
            assert verify_table(source, target, name).equal, name
        payment = reflect_schema(target).table("payment")
        assert payment is not None
        assert {fk.columns for fk in payment.foreign_keys} == {("inventory_id",), ("store_id",)}


@pytest.mark.mysql
def test_mariadb_to_mariadb_keeps_fulltext_spatial_and_on_update(
    databases: Callable[[str], str],
) -> None:
    source_url, target_url = databases("mysql"), databases("mysql")
    load_fixture(source_url)
    with connect(source_url) as source, connect(target_url) as target:
        plan = run_copy(source, target)
        assert_faithful(source, target, plan)
        kinds = target.execute(
            text(
                "SELECT DISTINCT TABLE_NAME, INDEX_NAME, INDEX_TYPE FROM information_schema.STATISTICS"
                " WHERE TABLE_SCHEMA = DATABASE() AND INDEX_TYPE IN ('FULLTEXT', 'SPATIAL')"
            )
        ).all()
        assert sorted(tuple(k) for k in kinds) == [
            ("address", "idx_location", "SPATIAL"),
            ("film", "idx_text", "FULLTEXT"),
        ]
        created = str(target.execute(text("SHOW CREATE TABLE film")).all()[0][1])
        assert "ON UPDATE current_timestamp()" in created, created


@pytest.mark.postgres
def test_postgresql_to_postgresql_says_the_partitioned_table_and_keeps_its_partition_fk(
    databases: Callable[[str], str],
) -> None:
    source_url, target_url = databases("postgresql"), databases("postgresql")
    load_fixture(source_url)
    with connect(source_url) as source, connect(target_url) as target:
        run(target, "CREATE DOMAIN year AS integer", "CREATE DOMAIN short_text AS varchar(40)",
            "CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17')")  # fmt: skip
        plan = run_copy(source, target)
        assert_faithful(source, target, plan)
        said = "\n".join(plan.notes)
        assert "table payment is partitioned on the source" in said
        assert "domain year is taken as declared" in said
        payment = reflect_schema(target).table("payment")
        assert payment is not None
        assert {fk.columns for fk in payment.foreign_keys} == {("inventory_id",), ("store_id",)}


def run(conn: Connection, *statements: str) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)
    conn.commit()
