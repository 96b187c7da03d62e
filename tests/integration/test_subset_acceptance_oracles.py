"""The oracles of tests/subset_oracles.py, on tiny hand-made databases where each must pass and
where each must fail: a check that cannot fail proves nothing about a subset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate.data.subset.model import QName
from tests import subset_oracles as o
from tests.fixtures_db import fresh_database_url

PARENT, CHILD = QName(None, "parent"), QName(None, "child")
SCHEMA = [
    "CREATE TABLE parent (a INTEGER NOT NULL, b INTEGER NOT NULL, email VARCHAR(40),"
    " phone VARCHAR(30), PRIMARY KEY (a, b))",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, note VARCHAR(20),"
    " FOREIGN KEY (pa, pb) REFERENCES parent (a, b))",
]
ROWS = [
    "INSERT INTO parent VALUES (1, 1, 'ann@example.com', '+1 (204) 452-6452'),"
    " (1, 2, 'bob@example.com', '555-0100'), (2, 1, 'cy@example.com', NULL)",
    "INSERT INTO child VALUES (10, 1, 1, 'x'), (11, 1, 2, 'y'), (12, NULL, NULL, 'z'),"
    " (13, 1, 1, 'w')",
]


def _db(tmp_path: Path, name: str, statements: list[str]) -> Connection:
    engine = create_engine(f"sqlite:///{tmp_path / name}", poolclass=NullPool)
    conn = engine.connect()
    for statement in statements:
        conn.execute(text(statement))
    conn.commit()
    return conn


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Connection]:
    conn = _db(tmp_path, "source.db", SCHEMA + ROWS)
    yield conn
    conn.close()


def test_clean_database_passes_every_structural_check(source: Connection) -> None:
    assert o.fk_violations(source) == []
    assert o.count_mismatches(source, {PARENT: 3, CHILD: 4}, schemas=[None]) == {}
    assert o.duplicate_groups(source, PARENT, ["email"]) == 0
    assert o.constraint_problems(source, [None], {("child", "parent")}) == []
    assert o.join_count(source, CHILD, ["pa", "pb"], PARENT, ["a", "b"]) == 3


def test_orphans_are_found_by_sqlite_and_by_the_anti_join(tmp_path: Path) -> None:
    bad = _db(tmp_path, "bad.db", [*SCHEMA, *ROWS, "INSERT INTO child VALUES (14, 9, 9, 'o')"])
    problems = o.fk_violations(bad)
    assert any(p.startswith("foreign_key_check: child") for p in problems)
    assert "child(pa, pb) -> parent(a, b): 1 orphan row(s)" in problems
    # half a composite key NULL references nothing (MATCH SIMPLE): not an orphan
    half = _db(tmp_path, "half.db", [*SCHEMA, *ROWS, "INSERT INTO child VALUES (15, 9, NULL, 'h')"])
    assert o.fk_violations(half) == []


def test_missing_constraint_and_wrong_counts_are_reported(tmp_path: Path) -> None:
    bare = _db(
        tmp_path,
        "bare.db",
        [SCHEMA[0], "CREATE TABLE child (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER)"],
    )
    assert o.constraint_problems(bare, [None], {("child", "parent")}) == [
        "no foreign key child -> parent on the target"
    ]
    assert o.count_mismatches(bare, {PARENT: 3}, schemas=[None]) == {"parent": (3, 0)}
    extra = _db(tmp_path, "extra.db", [*SCHEMA, "CREATE TABLE stray (x INTEGER)"])
    assert o.count_mismatches(extra, {PARENT: 0, CHILD: 0}, schemas=[None]) == {}
    extra.execute(text("INSERT INTO stray VALUES (1)"))
    assert o.count_mismatches(extra, {PARENT: 0, CHILD: 0}, schemas=[None]) == {"stray": (0, 1)}


def test_masked_rows_equal_to_their_source_rows_are_counted(
    source: Connection, tmp_path: Path
) -> None:
    masked = _db(
        tmp_path,
        "masked.db",
        [
            *SCHEMA,
            "INSERT INTO parent VALUES (1, 1, 'q1@example.org', '111-222-3333'),"
            " (1, 2, 'bob@example.com', '555-0100'), (2, 1, 'q3@example.org', NULL)",
        ],
    )
    cols = ["email", "phone"]
    assert o.unchanged_rows(source, PARENT, masked, PARENT, cols, match=["a", "b"]) == 1
    assert o.unchanged_rows(source, PARENT, masked, PARENT, cols) == 1
    # a value moved to another row still equals a source row under the strict (no-match) form
    masked.execute(text("UPDATE parent SET email = 'q2@example.org', phone = '9' WHERE b = 2"))
    masked.execute(text("UPDATE parent SET email = 'bob@example.com', phone = '555-0100'"
                        " WHERE a = 2"))  # fmt: skip
    assert o.unchanged_rows(source, PARENT, masked, PARENT, cols, match=["a", "b"]) == 0
    assert o.unchanged_rows(source, PARENT, masked, PARENT, cols) == 1


def test_leaked_emails_and_phones_are_found_in_any_spelling(
    source: Connection, tmp_path: Path
) -> None:
    email, phone = [(PARENT, "email")], [(PARENT, "phone")]
    clean = _db(
        tmp_path,
        "clean.db",
        [*SCHEMA, "INSERT INTO parent VALUES (1, 1, 'x@example.org', '999-000-1111')"],
    )
    assert o.leaked_values(source, email, clean, email) == []
    assert o.leaked_values(source, phone, clean, phone, o.phone_form) == []
    leaky = _db(
        tmp_path,
        "leaky.db",
        [*SCHEMA, "INSERT INTO parent VALUES (5, 5, ' CY@Example.com', '1-204-452-6452')"],
    )
    assert o.leaked_values(source, email, leaky, email) == ["parent.email = ' CY@Example.com'"]
    assert o.leaked_values(source, phone, leaky, phone, o.phone_form) == [
        "parent.phone = '1-204-452-6452'"
    ]


def test_duplicates_in_a_unique_column_are_counted(tmp_path: Path) -> None:
    dup = _db(
        tmp_path,
        "dup.db",
        [
            SCHEMA[0],
            "INSERT INTO parent VALUES (1, 1, 'a@x.org', NULL), (1, 2, 'a@x.org', NULL),"
            " (1, 3, NULL, NULL), (1, 4, NULL, NULL)",
        ],
    )
    assert o.duplicate_groups(dup, PARENT, ["email"]) == 1
    assert o.duplicate_groups(dup, PARENT, ["email", "phone"]) == 0  # NULLs are never equal


def test_join_counts_hold_through_a_consistent_mask_and_break_on_a_partial_one(
    source: Connection, tmp_path: Path
) -> None:
    # the key masked the same way in parent and child (a -> a + 100): joins hold
    same = [
        *SCHEMA,
        "INSERT INTO parent VALUES (101, 1, 'p', NULL), (101, 2, 'q', NULL), (102, 1, 'r', NULL)",
        "INSERT INTO child VALUES (10, 101, 1, 'x'), (11, 101, 2, 'y'), (13, 101, 1, 'w')",
    ]
    tables, cols, refs = (CHILD, PARENT), ["pa", "pb"], ["a", "b"]
    good = _db(tmp_path, "good.db", same)
    assert o.join_counts(source, good, tables, tables, cols, refs, match=["id"]) == (3, 3)
    # one child row's key left unmasked (SQLite loads it: foreign keys are off by default)
    broken = _db(tmp_path, "broken.db", [*same[:-1], same[-1].replace("(10, 101", "(10, 1")])
    assert o.fk_violations(broken) != []
    assert o.join_counts(source, broken, tables, tables, cols, refs, match=["id"]) == (3, 2)


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_servers_report_orphans_and_unenforced_keys(dialect: str, tmp_path: Path) -> None:
    with fresh_database_url(dialect, tmp_path) as url:
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            for statement in SCHEMA:
                conn.execute(text(statement.replace("FOREIGN KEY", "CONSTRAINT fk_p FOREIGN KEY")))
            conn.execute(text(ROWS[0]))
            conn.execute(text(ROWS[1]))
            assert o.fk_violations(conn) == []
            assert o.constraint_problems(conn, [None], {("child", "parent")}) == []
            if dialect == "postgresql":  # an orphan let in by a NOT VALID constraint
                conn.execute(text("ALTER TABLE child DROP CONSTRAINT fk_p"))
                conn.execute(text("INSERT INTO child VALUES (14, 9, 9, 'o')"))
                conn.execute(text("ALTER TABLE child ADD CONSTRAINT fk_p FOREIGN KEY (pa, pb)"
                                  " REFERENCES parent (a, b) NOT VALID"))  # fmt: skip
            else:  # an orphan let in with checks off
                conn.execute(text("SET foreign_key_checks = 0"))
                conn.execute(text("INSERT INTO child VALUES (14, 9, 9, 'o')"))
            assert o.fk_violations(conn) == ["child(pa, pb) -> parent(a, b): 1 orphan row(s)"]
            if dialect == "postgresql":
                assert o.constraint_problems(conn, [None], {("child", "parent")}) == [
                    "foreign key child(pa, pb) -> parent(a, b) is not enforced"
                ]
        engine.dispose()


def test_reference_closure_takes_parents_always_and_children_only_where_followed(
    source: Connection, tmp_path: Path
) -> None:
    assert o.reference_closure(source, [None], [(CHILD, "id = 10")]) == {CHILD: 1, PARENT: 1}
    roots = [(PARENT, "a = 1 AND b = 1")]
    assert o.reference_closure(source, [None], roots) == {CHILD: 0, PARENT: 1}
    assert o.reference_closure(source, [None], roots, follow={PARENT}) == {CHILD: 2, PARENT: 1}
    chain = _db(
        tmp_path,
        "chain.db",
        [
            "CREATE TABLE emp (id INTEGER PRIMARY KEY, boss INTEGER REFERENCES emp (id))",
            "INSERT INTO emp VALUES (1, NULL), (2, 1), (3, 2), (4, 2), (5, NULL)",
        ],
    )
    emp = QName(None, "emp")
    assert o.reference_closure(chain, [None], [(emp, "id = 3")]) == {emp: 3}
    assert o.reference_closure(chain, [None], [(emp, "id = 2")], follow={emp}) == {emp: 4}


@pytest.mark.postgres
def test_postgresql_keys_across_schemas_name_their_parents_schema(tmp_path: Path) -> None:
    with fresh_database_url("postgresql", tmp_path) as url:
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:  # the schema lives in the fresh database, dropped with it
            conn.execute(text("CREATE SCHEMA side"))
            conn.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
            conn.execute(text("CREATE TABLE side.kid (id INTEGER PRIMARY KEY,"
                              " p INTEGER REFERENCES parent (id))"))  # fmt: skip
            conn.execute(text("CREATE TABLE side.pet (id INTEGER PRIMARY KEY,"
                              " k INTEGER REFERENCES side.kid (id))"))  # fmt: skip
            found = {fk.child.label: fk.parent for fk in o.foreign_keys(conn, [None, "side"])}
            assert found == {"side.kid": QName(None, "parent"), "side.pet": QName("side", "kid")}
            conn.execute(text("INSERT INTO parent VALUES (1)"))
            conn.execute(text("INSERT INTO side.kid VALUES (1, 1), (2, NULL)"))
            assert o.fk_violations(conn, [None, "side"]) == []
        engine.dispose()
