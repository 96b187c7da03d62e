"""Two environments that drift in a known way, on real databases (SQLite files, PostgreSQL and
MariaDB fresh databases), and `env diff` reporting exactly those differences.

`drifted_project` is shared by the other env drift/sync tests: staging has both steps of
migration `shop` applied and an index made by hand; prod has only the first step and a column
added by hand; their config layers differ in three plain keys and one secret key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate import api
from gitmigrate.envs.drift_config import SHARED_RULE
from gitmigrate.envs.drift_model import TableDrift
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import git

USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL)"
ORDERS = (
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,"
    " CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id))"
)
FILES = {
    "config/base.yaml": "db:\n  host: localhost\nserver:\n  port: 8000\nhosts: [a, b]\n",
    "config/staging.yaml": (
        "server:\n  port: 8080\nfeature:\n  beta: true\n"
        "api_token: ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]\n"
    ),
    "config/prod.yaml": "server:\n  port: 9090\nhosts: [a, c]\nlog:\n  level: warn\n",
}


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ]
)
def db_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh empty databases of one dialect (staging's and prod's), dropped afterwards."""
    with ExitStack() as stack:
        first = stack.enter_context(fresh_database_url(request.param, tmp_path))
        second = stack.enter_context(fresh_database_url(request.param, tmp_path))
        yield first, second


def dialect_of(url: str) -> str:
    return {"postgresql": "postgresql", "mysql": "mysql"}.get(
        url.split("+")[0].split(":")[0], "sqlite"
    )


def write_project(
    repo: Path,
    url_a: str,
    url_b: str,
    health: tuple[str, str] = ("", ""),
    files: dict[str, str] = FILES,
    secrets_a: str = '["DB_PASSWORD", "API_TOKEN"]',
) -> None:
    """.gitmigrate.toml with targets and environments staging (A) and prod (B), committed."""
    h_a = f'health = ["{health[0]}"]\n' if health[0] else ""
    h_b = f'health = ["{health[1]}"]\n' if health[1] else ""
    (repo / ".gitmigrate.toml").write_text(
        f'[migrate]\ndefault_target = "staging"\ndialect = "{dialect_of(url_a)}"\n\n'
        f'[targets.staging]\nurl = "{url_a}"\n\n[targets.prod]\nurl = "{url_b}"\n\n'
        '[environments.staging]\ntarget = "staging"\n'
        'config = ["config/base.yaml", "config/staging.yaml"]\n'
        f"secrets = {secrets_a}\n{h_a}\n"
        '[environments.prod]\ntarget = "prod"\n'
        'config = ["config/base.yaml", "config/prod.yaml"]\n'
        f'secrets = ["DB_PASSWORD"]\n{h_b}'
    )
    for name, body in files.items():
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_text(body)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "environments")


def execute(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def drifted_project(repo: Path, url_a: str, url_b: str, health: tuple[str, str] = ("", "")) -> None:
    """Both environments from one migration, then each changed by hand (module docstring)."""
    write_project(repo, url_a, url_b, health)
    api.start(repo, "shop")
    api.add_sql(repo, summary="users", up=USERS, down="DROP TABLE users")
    api.add_sql(repo, summary="orders", up=ORDERS, down="DROP TABLE orders")
    api.apply(repo, target="staging", yes=True)
    api.apply(repo, target="prod", to="001", yes=True)
    execute(url_a, "CREATE INDEX ix_users_email ON users (email)")
    execute(url_b, "ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")


def test_env_diff_reports_exactly_the_drift(git_repo: Path, db_pair: tuple[str, str]) -> None:
    drifted_project(git_repo, *db_pair)

    report = api.env_diff(git_repo, a="staging", b="prod")

    assert report.drifted and not report.clean
    assert report.schema.tables == (
        TableDrift("orders", "a"),
        TableDrift(
            "users", None, ("column nickname only in prod", "index ix_users_email only in staging")
        ),
    )
    assert report.schema.other == ()
    assert (report.steps.only_a, report.steps.only_b, report.steps.checksums) == (
        ("shop/002",), (), ()
    )  # fmt: skip
    keys = {k.key: (k.what, k.a, k.b, k.secret) for k in report.config.keys}
    assert keys == {
        "server.port": ("changed", 8080, 9090, False),
        "hosts": ("changed", ["a", "b"], ["a", "c"], False),
        "feature.beta": ("a", True, None, False),
        "api_token": ("a", None, None, True),
        "log.level": ("b", None, "warn", False),
    }
    names = {n.name: (n.a_needs, n.a_has, n.b_needs, n.b_has) for n in report.secrets.names}
    # "has": env secrets check's rule once gitmigrate.envs.secrets is installed (an encrypted
    # value in a sops file under a key spelled as the name), else a value under that name
    held = report.secrets.how != SHARED_RULE
    assert names == {"API_TOKEN": (True, held, False, False),
                     "DB_PASSWORD": (True, False, True, False)}  # fmt: skip
    document = report.to_json()
    assert "c2VjcmV0" not in str(document)  # the encrypted value never leaves
    assert document["steps"]["only_a"] == ["shop/002"]


def test_env_diff_of_equal_environments_is_clean(git_repo: Path, db_pair: tuple[str, str]) -> None:
    same = {**FILES, "config/prod.yaml": FILES["config/staging.yaml"]}
    write_project(git_repo, *db_pair, files=same, secrets_a='["DB_PASSWORD"]')
    api.start(git_repo, "shop")
    api.add_sql(git_repo, summary="users", up=USERS, down="DROP TABLE users")
    api.apply(git_repo, target="staging", yes=True)
    api.apply(git_repo, target="prod", yes=True)

    report = api.env_diff(git_repo, a="staging", b="prod")

    assert report.clean, report.to_json()
    assert report.schema.compared and report.steps.compared and report.config.compared
