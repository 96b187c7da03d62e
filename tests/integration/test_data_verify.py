"""`data verify` (verify_table) across SQLite, PostgreSQL and MariaDB on the real Chinook data.

Chinook is loaded once per dialect for the module; every hand change runs inside a transaction
on the target connection that is rolled back afterwards, so the tests share the databases.
"""

from __future__ import annotations

import math
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate.data.verify import verify_table
from gitmigrate.data.verify_run import verify_tables
from gitmigrate.db.connect import create_target_engine
from gitmigrate.errors import TargetError, UsageError
from gitmigrate.schema.render import quote
from tests.chinook import ROWS, TABLES, chinook_table_name, load_chinook
from tests.fixtures_db import fresh_database_url

PAIRS = [
    pytest.param(("sqlite", "postgresql"), id="sqlite-postgresql", marks=pytest.mark.postgres),
    pytest.param(("sqlite", "mysql"), id="sqlite-mariadb", marks=pytest.mark.mysql),
    pytest.param(
        ("postgresql", "mysql"), id="postgresql-mariadb",
        marks=[pytest.mark.postgres, pytest.mark.mysql],
    ),
]  # fmt: skip

# Real differences between the upstream scripts, found by verify and kept visible here:
# PostgreSQL's script writes strings as N'...' (type char), so 'Edinburgh ' loses its trailing
# space on the way into VARCHAR; MySQL reads the backslashes in four track names as escapes.
EDINBURGH = {"Customer": {54}, "Invoice": {20, 141, 152, 207, 336, 359, 381}}
BACKSLASH = {"Track": {3435, 3448, 3485, 3499}}
UPSTREAM = {
    ("sqlite", "postgresql"): EDINBURGH,
    ("sqlite", "mysql"): BACKSLASH,
    ("postgresql", "mysql"): EDINBURGH | BACKSLASH,
}


@pytest.fixture(scope="module")
def chinook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """URLs of one Chinook database per dialect, loaded lazily on first use."""
    urls: dict[str, str] = {}
    stack = []
    tmp = tmp_path_factory.mktemp("chinook")

    class Lazy(dict[str, str]):
        def __missing__(self, dialect: str) -> str:
            manager = fresh_database_url(dialect, tmp)
            url = manager.__enter__()
            stack.append(manager)
            load_chinook(url)
            self[dialect] = url
            return url

    lazy = Lazy(urls)
    yield lazy
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


def connect(url: str) -> Connection:
    return create_target_engine(url).connect()


def name(dialect: str, camel: str) -> str:
    """A Chinook column or table in `dialect`'s spelling (PostgreSQL: snake case)."""
    if dialect != "postgresql":
        return camel
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def table(dialect: str, camel: str) -> str:
    return chinook_table_name(dialect, camel)


@pytest.mark.parametrize("pair", PAIRS)
def test_chinook_loaded_natively_verifies_equal(
    chinook: dict[str, str], pair: tuple[str, str]
) -> None:
    a, b = pair
    with connect(chinook[a]) as source, connect(chinook[b]) as target:
        for camel in TABLES["sqlite"]:
            result = verify_table(source, target, table(a, camel))
            assert result.target_table == table(b, camel)  # matched ignoring case and "_"
            assert (result.source_rows, result.target_rows) == (ROWS[camel], ROWS[camel])
            assert result.unmatched_columns == ()
            assert result.missing_in_target == result.extra_in_target == ()
            expected = UPSTREAM[pair].get(camel, set())
            assert {k[0] for k in result.differing_keys} == expected, camel
            assert result.equal == (not expected)


@pytest.mark.parametrize("pair", PAIRS)
def test_hand_changes_are_reported_by_key(chinook: dict[str, str], pair: tuple[str, str]) -> None:
    a, b = pair
    with connect(chinook[a]) as source, connect(chinook[b]) as target, target.begin() as txn:

        def q(ident: str) -> str:
            return quote(name(b, ident), b)

        track, line, genre = (quote(table(b, t), b) for t in ("Track", "InvoiceLine", "Genre"))
        target.execute(text(f"UPDATE {track} SET {q('Name')} = 'changed' WHERE {q('TrackId')} = 5"))
        target.execute(text(f"DELETE FROM {line} WHERE {q('InvoiceLineId')} = 7"))
        target.execute(text(f"INSERT INTO {genre} ({q('GenreId')}, {q('Name')}) VALUES (26, 'x')"))

        tracks = verify_table(source, target, table(a, "Track"), table(b, "Track"))
        assert {k[0] for k in tracks.differing_keys} == {5} | UPSTREAM[pair].get("Track", set())
        lines = verify_table(source, target, table(a, "InvoiceLine"))
        assert (lines.missing_in_target, lines.differing_keys, lines.extra_in_target) == (
            ((7,),),
            (),
            (),
        )
        assert (lines.source_rows, lines.target_rows) == (2240, 2239)
        genres = verify_table(source, target, table(a, "Genre"))
        assert (genres.extra_in_target, genres.missing_in_target) == (((26,),), ())
        assert not genres.equal
        # many small segments, bisected: the same answer
        narrow = verify_table(source, target, table(a, "Track"), segment_rows=3000)
        assert narrow.differing_keys == tracks.differing_keys
        assert narrow.segments == 2
        txn.rollback()


