"""Real dump files and SQL sqlglot cannot parse: split as their client would, never refused,
and linted as a whole file (issue 20). The dumps are fixtures/dumps/ (see its README)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from gitmigrate.errors import SqlParseError
from gitmigrate.lint import LintOptions, lint_sql
from gitmigrate.sql.parse import check_sql, split_statements, validate_sql

DUMPS = Path(__file__).resolve().parents[2] / "fixtures" / "dumps"
LAST_DAY = (
    "CREATE FUNCTION last_day(timestamp with time zone) RETURNS date LANGUAGE sql IMMUTABLE"
    " AS $$ SELECT $1::date $$;"
)


def rules(sql: str, dialect: str = "postgresql", **options: object) -> list[str]:
    return [f.rule for f in lint_sql(sql, dialect, options=LintOptions(**options))]  # type: ignore[arg-type]


def test_valid_sql_sqlglot_cannot_parse_is_not_linted_never_refused() -> None:
    checked = check_sql(LAST_DAY + "\nCREATE TABLE t (id bigint PRIMARY KEY);", "postgresql")
    assert len(checked.statements) == 2
    [unparsed] = checked.unparsed
    assert (unparsed.line, unparsed.statement.index) == (1, 0)
    assert "near 'time'" in unparsed.reason
    assert validate_sql(LAST_DAY, "postgresql")[0].text == LAST_DAY[:-1]
    with pytest.raises(SqlParseError, match="near 'time'"):
        validate_sql(LAST_DAY, "postgresql", strict=True)


def test_lint_goes_on_after_a_statement_it_cannot_read() -> None:
    found = rules(LAST_DAY + "\nALTER TABLE t ADD COLUMN c int NOT NULL;")
    assert found[0] == "not-linted" and "adding-not-nullable-column" in found


def test_malformed_sql_is_still_refused() -> None:
    for sql in ("CREATE TABLE t (a int;", "SELECT 'open", "INSERT INTO t VALUES (1,,2);"):
        with pytest.raises(SqlParseError):
            validate_sql(sql, "postgresql")


def test_pg_dump_file_splits_with_restrict_lines_dropped() -> None:
    sql = (DUMPS / "shop.pg_dump.sql").read_text(encoding="utf-8")
    statements = split_statements(sql, "postgresql")
    assert not any("\\restrict" in s.text or "\\unrestrict" in s.text for s in statements)
    assert statements[0].text == "SET statement_timeout = 0"
    atomic = next(s.text for s in statements if "BEGIN ATOMIC" in s.text)
    assert atomic.rstrip().endswith("END")
    assert any(s.text.startswith("CREATE AGGREGATE public.max_amount") for s in statements)
    assert len(check_sql(sql, "postgresql").unparsed) == 2


def test_mysqldump_file_keeps_version_comments_and_delimiter_bodies() -> None:
    sql = (DUMPS / "shop.mysqldump.sql").read_text(encoding="utf-8")
    statements = split_statements(sql, "mariadb")
    assert statements[0].text == "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */"
    trigger = next(s.text for s in statements if "TRIGGER orders_audit" in s.text)
    assert trigger.startswith("/*!50003 CREATE*/ /*!50017 DEFINER=")
    assert trigger.endswith("END \n*/")
    function = next(s.text for s in statements if "FUNCTION `order_total`(" in s.text)
    assert function.count(";") == 3 and function.endswith("END")
    assert not any("DELIMITER" in s.text or "sandbox" in s.text for s in statements)
    assert check_sql(sql, "mysql").unparsed == ()


def test_pg_dump_lint_reports_only_what_a_dba_accepts() -> None:
    sql = (DUMPS / "shop.pg_dump.sql").read_text(encoding="utf-8")
    found = lint_sql(sql, "postgresql", options=LintOptions(assume_in_transaction=True))
    assert Counter(f.rule for f in found) == {
        "not-linted": 2,
        "ban-create-domain-with-constraint": 1,
        "prefer-bigint-key": 1,
        "prefer-text-over-varchar": 1,
    }
    assert not [f for f in found if f.blocking]


@pytest.mark.parametrize(
    ("sql", "rule"),
    [
        ("CREATE TABLE t (a int); ALTER TABLE ONLY public.t ADD CONSTRAINT p PRIMARY KEY (a);",
         "-missing-primary-key"),
        ("CREATE TABLE t (a int); ALTER TABLE u ADD CONSTRAINT p PRIMARY KEY (a);",
         "missing-primary-key"),
        ("CREATE MATERIALIZED VIEW public.m AS SELECT 1 AS a; CREATE INDEX i ON public.m (a);",
         "-require-concurrent-index-creation"),
        ("CREATE TABLE p (a int) PARTITION BY RANGE (a); CREATE INDEX i ON ONLY public.p (a);",
         "-require-concurrent-index-creation"),
        ("CREATE INDEX i ON ONLY public.p USING btree (a);", "require-concurrent-index-creation"),
        ("CREATE TABLE t (order_id int NOT NULL, x bigint PRIMARY KEY);", "-prefer-bigint-key"),
        ("CREATE TABLE t (id int NOT NULL);\n"
         "ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass);",
         "prefer-bigint-key"),
        ("CREATE TABLE t (id int NOT NULL);\n"
         "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;", "prefer-bigint-key"),
        ("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b));", "-prefer-bigint-key"),
        ("CREATE TABLE t (id int PRIMARY KEY);", "prefer-bigint-key"),
    ],
)  # fmt: skip
def test_whole_file_judgements(sql: str, rule: str) -> None:
    found = rules(sql, assume_in_transaction=True)
    if rule.startswith("-"):
        assert rule[1:] not in found
    else:
        assert rule in found
