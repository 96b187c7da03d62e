"""The migration the artifact tests plan, apply and run by hand: four SQL steps (create, seed,
add a column and an index, drop a column) and a data step of mode set, committed through the
authoring plumbing; plus helpers to run run.sh and to dump a database for comparison."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from gitmigrate.core.authoring import commit_step
from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.snapshot import schema_snapshot
from tests.engine_helpers import TARGET, Project, git, make_project
from tests.fixtures_git import IDENTITY, make_repo

NAME = "customers"
CREATE = (
    "CREATE TABLE customer (\n  id INTEGER PRIMARY KEY,\n  email VARCHAR(200) NOT NULL,\n"
    "  name VARCHAR(100)\n);\n"
)
SEED = (
    "INSERT INTO customer (id, email, name) VALUES\n"
    "  (1, 'Ada@Example.com', 'Ada'),\n  (2, 'bob@example.com', 'Bob'),\n"
    "  (3, 'CAROL@X.ORG', 'Carol');\n"
)
ADD_TIER = (
    "ALTER TABLE customer ADD COLUMN tier VARCHAR(20);\n"
    "CREATE INDEX ix_customer_email ON customer (email);\n"
)
DROP_NAME = "ALTER TABLE customer DROP COLUMN name;\n"


def build_migration(project: Project) -> list[Step]:
    """Start `customers` and add its five steps; returns them in order."""
    project.start(NAME)
    drop_index = project.drop_index("ix_customer_email", "customer")
    steps = [
        project.step(
            "create customer",
            CREATE,
            "DROP TABLE customer;\n",
            verify="SELECT count(*) >= 0 FROM customer;\n",
        ),
        project.step("seed customers", SEED, "DELETE FROM customer WHERE id IN (1, 2, 3);\n"),
        project.step(
            "add tier and email index",
            ADD_TIER,
            f"{drop_index};\nALTER TABLE customer DROP COLUMN tier;\n",
        ),
        project.step(
            "drop customer name",
            DROP_NAME,
            "ALTER TABLE customer ADD COLUMN name VARCHAR(100);\n",
        ),
        add_data_step(
            project.repo,
            "lower-case customer emails",
            {
                "mode": "set",
                "table": "customer",
                "key": ["id"],
                "set": ["email = lower(email)"],
                "where": "email <> lower(email)",
                "batch_size": 2,
            },
            project.dialect,
        ),
    ]
    return steps


def add_data_step(
    repo: GitRepo,
    summary: str,
    options: dict[str, Any],
    dialect: str,
    irreversible: str | None = None,
) -> Step:
    """A data step directory per the data-step contract, committed like `add sql` commits."""
    config = load_config(repo)
    meta = {"kind": "data", "summary": summary, "dialect": dialect}
    return commit_step(repo, config, NAME, meta, {}, options, irreversible, dialect)


def db_argument(url: str) -> str:
    """What run.sh takes: the file for SQLite, the URL otherwise."""
    return url.split(":///", 1)[1] if url.startswith("sqlite") else url


def run_sh(
    scripts: Path, direction: str, url: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(
        ["bash", str(scripts / "run.sh"), direction, db_argument(url), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def dump(url: str) -> tuple[dict[str, Any], dict[str, list[tuple[Any, ...]]]]:
    """Schema snapshot and every user table's rows, sorted: equal dumps mean equal databases."""
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            schema = schema_snapshot(conn)
            rows = {}
            for table in sorted(inspect(conn).get_table_names()):
                if table.startswith("gitmigrate_"):
                    continue
                result = conn.execute(
                    text(
                        f'SELECT * FROM "{table}"'
                        if "mysql" not in url
                        else f"SELECT * FROM `{table}`"
                    )
                )
                rows[table] = sorted(tuple(r) for r in result)
            return schema, rows
    finally:
        engine.dispose()


def ledger_rows(url: str) -> dict[str, tuple[str, str]]:
    """step id -> (status, checksum) as stored."""
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("gitmigrate_ledger"):
                return {}
            result = conn.execute(text("SELECT step_id, status, checksum FROM gitmigrate_ledger"))
            return {r[0]: (r[1], r[2]) for r in result}
    finally:
        engine.dispose()


def build_template(base: Path) -> Path:
    """The migration built once (committing five steps with their notes and lint costs about a
    second), under its own git identity; tests copy it with `copy_project`."""
    with pytest.MonkeyPatch.context() as patch:
        home = base / "home"
        home.mkdir()
        for key, value in {**IDENTITY, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
                           "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}.items():  # fmt: skip
            patch.setenv(key, value)
        project = make_project(f"sqlite:///{base / 'template.db'}", make_repo(base / "project"))
        build_migration(project)
    return project.path


def copy_project(template: Path, dest: Path, url: str) -> Project:
    """A copy of the built migration whose target `db` is `url` (a per-user override)."""
    shutil.copytree(template, dest, symlinks=True)
    git(dest, "config", f"migrate.target.{TARGET}.url", url)
    return Project(dest, url, "sqlite")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migration built once per test module (git work is the slow part)."""
    return build_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def project(
    template: Path, git_env: dict[str, str], tmp_path: Path, sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Project:  # fmt: skip
    """The built migration (SQLite), copied; its target `db` is this test's fresh database."""
    copied = copy_project(template, tmp_path / "project", sqlite_url)
    monkeypatch.chdir(copied.path)
    return copied