@pytest.mark.postgres
def test_key_range_restricts_the_comparison(chinook: dict[str, str]) -> None:
    with connect(chinook["sqlite"]) as source, connect(chinook["postgresql"]) as target:
        with target.begin() as txn:
            target.execute(text("UPDATE track SET name = 'x' WHERE track_id IN (5, 150, 201)"))
            inside = verify_table(source, target, "Track", key_range=((100,), (200,)))
            assert inside.differing_keys == ((150,),)
            assert (inside.source_rows, inside.target_rows) == (100, 100)
            upto = verify_table(source, target, "Track", key_range=(None, (150,)))
            assert upto.differing_keys == ((5,), (150,))
            after = verify_table(source, target, "Track", key_range=((150,), None))
            assert after.differing_keys == ((201,),)
            assert after.source_rows == 3503 - 150
            txn.rollback()


@pytest.mark.postgres
@pytest.mark.parametrize("segment_rows", [10000, 700])
def test_composite_key_mismatch(chinook: dict[str, str], segment_rows: int) -> None:
    with connect(chinook["sqlite"]) as source, connect(chinook["postgresql"]) as target:
        with target.begin() as txn:
            target.execute(
                text("DELETE FROM playlist_track WHERE playlist_id = 1 AND track_id = 3390")
            )
            target.execute(text("INSERT INTO playlist_track VALUES (18, 1)"))
            result = verify_table(source, target, "PlaylistTrack", segment_rows=segment_rows)
            assert result.key == ("PlaylistId", "TrackId")
            assert result.missing_in_target == ((1, 3390),)
            assert result.extra_in_target == ((18, 1),)
            assert result.differing_keys == ()
            assert (result.source_rows, result.target_rows) == (8715, 8715)
            assert result.segments == -(-8715 // segment_rows)
            ranged = verify_table(
                source, target, "PlaylistTrack", key_range=((1, 3390), (18, 0)),
                segment_rows=segment_rows,
            )  # fmt: skip
            assert ranged.missing_in_target == ranged.extra_in_target == ()
            assert ranged.equal
            txn.rollback()


TYPES_DDL = {
    "sqlite": "CREATE TABLE t (k VARCHAR(10) PRIMARY KEY, i INTEGER, d NUMERIC(10, 3), "
    "f REAL, s TEXT, ts DATETIME, dt DATE, b BOOLEAN, raw BLOB)",
    "postgresql": "CREATE TABLE t (k VARCHAR(10) PRIMARY KEY, i BIGINT, d NUMERIC(12, 2), "
    "f DOUBLE PRECISION, s TEXT, ts TIMESTAMP, dt DATE, b BOOLEAN, raw BYTEA)",
    "mysql": "CREATE TABLE t (k VARCHAR(10) PRIMARY KEY, i BIGINT, d DECIMAL(10, 3), "
    "f DOUBLE, s TEXT, ts DATETIME(6), dt DATE, b BOOLEAN, raw BLOB)",
}
ROWS_TYPES: list[dict[str, Any]] = [
    {"k": "a", "i": 1, "d": "1.5", "f": 0.1, "s": "", "ts": "2021-01-01 00:00:00",
     "dt": "2021-01-01", "b": True, "raw": b"\x00\xff"},
    {"k": "B", "i": None, "d": "-2", "f": 1e20, "s": None, "ts": "2021-06-30 12:34:56.5",
     "dt": None, "b": False, "raw": None},
    {"k": "c", "i": -7, "d": None, "f": 1 / 3, "s": "žluť", "ts": None, "dt": "1999-12-31",
     "b": None, "raw": b""},
    {"k": "Z", "i": 2**40, "d": "0.25", "f": None, "s": "x\ny", "ts": "2000-02-29 23:59:59",
     "dt": "2000-02-29", "b": True, "raw": b"abc"},
]  # fmt: skip
TYPE_PAIRS = [
    pytest.param(("sqlite", "postgresql"), id="sqlite-postgresql", marks=pytest.mark.postgres),
    pytest.param(("sqlite", "mysql"), id="sqlite-mariadb", marks=pytest.mark.mysql),
    pytest.param(
        ("mysql", "postgresql"), id="mariadb-postgresql",
        marks=[pytest.mark.postgres, pytest.mark.mysql],
    ),
]  # fmt: skip


def _types_table(dialect: str, tmp_path: Path) -> Generator[str, None, None]:
    tmp_path.mkdir()
    with fresh_database_url(dialect, tmp_path) as url:
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text(TYPES_DDL[dialect]))
            cols = ", ".join(ROWS_TYPES[0])
            values = ", ".join(f":{c}" for c in ROWS_TYPES[0])
            conn.execute(text(f"INSERT INTO t ({cols}) VALUES ({values})"), ROWS_TYPES)
        engine.dispose()
        yield url


