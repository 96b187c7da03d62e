"""Statement classification: operation, objects and destructive changes; the Chinook scripts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from gitmigrate.errors import SqlParseError
from gitmigrate.sql import Statement, StatementInfo, classify, classify_script, validate_sql

CHINOOK = Path(__file__).resolve().parents[2] / "fixtures" / "chinook"
Chinook = tuple[str, str, list[tuple[Statement, StatementInfo]]]  # dialect, text, classified
CHINOOK_FILES = {
    "sqlite": "Chinook_Sqlite.sql",
    "postgresql": "Chinook_PostgreSql.sql",
    "mysql": "Chinook_MySql.sql",
}


@pytest.mark.parametrize(
    ("dialect", "sql", "operation", "objects", "reason"),
    [
        ("sqlite", "DROP TABLE users", "DROP TABLE", ("users",), "drops table users"),
        (
            "postgresql",
            "DROP TABLE IF EXISTS a, Billing.Invoices CASCADE",
            "DROP TABLE",
            ("a", "billing.invoices"),
            "drops table a, billing.invoices",
        ),
        ("mysql", "DROP VIEW `v_sales`", "DROP VIEW", ("v_sales",), "drops view v_sales"),
        ("postgresql", "DROP SCHEMA app CASCADE", "DROP SCHEMA", ("app",), "drops schema app"),
        ("mysql", "DROP DATABASE shop", "DROP DATABASE", ("shop",), "drops database shop"),
        (
            "postgresql",
            "ALTER TABLE users DROP COLUMN email",
            "ALTER TABLE",
            ("users",),
            "drops column users.email",
        ),
        (
            "mysql",
            "ALTER TABLE users ADD COLUMN nick TEXT, DROP email, DROP COLUMN phone",
            "ALTER TABLE",
            ("users",),
            "drops columns users.email, users.phone",
        ),
        ("sqlite", "ALTER TABLE t DROP COLUMN c", "ALTER TABLE", ("t",), "drops column t.c"),
        ("postgresql", "TRUNCATE a, b", "TRUNCATE", ("a", "b"), "truncates a, b"),
        ("mysql", "TRUNCATE TABLE users", "TRUNCATE", ("users",), "truncates users"),
        (
            "sqlite",
            "DELETE FROM users",
            "DELETE",
            ("users",),
            "deletes every row of users (no WHERE)",
        ),
        ("postgresql", "UPDATE t SET a = 1", "UPDATE", ("t",), "updates every row of t (no WHERE)"),
    ],
)
def test_destructive_statements(
    dialect: str, sql: str, operation: str, objects: tuple[str, ...], reason: str
) -> None:
    info = classify(sql, dialect)
    assert info == StatementInfo(operation, info.category, objects, True, reason)
    assert info.category == ("dml" if operation in {"DELETE", "UPDATE"} else "ddl")


@pytest.mark.parametrize(
    ("dialect", "sql", "operation", "category", "objects"),
    [
        ("sqlite", "DELETE FROM users WHERE id = 3", "DELETE", "dml", ("users",)),
        ("postgresql", "UPDATE t SET a = 1 WHERE b IS NULL", "UPDATE", "dml", ("t",)),
        ("postgresql", "ALTER TABLE users ADD COLUMN nick TEXT", "ALTER TABLE", "ddl", ("users",)),
        ("postgresql", "ALTER TABLE t ALTER COLUMN a TYPE BIGINT", "ALTER TABLE", "ddl", ("t",)),
        ("postgresql", "ALTER TABLE t DROP CONSTRAINT t_fk", "ALTER TABLE", "ddl", ("t",)),
        ("sqlite", "ALTER TABLE old RENAME TO new", "ALTER TABLE", "ddl", ("old", "new")),
        ("postgresql", "CREATE INDEX ix_a ON app.t (a)", "CREATE INDEX", "ddl", ("ix_a", "app.t")),
        ("mysql", "CREATE UNIQUE INDEX ux ON t (a)", "CREATE INDEX", "ddl", ("ux", "t")),
        ("postgresql", "DROP INDEX ix_a", "DROP INDEX", "ddl", ("ix_a",)),
        ("mysql", "DROP INDEX ix_a ON t", "DROP INDEX", "ddl", ("ix_a", "t")),
        ("sqlite", "CREATE TABLE Users (id INTEGER)", "CREATE TABLE", "ddl", ("users",)),
        ("postgresql", "CREATE VIEW v AS SELECT * FROM t", "CREATE VIEW", "ddl", ("v",)),
        ("sqlite", 'INSERT INTO "Main"."T" (a) VALUES (1)', "INSERT", "dml", ("main.t",)),
        (
            "postgresql",
            "WITH x AS (SELECT 1) SELECT * FROM x JOIN s.y ON true",
            "SELECT",
            "query",
            ("s.y",),
        ),
        ("mysql", "DELETE t1 FROM t1 JOIN t2 ON t1.a = t2.a", "DELETE", "dml", ("t1",)),
        (
            "postgresql",
            "CREATE EXTENSION IF NOT EXISTS pgcrypto",
            "CREATE EXTENSION",
            "ddl",
            ("pgcrypto",),
        ),
        ("sqlite", "PRAGMA foreign_keys = ON", "PRAGMA", "other", ()),
    ],
)
def test_non_destructive_statements(
    dialect: str, sql: str, operation: str, category: str, objects: tuple[str, ...]
) -> None:
    assert classify(sql, dialect) == StatementInfo(operation, category, objects, False, None)


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgresql", "DO $$ BEGIN PERFORM 1; END $$"),
        ("mysql", "HANDLER t OPEN"),
        ("postgresql", "LISTEN channel"),
        ("sqlite", "this is not sql"),
        ("postgresql", "SELECT 'unterminated"),
        ("sqlite", "-- only a comment"),
    ],
)
def test_unknown_is_other_and_never_raises(dialect: str, sql: str) -> None:
    assert classify(sql, dialect) == StatementInfo("OTHER", "other", (), False, None)


def test_routine_bodies_are_not_judged_by_the_statements_inside() -> None:
    sql = "CREATE TRIGGER purge AFTER INSERT ON t BEGIN DELETE FROM log; END;"
    info = classify(sql, "sqlite")
    assert (info.operation, info.objects, info.destructive) == ("CREATE TRIGGER", ("purge",), False)


def test_unparsed_drop_column_is_still_destructive() -> None:
    info = classify("ALTER TABLE app.t DROP COLUMN c, ALGORITHM=INPLACE, LOCK=NONE", "mysql")
    assert (info.destructive, info.reason) == (True, "drops column app.t.c")


def test_big_insert_is_classified_from_its_head() -> None:
    rows = ", ".join(f"({i}, 'name {i}; x')" for i in range(3000))
    sql = f"INSERT INTO s.big (id, name) VALUES {rows} ON CONFLICT DO NOTHING;\nDELETE FROM s.big"
    result = classify_script(sql, "postgresql")
    assert [(s.index, i.operation, i.objects, i.destructive) for s, i in result] == [
        (0, "INSERT", ("s.big",), False),
        (1, "DELETE", ("s.big",), True),
    ]


def test_classify_script_pairs_each_statement_with_its_info() -> None:
    sql = "CREATE TABLE t (a INT);\n-- cleanup\nDELETE FROM t WHERE a > 1;\nDROP TABLE t"
    result = classify_script(sql, "sqlite")
    assert [s for s, _ in result] == [
        Statement("CREATE TABLE t (a INT)", 1, 1, 0),
        Statement("DELETE FROM t WHERE a > 1", 3, 1, 1),
        Statement("DROP TABLE t", 4, 1, 2),
    ]
    assert [i.destructive for _, i in result] == [False, False, True]


def test_classify_script_reports_tokenizer_errors() -> None:
    with pytest.raises(SqlParseError):
        classify_script("SELECT 1;\nSELECT 'x", "sqlite")


# -- the real Chinook scripts ----------------------------------------------------------------


@pytest.fixture(scope="module", params=list(CHINOOK_FILES))
def chinook(request: pytest.FixtureRequest) -> Chinook:
    dialect: str = request.param
    path = CHINOOK / CHINOOK_FILES[dialect]
    sql = path.read_text(encoding="utf-8")
    return dialect, sql, classify_script(sql, dialect)


def test_chinook_counts(chinook: Chinook) -> None:
    dialect, _sql, result = chinook
    ops = Counter(info.operation for _, info in result)
    assert ops["CREATE TABLE"] == 11
    assert ops["INSERT"] == 24
    assert ops["CREATE INDEX"] == 11
    tables = {info.objects[0] for _, info in result if info.operation == "CREATE TABLE"}
    assert len(tables) == 11
    assert {"album", "artist", "track"} <= tables
    inserted = {info.objects[0] for _, info in result if info.operation == "INSERT"}
    assert inserted == tables
    foreign_keys = sum(s.text.upper().count("FOREIGN KEY") for s, _ in result)
    assert foreign_keys == 11


def test_chinook_statement_lines_match_the_file(
    chinook: Chinook,
) -> None:
    _dialect, sql, result = chinook
    expected = [n for n, line in enumerate(sql.splitlines(), 1) if line.startswith("CREATE TABLE")]
    lines = [s.line for s, info in result if info.operation == "CREATE TABLE"]
    assert lines == expected
    for statement, _ in result:
        assert statement.column == 1
        start = sum(len(line) for line in sql.splitlines(keepends=True)[: statement.line - 1])
        assert sql[start : start + len(statement.text)] == statement.text


def test_chinook_destructive_statements_are_the_drops(
    chinook: Chinook,
) -> None:
    dialect, _sql, result = chinook
    destructive = [info.reason for _, info in result if info.destructive]
    if dialect == "sqlite":
        assert len(destructive) == 11
        assert all(r is not None and r.startswith("drops table ") for r in destructive)
    else:
        assert destructive == ["drops database chinook"]


def test_chinook_schema_statements_validate(
    chinook: Chinook,
) -> None:
    """Every statement but the data validates; of the 24 INSERTs, the smallest does (speed)."""
    dialect, _sql, result = chinook
    inserts = [s for s, info in result if info.operation == "INSERT"]
    schema = [s for s, info in result if info.operation != "INSERT"]
    for statement in [*schema, min(inserts, key=lambda s: len(s.text))]:
        if re.match(r"\\\w", statement.text):  # psql's "\c chinook" is not SQL
            with pytest.raises(SqlParseError, match="psql meta-command"):
                validate_sql(statement.text, dialect)
            continue
        assert validate_sql(statement.text, dialect) == [Statement(statement.text, 1, 1, 0)]
