"""Connecting to targets: transactional DDL where promised, and errors that never leak secrets."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from gitmigrate.db.connect import check_connection, create_target_engine, supports_transactional_ddl
from gitmigrate.db.url import dialect_name, redact_url
from gitmigrate.errors import TargetError, UsageError
from tests.fixtures_db import fresh_database_url, server_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://app:s3cret@h:5432/db", "postgresql+psycopg://app:***@h:5432/db"),
        ("postgresql+psycopg://app@h:5432/db", "postgresql+psycopg://app@h:5432/db"),
        ("mysql+pymysql://u:p@ss:w@rd@h/db", "mysql+pymysql://u:***@h/db"),
        (
            "postgresql://h/db?user=a&password=s3cret&x=1",
            "postgresql://h/db?user=a&password=***&x=1",
        ),
        ("sqlite:///rel/a:b@c.db", "sqlite:///rel/a:b@c.db"),
        ("not a url", "not a url"),
        ("", ""),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("sqlite:///x.db", "sqlite"),
        ("postgresql+psycopg://h/db", "postgresql"),
        ("postgres://h/db", "postgresql"),
        ("mysql+pymysql://h/db", "mysql"),
        ("mariadb+pymysql://h/db", "mysql"),
    ],
)
def test_dialect_name(url: str, dialect: str) -> None:
    assert dialect_name(url) == dialect


def test_dialect_name_unknown_scheme_names_it_and_the_supported_ones() -> None:
    with pytest.raises(UsageError) as err:
        dialect_name("oracle+cx://u:s3cret@h/db")
    assert "'oracle+cx'" in str(err.value)
    assert "postgresql" in str(err.value) and "sqlite" in str(err.value)
    assert "s3cret" not in str(err.value)


def test_ddl_rollback_matches_supports_transactional_ddl(db_url: str) -> None:
    """Where we promise transactional DDL the table disappears; on MySQL it really stays."""
    engine = create_target_engine(db_url)
    dialect = dialect_name(db_url)
    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(text("CREATE TABLE t_rollback (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO t_rollback (id) VALUES (1)"))
        trans.rollback()
    with engine.connect() as conn:
        present = inspect(conn).has_table("t_rollback")
    assert present is not supports_transactional_ddl(dialect)
    assert supports_transactional_ddl(dialect) is (dialect != "mysql")
    engine.dispose()


def test_sqlite_relative_path_resolves_against_base_dir(tmp_path: Path) -> None:
    engine = create_target_engine("sqlite:///db/nested/app.db", base_dir=tmp_path)
    check_connection(engine, "local")
    assert (tmp_path / "db" / "nested" / "app.db").exists()
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_sqlite_memory_keeps_one_database_per_engine() -> None:
    engine = create_target_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE m (x INTEGER)"))
    with engine.connect() as conn:
        assert inspect(conn).has_table("m")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_bare_scheme_uses_the_driver_of_our_extras(dialect: str, tmp_path: Path) -> None:
    with fresh_database_url(dialect, tmp_path) as url:
        bare = url.replace("+psycopg", "").replace("+pymysql", "")
        if dialect == "postgresql":
            bare = bare.replace("postgresql://", "postgres://")
        engine = create_target_engine(bare)
        check_connection(engine, "t")
        assert engine.driver == ("psycopg" if dialect == "postgresql" else "pymysql")


def test_postgres_application_name(postgres_url: str) -> None:
    engine = create_target_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW application_name")).scalar() == "git-migrate"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://app:s3cret@127.0.0.1:1/db",
        "mysql+pymysql://app:s3cret@127.0.0.1:1/db",
    ],
    ids=["postgresql", "mysql"],
)
def test_unreachable_server_is_a_target_error_without_the_password(url: str) -> None:
    with pytest.raises(TargetError) as err:
        check_connection(create_target_engine(url), "production")
    message = str(err.value)
    assert "s3cret" not in message
    assert "'production'" in message
    assert "app:***@127.0.0.1:1/db" in message
    assert "server is running" in message


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_unknown_database_is_named(dialect: str) -> None:
    url = make_url(server_url(dialect)).set(database="gm_no_such_db")
    engine = create_target_engine(url.render_as_string(hide_password=False))
    with pytest.raises(TargetError) as err:
        check_connection(engine, "staging")
    assert "'gm_no_such_db' does not exist" in str(err.value)
    assert "'staging'" in str(err.value)


def test_wrong_password_on_mysql_is_reported_without_the_password() -> None:
    url = make_url(server_url("mysql")).set(username="gm_nobody", password="s3cret")
    engine = create_target_engine(url.render_as_string(hide_password=False))
    with pytest.raises(TargetError) as err:
        check_connection(engine, "prod")
    assert "authentication failed" in str(err.value)
    assert "s3cret" not in str(err.value)
    assert "gm_nobody:***@" in str(err.value)


@pytest.mark.parametrize(
    ("url", "module", "extra"),
    [
        ("postgresql+asyncpg://u:s3cret@127.0.0.1/db", "asyncpg", "[postgres]"),
        ("mysql+mysqldb://u:s3cret@127.0.0.1/db", "MySQLdb", "[mysql]"),
    ],
)
def test_missing_driver_names_the_extra(url: str, module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here, so it cannot be missing")
    with pytest.raises(TargetError) as err:
        check_connection(create_target_engine(url), "t")
    assert f"pip install 'git-migrate{extra}'" in str(err.value)
    assert "s3cret" not in str(err.value)


def test_unknown_driver_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        create_target_engine("postgresql+nosuchdriver://u@h/db")
