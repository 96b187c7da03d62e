"""Issue 20: real dump files become SQL steps unchanged and apply on the servers; valid SQL
sqlglot cannot read is never refused, and a dry run says which statements nothing checked.

The dumps are fixtures/dumps/ (pg_dump -s of PostgreSQL 15, mysqldump -d of MariaDB 10.11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.authoring import SqlSource
from gitmigrate.kinds.sql.authoring import add_sql_step
from gitmigrate.lint import blocking, lint_step
from tests.engine_helpers import Project, make_project

DUMPS = Path(__file__).resolve().parents[2] / "fixtures" / "dumps"
FILES = {"postgresql": "shop.pg_dump.sql", "mysql": "shop.mysqldump.sql"}


@pytest.fixture(params=["postgresql", "mysql"])
def project(request: pytest.FixtureRequest, tmp_path: Path, git_repo: Path) -> Project:
    url = request.getfixturevalue(f"{'postgres' if request.param == 'postgresql' else 'mysql'}_url")
    project = make_project(url, git_repo)
    project.start("shop")
    return project


def _add_dump(project: Project) -> str:
    text = (DUMPS / FILES[project.dialect]).read_text(encoding="utf-8")
    step = add_sql_step(project.repo, summary="baseline", up=SqlSource(text, "dump.sql"),
                        down=None, irreversible="baseline from a dump")  # fmt: skip
    assert step.text("up.sql") == text  # unchanged
    assert not blocking(lint_step(step, project.dialect))
    return text


def test_dump_becomes_a_step_unchanged_and_applies(project: Project) -> None:
    _add_dump(project)
    assert project.apply(yes=True).runs[0].previewed
    if project.dialect == "postgresql":
        rows = project.sql(
            "SELECT relname, relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind IN ('p', 'm') ORDER BY 1"
        )
        assert rows == [("monthly_sales", "m"), ("orders", "p")]
        assert project.sql("SELECT public.last_day('2026-02-10'::timestamptz)")[0][0].day == 28
        assert project.sql("SELECT count(*) FROM pg_trigger WHERE tgname = 'customers_touch'")
    else:
        assert project.sql("SELECT order_total(1)") == [(0,)]
        names = project.sql(
            "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
        )
        assert names == [("orders_audit",)]


UNREADABLE = {
    # valid SQL each server accepts but sqlglot cannot parse
    "postgresql": "CREATE FUNCTION last_day(timestamp with time zone) RETURNS date LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT $1::date $$;",
    "mysql": "CREATE TABLE t (id BIGINT PRIMARY KEY, b BIGINT AS (id + 1) PERSISTENT)"
    " DEFAULT CHARSET=utf8mb4;",
}


def test_dry_run_checks_unreadable_sql_on_postgresql_and_flags_it_on_mariadb(
    project: Project,
) -> None:
    sql = UNREADABLE[project.dialect]
    step = add_sql_step(project.repo, summary="f", up=SqlSource(sql, "up.sql"),
                        down=None, irreversible="test")  # fmt: skip
    assert [f.rule for f in lint_step(step, project.dialect)] == ["not-linted"]
    (run,) = project.apply(dry_run=True).runs
    if project.dialect == "postgresql":
        assert run.previewed and run.unchecked == []  # the server ran it, then rolled back
    else:
        assert not run.previewed and run.unchecked == [sql.rstrip(";")]


def test_lint_with_a_target_judges_tables_its_statistics_count_empty(
    postgres_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    from gitmigrate import api

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE empty_t (id bigint PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE full_t (id bigint PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO full_t SELECT generate_series(1, 50)")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()
    sql = tmp_path / "up.sql"
    sql.write_text(
        "SET lock_timeout = '5s';\nSET statement_timeout = '60s';\n"
        "ALTER TABLE empty_t ADD COLUMN c int NOT NULL;\n"
        "ALTER TABLE full_t ADD COLUMN c int NOT NULL;\n"
    )

    def lines(target: str | None) -> list[int]:
        result = api.schema_lint(files=[sql], dialect="postgresql", target=target)
        return [f.line for f in result.findings if f.rule == "adding-not-nullable-column"]

    assert lines(None) == [3, 4]
    assert lines(postgres_url) == [4]  # the target's statistics say empty_t has no row