@pytest.mark.parametrize("pair", TYPE_PAIRS)
def test_every_type_family_hashes_alike_and_one_bit_shows(
    pair: tuple[str, str], tmp_path: Path
) -> None:
    a, b = pair
    source_urls = _types_table(a, tmp_path / "a")
    target_urls = _types_table(b, tmp_path / "b")
    with connect(next(source_urls)) as source, connect(next(target_urls)) as target:
        result = verify_table(source, target, "t")
        assert result.equal, result
        assert result.key == ("k",)
        target.rollback()  # end the read transaction verify began
        with target.begin() as txn:  # the next double after 1/3, and NULL -> ''
            target.execute(text("UPDATE t SET f = :f WHERE k = 'c'"), {"f": 0.33333333333333337})
            target.execute(text("UPDATE t SET s = '' WHERE k = 'B'"))
            changed = verify_table(source, target, "t")
            txn.rollback()
    for generator in (source_urls, target_urls):
        generator.close()
    # with MariaDB on either side floats compare as shortest digits, which still tell them apart
    assert changed.differing_keys == (("B",), ("c",))


@pytest.mark.postgres
def test_bad_input(chinook: dict[str, str], tmp_path: Path) -> None:
    with connect(chinook["sqlite"]) as source, connect(chinook["postgresql"]) as target:
        with pytest.raises(UsageError) as unknown:
            verify_table(source, target, "Tracks")
        assert "no table 'Tracks' on the source side" in unknown.value.message
        assert "Track" in str(unknown.value.hint) and "PlaylistTrack" in str(unknown.value.hint)
        with pytest.raises(UsageError) as mapped:
            verify_table(source, target, "Track", "tracks")
        assert "target side" in mapped.value.message and "track" in str(mapped.value.hint)
        with pytest.raises(UsageError) as bad_key:
            verify_table(source, target, "Track", key=("Nope",))
        assert "--key Nope" in bad_key.value.message

    scratch = tmp_path / "scratch.db"
    engine = create_engine(f"sqlite:///{scratch}", poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE log (at TEXT, msg TEXT, extra INTEGER)"))
        conn.execute(text("CREATE TABLE log2 (at TEXT, msg TEXT)"))
        conn.execute(text("INSERT INTO log VALUES ('1', 'a', 1)"))
        conn.execute(text("INSERT INTO log2 VALUES ('1', 'a')"))
    with connect(f"sqlite:///{scratch}") as source, connect(f"sqlite:///{scratch}") as target:
        with pytest.raises(UsageError) as no_key:
            verify_table(source, target, "log", "log2")
        assert "no primary key" in no_key.value.message
        assert "--key COL" in str(no_key.value.hint)
        result = verify_table(source, target, "log", "log2", key=("at",))
        assert result.rows_equal and not result.equal  # a column on one side only
        assert result.unmatched_columns == ("extra (only in source log)",)

    with pytest.raises(TargetError) as unreachable:
        verify_tables(
            "postgresql+psycopg://app:s3cret@127.0.0.1:1/nowhere", f"sqlite:///{scratch}",
            [("log", None)],
        )  # fmt: skip
    assert "s3cret" not in str(unreachable.value)
    assert "app:***@127.0.0.1:1" in str(unreachable.value)


@pytest.mark.postgres
def test_float_rendering_is_identical_on_sqlite_and_postgresql(postgres_url: str) -> None:
    """Awkward doubles (random bit patterns, powers of two at the branch edges, tiny, huge):
    each side's canonical text is the same, and distinct doubles never share one."""
    import random
    import sqlite3
    import struct

    from gitmigrate.data.rowhash import Canon, ColumnType, register_sqlite_functions, render

    rng = random.Random(7)
    values = [0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, 2.0**-40, 2.0**-40 * 0.999, 2.0**62,
              2.0**62 * 0.9999999, 1e300, 2.0**53 + 2, -3.75, 0.1, 1 / 3]  # fmt: skip
    # the edges of the exact integer-pair form, [2^-10, 2^63), and what falls outside it
    edges = [
        2.0**-10,
        math.nextafter(2.0**-10, 0),
        2.0**63 - 1024,
        2.0**63,
        2.0**63 + 2048,
        math.nextafter(1.0, 0),
        math.nextafter(1.0, 2),
        0.001,
        999.999,
        2.0**52 + 0.5,
    ]
    values += edges + [-v for v in edges]  # fmt: skip
    values += [rng.uniform(-1e6, 1e6) for _ in range(2000)]
    values += [rng.random() * 10 ** rng.randint(-20, 25) for _ in range(2000)]
    values += [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0] for _ in range(2000)]
    values = [v for v in values if v == v and abs(v) != float("inf")]
    rows = list(enumerate(values))
    float_type, canon = ColumnType("float"), Canon("float")

    lite = sqlite3.connect(":memory:")
    register_sqlite_functions(lite)
    lite.execute("CREATE TABLE t (i INTEGER PRIMARY KEY, x REAL)")
    lite.executemany("INSERT INTO t VALUES (?, ?)", rows)
    on_sqlite = dict(lite.execute(f"SELECT i, {render('sqlite', 'x', float_type, canon)} FROM t"))
    with create_engine(postgres_url, poolclass=NullPool).begin() as conn:
        conn.execute(text("CREATE TABLE t (i INTEGER PRIMARY KEY, x DOUBLE PRECISION)"))
        conn.execute(text("INSERT INTO t VALUES (:i, :x)"), [{"i": i, "x": x} for i, x in rows])
        sql = f"SELECT i, {render('postgresql', 'x', float_type, canon)} FROM t"
        on_postgres = {i: rendered for i, rendered in conn.execute(text(sql))}
    assert on_sqlite == on_postgres
    distinct = set(values)  # (SQLite stores -0.0 as 0: it cannot hold a negative zero)
    assert len(set(on_sqlite.values())) == len(distinct)
    # in range, both parts carry the sign; 0.0 (as the tiny and the huge) goes by its bits
    assert on_sqlite[values.index(0.0)] == "0000000000000000"
    assert on_sqlite[values.index(-3.75)] == "-3.-3458764513820540928"


