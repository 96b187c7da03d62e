"""`data copy` library: the real Chinook sample copied between every ordered pair of SQLite,
PostgreSQL and MariaDB (keys, NOT NULLs and foreign keys reflected back, values row for row),
driven the way the engine drives it (commit per chunk, crash, resume), undone, and refused on
bad input before anything changes.

One Chinook source per dialect serves the whole module (loading it is the slow part); every
test copies into a fresh target database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from gitmigrate.data.copy import (
    CopyPlan,
    CopyPosition,
    CopySpec,
    copy_chunks,
    plan_copy,
    undo_copy,
)
from gitmigrate.data.naming import copy_record_table_name
from gitmigrate.data.typemap import target_type
from gitmigrate.db.connect import create_target_engine
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Schema, Table
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.render import quote, quote_list
from tests.chinook import ROWS, TABLES, load_chinook
from tests.fixtures_db import fresh_database_url

STEP = "copy-chinook/001"
MARKS = {"postgresql": pytest.mark.postgres, "mysql": pytest.mark.mysql}
PAIRS = [
    ("sqlite", "postgresql"),
    ("sqlite", "mysql"),
    ("postgresql", "sqlite"),
    ("postgresql", "mysql"),
    ("mysql", "sqlite"),
    ("mysql", "postgresql"),
]


def _pair(source: str, target: str) -> Any:
    marks = [MARKS[d] for d in (source, target) if d in MARKS]
    return pytest.param(source, target, id=f"{source}-{target}", marks=marks)


@pytest.fixture(scope="module")
def chinook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """The URL of a Chinook database on a dialect, loaded once per module on first use."""
    stack = ExitStack()
    urls: dict[str, str] = {}

    def get(dialect: str) -> str:
        if dialect not in urls:
            path = tmp_path_factory.mktemp(f"chinook-{dialect}")
            urls[dialect] = stack.enter_context(fresh_database_url(dialect, path))
            load_chinook(urls[dialect])
        return urls[dialect]

    with stack:
        yield get


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Fresh empty databases for this test, dropped afterwards."""
    with ExitStack() as stack:
        yield lambda dialect: stack.enter_context(fresh_database_url(dialect, tmp_path))


def connect(url: str) -> Connection:
    return create_target_engine(url).connect()


def run_copy(
    source: Connection,
    target: Connection,
    spec: CopySpec,
    *,
    batch_size: int = 2000,
    log: Callable[[str], None] | None = None,
) -> CopyPlan:
    """What the executor does: before, chunks each committed, after."""
    plan = plan_copy(source, target, spec, step_id=STEP)
    for statement in plan.before:
        target.exec_driver_sql(statement)
    target.commit()
    for _chunk in copy_chunks(
        plan, source, target, start=None, step_id=STEP, batch_size=batch_size,
        log=log or (lambda _s: None),
    ):  # fmt: skip
        target.commit()
    for statement in plan.after:
        target.exec_driver_sql(statement)
    target.commit()
    return plan


