"""load_schema from every kind of source, replayed steps, scratch databases, and bad input.

Every source goes through the same reflection, so the same schema written as a .sql file, a
live database, a target and SQLAlchemy models must give equal models."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.scratch import SchemaLoadError, load_sql, scratch_database
from gitmigrate.schema.sources import load_schema, replayed_schema
from tests.fixtures_db import server_url
from tests.fixtures_git import CliRunner, git

DDL = """
CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email VARCHAR(100) NOT NULL,
  CONSTRAINT uq_users_email UNIQUE (email)
);
CREATE TABLE orders (
  id INTEGER NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL,
  total NUMERIC(10, 2),
  CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_orders_user ON orders (user_id);
"""

MODELS = """
from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(100))


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_user", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_orders_user")
    )
    total: Mapped[float | None] = mapped_column(Numeric(10, 2))
"""


@pytest.fixture
def project(git_repo: Path) -> Path:
    (git_repo / "desired.sql").write_text(DDL)
    (git_repo / "models.py").write_text(MODELS)
    return git_repo


def test_sql_file_url_target_and_models_agree(project: Path) -> None:
    repo = GitRepo(project)
    from_file = load_schema("desired.sql", repo=repo, dialect=None, server_url=None)
    assert [t.name for t in from_file.tables] == ["orders", "users"]
    # the same DDL in the project's dev database, read by URL and by target name
    db = project / ".gitmigrate" / "dev.db"
    db.parent.mkdir(exist_ok=True)
    load_sql(f"sqlite:///{db}", DDL)
    from_url = load_schema(f"sqlite:///{db}", repo=repo, dialect=None, server_url=None)
    from_target = load_schema("dev", repo=repo, dialect=None, server_url=None)
    from_models = load_schema("models:Base", repo=repo, dialect=None, server_url=None)
    from_metadata = load_schema("models:Base.metadata", repo=repo, dialect=None, server_url=None)
    assert from_url == from_file == from_target
    assert schema_differences(from_file, from_models) == []
    assert from_models == from_metadata


@pytest.mark.parametrize(
    "dialect",
    [
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_sql_file_and_models_on_a_server(project: Path, dialect: str) -> None:
    repo, url = GitRepo(project), server_url(dialect)
    from_file = load_schema("desired.sql", repo=repo, dialect=dialect, server_url=url)
    from_models = load_schema("models:Base", repo=repo, dialect=dialect, server_url=url)
    assert from_file.dialect == dialect
    assert schema_differences(from_file, from_models) == []
    orders = from_file.table("orders")
    assert orders is not None and orders.foreign_keys[0].on_delete == "CASCADE"


def test_replayed_steps_in_merge_order(project: Path, run_cli: CliRunner) -> None:
    repo = GitRepo(project)
    steps = [
        (
            "users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));",
            "DROP TABLE users;",
        ),
        ("users", "ALTER TABLE users ADD COLUMN age INT;", "ALTER TABLE users DROP COLUMN age;"),
    ]
    assert run_cli("start", "users", "-m", "users").exit_code == 0
    for name, up, down in steps:
        (project.parent / "up.sql").write_text(up)
        (project.parent / "down.sql").write_text(down)
        up_file, down_file = str(project.parent / "up.sql"), str(project.parent / "down.sql")
        result = run_cli("add", "sql", "--up", up_file, "--down", down_file, "-m", name)
        assert result.exit_code == 0, result.stderr
    replayed = replayed_schema(repo, "sqlite", None)
    users = replayed.table("users")
    assert users is not None and [c.name for c in users.columns] == ["id", "email", "age"]
    first_only = replayed_schema(repo, "sqlite", None, only={"users/001"})
    assert schema_differences(replayed, first_only) == ["table users: column age missing"]
    git(project, "status", "--porcelain")  # the work tree is untouched by replaying


def test_bad_sources_say_what_to_do(project: Path) -> None:
    repo = GitRepo(project)
    (project / "broken.sql").write_text(
        "CREATE TABLE a (id INT);\nCREATE TABLE b (x INT REFERENCES nope (id));\n"
    )
    (project / "notmeta.py").write_text("thing = 42\n")
    cases = {
        "missing.sql": "no such file",
        "broken.sql": "references missing table nope",
        "nosuchmodule:Base": "cannot import 'nosuchmodule'",
        "models:Nope": "has no attribute 'Nope'",
        "notmeta:thing": "not a SQLAlchemy MetaData",
        "no-such-target": "unknown target",
    }
    for spec, message in cases.items():
        with pytest.raises(UsageError, match=message):
            load_schema(spec, repo=repo, dialect="sqlite", server_url=None)
    with pytest.raises(UsageError, match="unknown dialect"):
        load_schema("desired.sql", repo=repo, dialect="oracle", server_url=None)
    with pytest.raises(UsageError, match="needs a server"):
        load_schema("desired.sql", repo=repo, dialect="postgresql", server_url=None)


@pytest.mark.postgres
def test_scratch_database_is_dropped_even_on_error(tmp_path: Path) -> None:
    url = server_url("postgresql")
    seen: list[str] = []
    with pytest.raises(SchemaLoadError, match=r"desired\.sql:2: .*nope"):
        with scratch_database("postgresql", url) as scratch:
            seen.append(scratch)
            load_sql(
                scratch,
                "CREATE TABLE a (id INT);\nCREATE TABLE b (x INT REFERENCES nope (id));",
                origin="desired.sql",
            )
    name = make_url(seen[0]).database
    assert name is not None and name.startswith("gm_scratch_")
    admin = create_engine(url, poolclass=NullPool)
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            assert found.first() is None
    finally:
        admin.dispose()
