"""Dialect names, statement splitting and validation of SQL text (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import SqlParseError, UsageError
from gitmigrate.sql import (
    DIALECTS,
    Statement,
    dialect_of_url,
    normalize_dialect,
    split_statements,
    sqlglot_dialect,
    validate_sql,
)

CHINOOK = Path(__file__).resolve().parents[2] / "fixtures" / "chinook"


def texts(sql: str, dialect: str) -> list[str]:
    return [s.text for s in split_statements(sql, dialect)]


# -- dialect names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite", "sqlite"),
        ("SQLite3", "sqlite"),
        ("sqlite+pysqlite", "sqlite"),
        ("postgresql", "postgresql"),
        ("Postgres", "postgresql"),
        ("PG", "postgresql"),
        ("psql", "postgresql"),
        ("postgresql+psycopg", "postgresql"),
        ("mysql", "mysql"),
        ("MariaDB", "mysql"),
        ("mysql+pymysql", "mysql"),
        (" mysql ", "mysql"),
    ],
)
def test_normalize_dialect_accepts_common_spellings(given: str, expected: str) -> None:
    assert normalize_dialect(given) == expected


def test_unknown_dialect_names_it_lists_accepted_and_suggests_nearest() -> None:
    with pytest.raises(UsageError) as info:
        normalize_dialect("postgresq")
    assert info.value.message == "unknown dialect 'postgresq'"
    assert info.value.hint is not None
    assert "did you mean 'postgresql'?" in info.value.hint
    for name in ("sqlite", "postgres", "pg", "mysql", "mariadb"):
        assert name in info.value.hint
    assert info.value.exit_code == 2


def test_unknown_dialect_without_near_match_has_no_suggestion() -> None:
    with pytest.raises(UsageError) as info:
        normalize_dialect("oracle")
    assert info.value.hint is not None
    assert "did you mean" not in info.value.hint
    assert info.value.hint.startswith("accepted names: sqlite")


def test_sqlglot_dialect_and_url_scheme() -> None:
    assert [sqlglot_dialect(d) for d in DIALECTS] == ["sqlite", "postgres", "mysql"]
    assert sqlglot_dialect("pg") == "postgres"
    assert dialect_of_url("postgresql+psycopg://u:p@h/db") == "postgresql"
    assert dialect_of_url("mysql+pymysql://root@127.0.0.1:3306/test") == "mysql"
    assert dialect_of_url("sqlite:///app.db") == "sqlite"


def test_url_errors_never_echo_the_url() -> None:
    with pytest.raises(UsageError) as info:
        dialect_of_url("user:secret@host/db")
    assert "secret" not in str(info.value)
    with pytest.raises(UsageError, match="unknown dialect 'oracle'"):
        dialect_of_url("oracle://scott:tiger@h/db")


# -- splitting -------------------------------------------------------------------------------


def test_semicolons_in_strings_and_comments_do_not_split() -> None:
    sql = "INSERT INTO t VALUES ('a;b', 'it''s; fine'); -- note; not a statement\n/* x; y */ SELECT 1;"
    assert texts(sql, "sqlite") == ["INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT 1"]


def test_dollar_quoted_function_body_is_one_statement() -> None:
    sql = (
        "CREATE FUNCTION touch() RETURNS trigger AS $body$\n"
        "BEGIN\n"
        "  NEW.updated_at := now(); -- stamp; always\n"
        "  RETURN NEW;\n"
        "END;\n"
        "$body$ LANGUAGE plpgsql;\n"
        "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;\n"
        "SELECT 3;"
    )
    result = texts(sql, "postgresql")
    assert len(result) == 3
    assert result[0].startswith("CREATE FUNCTION touch()")
    assert result[0].endswith("$body$ LANGUAGE plpgsql")
    assert "RETURN NEW;\nEND;\n$body$" in result[0]
    assert result[1] == "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$"


def test_mysql_backticks_and_backslash_escapes() -> None:
    sql = "SELECT `a;b` FROM `my;table`;\nINSERT INTO t VALUES ('it\\'s; ok');"
    assert texts(sql, "mysql") == [
        "SELECT `a;b` FROM `my;table`",
        "INSERT INTO t VALUES ('it\\'s; ok')",
    ]


def test_sqlite_bracket_identifiers() -> None:
    assert texts('SELECT [a;b], "c;d" FROM t', "sqlite") == ['SELECT [a;b], "c;d" FROM t']


def test_trailing_statement_without_semicolon_and_empty_fragments() -> None:
    sql = ";;\n-- only a comment;\nCREATE TABLE a (id INT);\n ; \nDROP TABLE a\n"
    assert texts(sql, "sqlite") == ["CREATE TABLE a (id INT)", "DROP TABLE a"]


def test_text_is_the_original_slice_never_rerendered() -> None:
    sql = "select   \"Mixed\"  ,  x::text   from T  where y = 'Q'  ;"
    assert texts(sql, "postgresql") == [sql[:-1].rstrip()]


def test_line_column_and_index_of_each_statement() -> None:
    sql = "-- header\nSELECT 1;   SELECT 2;\n\n    CREATE TABLE t (\n  id INT\n);\n\tSELECT 'x\ny'; SELECT 4"
    assert split_statements(sql, "sqlite") == [
        Statement("SELECT 1", 2, 1, 0),
        Statement("SELECT 2", 2, 13, 1),
        Statement("CREATE TABLE t (\n  id INT\n)", 4, 5, 2),
        Statement("SELECT 'x\ny'", 7, 2, 3),
        Statement("SELECT 4", 8, 5, 4),
    ]


def test_sqlite_trigger_body_stays_whole() -> None:
    sql = (
        "CREATE TRIGGER audit AFTER UPDATE ON t BEGIN\n"
        "  INSERT INTO log VALUES (CASE WHEN NEW.a THEN 1 END);\n"
        "  DELETE FROM stale;\n"
        "END;\n"
        "BEGIN;\nCOMMIT;"
    )
    result = texts(sql, "sqlite")
    assert len(result) == 3
    assert result[0].endswith("DELETE FROM stale;\nEND")
    assert result[1:] == ["BEGIN", "COMMIT"]


def test_mysql_procedure_body_with_nested_blocks_stays_whole() -> None:
    sql = (
        "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN a INT)\n"
        "BEGIN\n"
        "  IF a > 0 THEN SELECT 1; ELSE SELECT 2; END IF;\n"
        "  CASE a WHEN 1 THEN SELECT 1; ELSE BEGIN END; END CASE;\n"
        "  lbl: LOOP LEAVE lbl; END LOOP lbl;\n"
        "  SET @x = CASE WHEN a THEN 1 ELSE 2 END;\n"
        "END;\n"
        "CALL p(1);"
    )
    result = texts(sql, "mysql")
    assert len(result) == 2
    assert result[0].endswith("ELSE 2 END;\nEND")
    assert result[1] == "CALL p(1)"


def test_tokenizer_error_is_located() -> None:
    with pytest.raises(SqlParseError) as info:
        split_statements("SELECT 1;\n  SELECT 'never closed;", "postgresql")
    error = info.value
    assert (error.file, error.line, error.column) == ("<sql>", 2, 10)
    assert "unterminated string" in error.detail


def test_unterminated_dollar_quote_is_located() -> None:
    with pytest.raises(SqlParseError) as info:
        split_statements("SELECT 1;\nDO $$ BEGIN", "postgresql")
    assert (info.value.line, info.value.column) == (2, 4)
    assert "dollar-quoted" in info.value.detail


# -- validation ------------------------------------------------------------------------------


def test_malformed_statement_reports_file_line_and_column() -> None:
    sql = "-- migration\nCREATE TABLE a (id INT);\nCREATE TABLE t (id INT,, x INT);\n"
    with pytest.raises(SqlParseError) as info:
        validate_sql(sql, "postgresql", file="up.sql")
    error = info.value
    assert error.file == "up.sql"
    assert error.line == 3
    assert 22 <= error.column <= 25
    assert str(error).startswith("up.sql:3:")
    assert error.exit_code == 3


@pytest.mark.parametrize(
    ("sql", "line", "column"),
    [
        ("SELECT 1;\n\nSELEC 2;", 3, 7),
        ("SELECT 1;\nUPDATE t SET a = 1 WHERE;", 2, 20),
        ("SELECT 1;\n  INSERT INTO t VALUES (1,);", 2, 26),
        ("SELECT 1;\nCREATE TABLE t (\n  a INT,\n  b INT\n", 4, 5),  # where ')' was due
    ],
)
def test_parse_errors_are_positioned_in_the_whole_file(sql: str, line: int, column: int) -> None:
    with pytest.raises(SqlParseError) as info:
        validate_sql(sql, "sqlite", file="f.sql", strict=True)
    assert (info.value.line, info.value.column) == (line, column)


def test_routine_begin_without_end_is_refused() -> None:
    sql = "SELECT 1;\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  DELETE FROM x;\nSELECT 2;"
    with pytest.raises(SqlParseError) as info:
        validate_sql(sql, "sqlite")
    assert (info.value.line, info.value.column, info.value.detail) == (
        2,
        37,
        "BEGIN has no matching END",
    )


def test_statements_sqlglot_does_not_model_are_accepted() -> None:
    sql = (
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"
        "ALTER TYPE mood ADD VALUE 'meh';\n"
        "DO $$ BEGIN RAISE NOTICE 'hi'; END $$;\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t USING gin (doc jsonb_path_ops);\n"
    )
    assert len(validate_sql(sql, "postgresql")) == 5


def test_validate_returns_the_statements() -> None:
    sql = "CREATE TABLE t (id INTEGER PRIMARY KEY);\nINSERT INTO t VALUES (1);"
    assert validate_sql(sql, "sqlite3") == split_statements(sql, "sqlite")


def test_empty_or_comment_only_input_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="up.sql contains no SQL statement"):
        validate_sql("-- nothing yet\n/* later */\n;\n", "sqlite", file="up.sql")


def test_psql_meta_command_is_refused_with_its_position() -> None:
    with pytest.raises(SqlParseError) as info:
        validate_sql("SELECT 1;\n\\c chinook;\n", "postgresql")
    assert (info.value.line, info.value.column) == (2, 1)
    assert "psql meta-command" in info.value.detail


def test_mysql_delimiter_regions_split_on_their_delimiter_only() -> None:
    sql = (
        "CREATE TABLE t (id INT);\nDELIMITER //\n"
        "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT ';'; END//\n"
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.id = 1//\n"
        "delimiter ;\nSELECT 2;"
    )
    assert texts(sql, "mariadb") == [
        "CREATE TABLE t (id INT)",
        "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT ';'; END",
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.id = 1",
        "SELECT 2",
    ]


def test_chinook_postgresql_script_stops_at_its_psql_line() -> None:
    path = CHINOOK / "Chinook_PostgreSql.sql"
    sql = path.read_text(encoding="utf-8")
    with pytest.raises(SqlParseError) as info:
        validate_sql(sql, "postgresql", file=path.name)
    assert (info.value.file, info.value.line, info.value.column) == (path.name, 28, 1)