def norm(value: Any) -> Any:
    """One spelling per value across drivers (Decimal/float/int, datetime/text, bool/int)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).normalize()
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    return value


def rows(conn: Connection, table: str, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    d = conn.dialect.name if conn.dialect.name != "mariadb" else "mysql"
    sql = f"SELECT {quote_list(columns, d)} FROM {quote(table, d)}"
    found = [tuple(norm(v) for v in row) for row in conn.execute(text(sql))]
    return sorted(found, key=repr)


def table_names(conn: Connection) -> set[str]:
    return {t.name for t in reflect_schema(conn).tables}


def assert_same_structure(source: Schema, target: Schema, names: dict[str, str]) -> None:
    for old, new in names.items():
        src, dst = source.table(old), target.table(new)
        assert src is not None and dst is not None, new
        assert src.primary_key is not None and dst.primary_key is not None
        assert [c.lower() for c in dst.primary_key.columns] == [
            c.lower() for c in src.primary_key.columns
        ]
        assert {c.name.lower() for c in dst.columns if not c.nullable} == {
            c.name.lower() for c in src.columns if not c.nullable
        }, new
        fks = {
            (fk.columns, fk.ref_table.lower(), fk.ref_columns, fk.on_delete, fk.on_update)
            for fk in dst.foreign_keys
        }
        expected = {
            (fk.columns, names[fk.ref_table].lower(), fk.ref_columns, fk.on_delete, fk.on_update)
            for fk in src.foreign_keys
        }
        assert fks == expected, new
        assert _keys(dst) == _keys(src), new


def _keys(table: Table) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """(unique column sets, plain index column sets); MariaDB reports a unique index as a
    unique constraint, so both kinds of unique count the same."""
    unique = {u.columns for u in table.unique_constraints}
    unique |= {i.columns for i in table.indexes if i.unique}
    return unique, {i.columns for i in table.indexes if not i.unique}


@pytest.mark.parametrize(("source_dialect", "target_dialect"), [_pair(*p) for p in PAIRS])
def test_chinook_copies_between_every_pair(
    chinook: Callable[[str], str],
    fresh: Callable[[str], str],
    source_dialect: str,
    target_dialect: str,
) -> None:
    statements: list[str] = []
    with connect(chinook(source_dialect)) as source, connect(fresh(target_dialect)) as target:
        plan = run_copy(source, target, CopySpec(tables=None), log=statements.append)
        names = {t.source: t.target for t in plan.tables}
        assert sorted(names) == sorted(TABLES[source_dialect])
        source_schema, target_schema = reflect_schema(source), reflect_schema(target)
        assert_same_structure(source_schema, target_schema, names)
        for table in plan.tables:
            assert rows(target, table.target, table.target_columns) == rows(
                source, table.source, table.columns
            ), table.source
    expected = "COPY" if target_dialect == "postgresql" else "INSERT INTO"
    writes = [s for s in statements if s.startswith(expected)]
    assert len(writes) == sum(-(-n // 2000) for n in ROWS.values())  # one per chunk
    assert all(s.startswith((expected, "SET LOCAL", "PRAGMA", "SELECT")) for s in statements)


VALUES_DDL = {
    "sqlite": "CREATE TABLE v (id INTEGER PRIMARY KEY, flag BOOLEAN NOT NULL,"
    " amount NUMERIC(12, 3), ratio REAL, note TEXT, at DATETIME, day DATE, data BLOB)",
    "postgresql": "CREATE TABLE v (id INTEGER PRIMARY KEY, flag BOOLEAN NOT NULL,"
    " amount NUMERIC(12, 3), ratio DOUBLE PRECISION, note TEXT, at TIMESTAMP, day DATE,"
    " data BYTEA)",
    "mysql": "CREATE TABLE v (id INT PRIMARY KEY, flag BOOLEAN NOT NULL, amount DECIMAL(12, 3),"
    " ratio DOUBLE, note LONGTEXT, at DATETIME(6), day DATE, data LONGBLOB)",
}
VALUES = [
    (1, True, Decimal("12.345"), 0.1, "tab\there\nnew\\slash\r", dt.datetime(2024, 1, 2, 3, 4, 5, 678000),
     dt.date(2024, 2, 29), b"\x00\xffbin"),
    (2, False, None, None, None, None, None, None),
    (3, True, Decimal("-0.5"), 1e-300, "ünïcödé ✓ \\N", dt.datetime(1999, 12, 31, 23, 59, 59),
     dt.date(1970, 1, 1), b""),
]  # fmt: skip


def _sqlite_values(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite has no Decimal/datetime: store them as an application would (text)."""
    return tuple(
        v.isoformat(" ") if isinstance(v, dt.datetime) else
        v.isoformat() if isinstance(v, dt.date) else
        str(v) if isinstance(v, Decimal) else v
        for v in row
    )  # fmt: skip