@pytest.mark.postgres
def test_integer_and_real_columns_in_many_buckets(postgres_url: str, tmp_path: Path) -> None:
    """SQLite joins integer columns with `||` directly and renders REALs in SQL: across many
    buckets (and a one-column table, whose single field is still cast to text) the two sides
    agree, and a change in the last bit of a double, a missing and an extra row are found."""
    rows = [{"id": i, "x": i / 7 if i % 5 else None, "n": i * 3} for i in range(1, 3001)]
    scratch = tmp_path / "lite.db"
    for url, real in ((f"sqlite:///{scratch}", "REAL"), (postgres_url, "DOUBLE PRECISION")):
        with create_engine(url, poolclass=NullPool).begin() as conn:
            conn.execute(text(f"CREATE TABLE t (id INTEGER PRIMARY KEY, x {real}, n INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (:id, :x, :n)"), rows)
            conn.execute(text("CREATE TABLE k (id INTEGER PRIMARY KEY)"))
            conn.execute(text("INSERT INTO k VALUES (:id)"), rows)
    with connect(f"sqlite:///{scratch}") as source, connect(postgres_url) as target:
        equal = verify_table(source, target, "t", segment_rows=100)
        assert equal.equal and equal.segments == 30 and equal.source_rows == 3000
        assert verify_table(source, target, "k", segment_rows=100).equal
        target.rollback()
        with target.begin() as txn:
            next_double = math.nextafter(1234 / 7, 1000.0)
            target.execute(text("UPDATE t SET x = :x WHERE id = 1234"), {"x": next_double})
            target.execute(text("DELETE FROM t WHERE id = 2500"))
            target.execute(text("INSERT INTO t VALUES (3001, 0.5, 1)"))
            target.execute(text("DELETE FROM k WHERE id = 2999"))
            changed = verify_table(source, target, "t", segment_rows=100)
            keys = verify_table(source, target, "k", segment_rows=100)
            txn.rollback()
    assert changed.differing_keys == ((1234,),)
    assert changed.missing_in_target == ((2500,),)
    assert changed.extra_in_target == ((3001,),)
    assert keys.missing_in_target == ((2999,),) and not keys.differing_keys