@pytest.mark.parametrize(("source_dialect", "target_dialect"), [_pair(*p) for p in PAIRS])
def test_values_of_every_mapped_type_survive(
    fresh: Callable[[str], str], source_dialect: str, target_dialect: str
) -> None:
    with connect(fresh(source_dialect)) as source, connect(fresh(target_dialect)) as target:
        source.exec_driver_sql(VALUES_DDL[source_dialect])
        marks = ", ".join(f":p{i}" for i in range(8))
        for row in VALUES:
            values = _sqlite_values(row) if source_dialect == "sqlite" else row
            source.execute(
                text(f"INSERT INTO v VALUES ({marks})"), {f"p{i}": v for i, v in enumerate(values)}
            )
        source.commit()
        plan = run_copy(source, target, CopySpec(tables=("v",)), batch_size=2)
        columns = plan.tables[0].columns
        expected = [tuple(norm(v) for v in row) for row in VALUES]
        assert rows(source, "v", columns) == sorted(expected, key=repr)
        assert rows(target, "v", columns) == sorted(expected, key=repr)


@pytest.mark.parametrize(
    ("source_dialect", "target_dialect"),
    [_pair("sqlite", "postgresql"), _pair("sqlite", "mysql"), _pair("postgresql", "sqlite")],
)
def test_unique_keys_indexes_and_fk_actions_are_kept(
    fresh: Callable[[str], str], source_dialect: str, target_dialect: str
) -> None:
    with connect(fresh(source_dialect)) as source, connect(fresh(target_dialect)) as target:
        for statement in (
            "CREATE TABLE owner (id INTEGER PRIMARY KEY, code VARCHAR(20) NOT NULL UNIQUE)",
            "CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (id)"
            " ON DELETE CASCADE ON UPDATE SET NULL, name VARCHAR(40) NOT NULL, born DATE)",
            "CREATE INDEX pet_name_born ON pet (name, born)",
            "CREATE UNIQUE INDEX pet_owner_name ON pet (owner_id, name)",
            "INSERT INTO owner VALUES (1, 'a'), (2, 'b')",
            "INSERT INTO pet VALUES (1, 1, 'rex', NULL), (2, 2, 'tom', NULL)",
        ):
            source.exec_driver_sql(statement)
        source.commit()
        run_copy(source, target, CopySpec(tables=None))
        assert_same_structure(
            reflect_schema(source), reflect_schema(target), {"owner": "owner", "pet": "pet"}
        )
        target.execute(text("DELETE FROM owner WHERE id = 1"))  # the cascade works
        assert rows(target, "pet", ("name",)) == [("tom",)]


def _checkpoint(target: Connection, position: CopyPosition, plan: CopyPlan) -> None:
    """The engine's ledger write: in the chunk's transaction, before its commit."""
    document = json.dumps({"position": position.to_json(), "plan": plan.to_json()})
    target.execute(text("DELETE FROM ckpt"))
    target.execute(text("INSERT INTO ckpt (doc) VALUES (:d)"), {"d": document})


@pytest.mark.parametrize(
    ("source_dialect", "target_dialect"),
    [_pair("sqlite", "postgresql"), _pair("postgresql", "mysql"), _pair("mysql", "sqlite")],
)
def test_crash_and_resume_lose_and_repeat_nothing(
    chinook: Callable[[str], str],
    fresh: Callable[[str], str],
    source_dialect: str,
    target_dialect: str,
) -> None:
    target_url = fresh(target_dialect)
    with connect(chinook(source_dialect)) as source:
        target = connect(target_url)
        plan = plan_copy(source, target, CopySpec(tables=None), step_id=STEP)
        for statement in (*plan.before, "CREATE TABLE ckpt (doc TEXT NOT NULL)"):
            target.exec_driver_sql(statement)
        target.commit()
        chunks = copy_chunks(
            plan, source, target, start=None, step_id=STEP, batch_size=500, log=lambda _s: None
        )
        assert isinstance(chunks, Generator)
        for n, chunk in enumerate(chunks):
            if n == 9:  # the crash: the chunk is written, its commit never happens
                break
            _checkpoint(target, chunk.position, plan)
            target.commit()
        chunks.close()
        target.close()  # closing without commit rolls the last chunk back

        with connect(target_url) as target:
            saved = json.loads(target.execute(text("SELECT doc FROM ckpt")).scalar_one())
            plan = CopyPlan.from_json(saved["plan"])
            start = CopyPosition.from_json(saved["position"])
            assert start.table_index > 0  # a later table, so earlier ones are skipped
            for chunk in copy_chunks(
                plan, source, target, start=start, step_id=STEP, batch_size=500,
                log=lambda _s: None,
            ):  # fmt: skip
                _checkpoint(target, chunk.position, plan)
                target.commit()
            for statement in plan.after:
                target.exec_driver_sql(statement)
            target.commit()
            for table in plan.tables:
                assert rows(target, table.target, table.target_columns) == rows(
                    source, table.source, table.columns
                ), table.source


@pytest.mark.parametrize(
    "target_dialect",
    [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_undo_removes_exactly_what_the_copy_inserted(
    chinook: Callable[[str], str], fresh: Callable[[str], str], target_dialect: str
) -> None:
    with connect(chinook("sqlite")) as source, connect(fresh(target_dialect)) as target:
        d = target_dialect
        target.exec_driver_sql(
            f"CREATE TABLE {quote('Artist', d)} ({quote('ArtistId', d)} BIGINT PRIMARY KEY,"
            f" {quote('Name', d)} VARCHAR(200))"
        )
        own = [(100001, "Own one"), (100002, "Own two")]
        for key, name in own:
            target.execute(
                text(f"INSERT INTO {quote('Artist', d)} VALUES (:k, :n)"), {"k": key, "n": name}
            )
        target.commit()
        plan = run_copy(source, target, CopySpec(tables=("Artist", "Album")), batch_size=100)
        assert [(t.target, t.created) for t in plan.tables] == [("Artist", False), ("Album", True)]
        assert plan.record_table == copy_record_table_name(STEP)
        assert len(rows(target, "Artist", ("ArtistId",))) == 275 + 2

        undo_copy(plan, target, step_id=STEP, log=lambda _s: None)
        target.commit()
        assert table_names(target) == {"Artist"}
        assert rows(target, "Artist", ("ArtistId", "Name")) == sorted(
            ((norm(k), n) for k, n in own), key=repr
        )
        assert plan.record_table.lower() not in {
            n.lower() for n in target.dialect.get_table_names(target)
        }


@pytest.mark.parametrize(
    "target_dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_keys_recorded_across_a_crash_are_undone_exactly(
    chinook: Callable[[str], str], fresh: Callable[[str], str], target_dialect: str
) -> None:
    """The record of inserted keys commits with each chunk, so after a crash and a resume it
    holds every copied key once, and undo leaves only the table's own rows."""
    target_url = fresh(target_dialect)
    d = target_dialect
    with connect(chinook("sqlite")) as source:
        target = connect(target_url)
        target.exec_driver_sql(
            f"CREATE TABLE {quote('Artist', d)} ({quote('ArtistId', d)} BIGINT PRIMARY KEY,"
            f" {quote('Name', d)} VARCHAR(200))"
        )
        target.exec_driver_sql(f"INSERT INTO {quote('Artist', d)} VALUES (900001, 'own')")
        plan = plan_copy(source, target, CopySpec(tables=("Artist",)), step_id=STEP)
        for statement in plan.before:
            target.exec_driver_sql(statement)
        target.commit()
        chunks = copy_chunks(
            plan, source, target, start=None, step_id=STEP, batch_size=50, log=lambda _s: None
        )
        position = next(chunks).position
        target.commit()
        next(chunks)  # written, never committed
        target.close()
        with connect(target_url) as target:
            for _chunk in copy_chunks(
                plan, source, target, start=position, step_id=STEP, batch_size=50,
                log=lambda _s: None,
            ):  # fmt: skip
                target.commit()
            record = quote(copy_record_table_name(STEP), d)
            seqs = target.execute(text(f"SELECT {quote('seq', d)} FROM {record}")).scalars()
            assert sorted(seqs) == list(range(1, 276))
            undo_copy(plan, target, step_id=STEP, log=lambda _s: None)
            target.commit()
            assert rows(target, "Artist", ("ArtistId",)) == [(Decimal(900001),)]


IDENTITY_DDL = {
    "sqlite": "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)",
    "postgresql": "CREATE TABLE item (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    " name TEXT NOT NULL)",
    "mysql": "CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
}


@pytest.mark.parametrize(
    ("source_dialect", "target_dialect"),
    [_pair("sqlite", "postgresql"), _pair("postgresql", "mysql"), _pair("mysql", "sqlite")],
)
def test_sequences_continue_after_the_copied_keys(
    fresh: Callable[[str], str], source_dialect: str, target_dialect: str
) -> None:
    with connect(fresh(source_dialect)) as source, connect(fresh(target_dialect)) as target:
        source.exec_driver_sql(IDENTITY_DDL[source_dialect])
        for name in ("a", "b", "c"):
            source.execute(text("INSERT INTO item (name) VALUES (:n)"), {"n": name})
        source.execute(text("DELETE FROM item WHERE name = 'b'"))
        source.commit()
        run_copy(source, target, CopySpec(tables=("item",)))
        target.execute(text("INSERT INTO item (name) VALUES ('new')"))
        target.commit()
        found = target.execute(text("SELECT id, name FROM item ORDER BY id")).all()
        assert [tuple(r) for r in found] == [(1, "a"), (3, "c"), (4, "new")]


def test_where_and_map_filter_and_rename(
    chinook: Callable[[str], str], fresh: Callable[[str], str]
) -> None:
    with connect(chinook("sqlite")) as source, connect(fresh("sqlite")) as target:
        spec = CopySpec(
            tables=("Album", "Artist"), mapping={"artist": "performer"}, where="ArtistId <= 10"
        )
        plan = run_copy(source, target, spec, batch_size=7)
        assert [t.target for t in plan.tables] == ["performer", "Album"]
        album = reflect_schema(target).table("Album")
        assert album is not None
        assert [fk.ref_table for fk in album.foreign_keys] == ["performer"]
        expected = source.execute(text('SELECT count(*) FROM "Album" WHERE "ArtistId" <= 10'))
        assert len(rows(target, "Album", ("AlbumId",))) == expected.scalar_one()
        assert len(rows(target, "performer", ("ArtistId",))) == 10


@pytest.fixture
def sqlite_source(fresh: Callable[[str], str]) -> Iterator[Connection]:
    with connect(fresh("sqlite")) as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)")
        conn.exec_driver_sql("CREATE TABLE nokey (a INTEGER, b TEXT)")
        conn.exec_driver_sql("CREATE TABLE keyed (a INTEGER NOT NULL, b TEXT)")
        conn.commit()
        yield conn


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (CopySpec(tables=("missing",)), "source table 'missing' does not exist"),
        (CopySpec(tables=("nokey",)), "table nokey has no primary key or unique NOT NULL key"),
        (CopySpec(tables=("nokey",), keys={"nokey": ("a",)}), "key column 'a' of table nokey may be NULL"),
        (CopySpec(tables=("parent",), mapping={"other": "x"}), "--map names table 'other', which is not copied"),
        (CopySpec(tables=("parent",), where="id >"), "--where 'id >' does not parse as sqlite SQL"),
        (CopySpec(tables=("parent",), where="1 = 1; DROP TABLE parent"), "is not a single condition"),
        (CopySpec(tables=("parent", "keyed"), where="id > 3", keys={"keyed": ("a",)}),
         "--where names column 'id', which table keyed does not have"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_before_anything_changes(
    sqlite_source: Connection, fresh: Callable[[str], str], spec: CopySpec, message: str
) -> None:
    with connect(fresh("sqlite")) as target:
        with pytest.raises(UsageError) as caught:
            plan_copy(sqlite_source, target, spec, step_id=STEP)
        assert message in str(caught.value)
        assert table_names(target) == set()
    if "no primary key" in message:
        assert "--key nokey:COL" in str(caught.value)


def test_a_key_can_be_given_for_a_table_without_one(
    sqlite_source: Connection, fresh: Callable[[str], str]
) -> None:
    sqlite_source.exec_driver_sql("INSERT INTO keyed VALUES (2, 'x'), (1, 'y')")
    sqlite_source.commit()
    with connect(fresh("sqlite")) as target:
        plan = run_copy(sqlite_source, target, CopySpec(tables=("keyed",), keys={"keyed": ("a",)}))
        assert plan.tables[0].key == ("a",)
        assert rows(target, "keyed", ("a", "b")) == [(Decimal(1), "y"), (Decimal(2), "x")]


def test_an_incompatible_existing_table_is_refused(
    sqlite_source: Connection, fresh: Callable[[str], str]
) -> None:
    with connect(fresh("sqlite")) as target:
        target.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY, title TEXT)")
        target.commit()
        with pytest.raises(UsageError, match="existing target table parent has no column 'name'"):
            plan_copy(sqlite_source, target, CopySpec(tables=("parent",)), step_id=STEP)


def test_a_referenced_table_must_come_along(
    chinook: Callable[[str], str], fresh: Callable[[str], str]
) -> None:
    with connect(chinook("sqlite")) as source, connect(fresh("sqlite")) as target:
        with pytest.raises(UsageError, match="table Album references Artist, which is neither"):
            plan_copy(source, target, CopySpec(tables=("Album",)), step_id=STEP)


@pytest.mark.postgres
def test_an_unmappable_type_names_the_column_and_the_fix(fresh: Callable[[str], str]) -> None:
    with connect(fresh("postgresql")) as source, connect(fresh("sqlite")) as target:
        # arrays map to JSON (test_data_copy_fidelity); a range type has no equivalent
        source.exec_driver_sql("CREATE TABLE tagged (id INTEGER PRIMARY KEY, span INT4RANGE)")
        source.commit()
        with pytest.raises(UsageError) as caught:
            plan_copy(source, target, CopySpec(tables=None), step_id=STEP)
        message = str(caught.value)
        assert "column tagged.span has type INT4RANGE" in message
        assert "create table tagged on the target yourself" in message
        assert table_names(target) == set()


@pytest.mark.parametrize(
    ("type_text", "source", "target", "expected"),
    [
        ("INT UNSIGNED", "mysql", "postgresql", "BIGINT"),
        ("BIGINT UNSIGNED", "mysql", "postgresql", "NUMERIC(20, 0)"),
        ("TINYINT(1)", "mysql", "postgresql", "BOOLEAN"),
        ("ENUM('a','b')", "mysql", "postgresql", "VARCHAR(255)"),
        ("VARCHAR(40) CHARACTER SET UTF8MB3 COLLATE UTF8MB3_GENERAL_CI", "mysql", "sqlite", "TEXT"),
        ("NVARCHAR(160)", "sqlite", "postgresql", "VARCHAR(160)"),
        ("INTEGER", "sqlite", "mysql", "BIGINT"),
        ("NUMERIC", "sqlite", "mysql", "DECIMAL(65, 30)"),
        ("TIMESTAMP(3) WITH TIME ZONE", "postgresql", "mysql", "DATETIME(3)"),
        ("TIMESTAMP", "postgresql", "mysql", "DATETIME(6)"),
        ("TEXT", "postgresql", "mysql", "LONGTEXT"),
        ("BYTEA", "postgresql", "sqlite", "BLOB"),
        ("DOUBLE PRECISION", "postgresql", "mysql", "DOUBLE"),
        ("JSONB", "postgresql", "mysql", "JSON"),
        ("UUID", "postgresql", "mysql", "CHAR(36)"),
    ],
)
def test_types_map_across_dialects(type_text: str, source: str, target: str, expected: str) -> None:
    assert target_type("t", "c", type_text, source, target) == expected


def test_plan_and_position_survive_json(
    chinook: Callable[[str], str], fresh: Callable[[str], str]
) -> None:
    with connect(chinook("sqlite")) as source, connect(fresh("sqlite")) as target:
        plan = plan_copy(source, target, CopySpec(tables=None), step_id=STEP)
    assert CopyPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
    key = (1, "a", Decimal("1.50"), dt.datetime(2024, 1, 2, 3, 4, 5), b"\x00\xff", 2.5)
    position = CopyPosition(3, key)
    assert CopyPosition.from_json(json.loads(json.dumps(position.to_json()))) == position
