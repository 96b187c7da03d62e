"""The correctness bar of `schema diff`: for every pair (A, B) in fixtures/schema/<case>/,

    create A in a real database, apply the generated up   -> reflects as B, and diffs empty
    apply the generated down                              -> reflects as A again

on SQLite, PostgreSQL and MariaDB. A case directory holds `a.sql` and `b.sql` (or per-dialect
`a.<dialect>.sql` / `b.<dialect>.sql`), an optional `dialects` file (one per line; default all
three), an optional `renames` file (`old:new` per line, as `--rename` takes them). Cases named
`online_*` are diffed with online=True and applied statement by statement outside a
transaction, as the engine runs a `transaction = false` step.

One database pair per dialect serves every case: it is emptied between cases, which is much
faster than creating two databases per case on the servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.scratch import load_sql
from tests.fixtures_db import fresh_database_url

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "schema"
ALL = ("sqlite", "postgresql", "mysql")


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    dialects: tuple[str, ...]
    renames: dict[str, str]

    def sql(self, side: str, dialect: str) -> str:
        special = self.path / f"{side}.{dialect}.sql"
        return (special if special.exists() else self.path / f"{side}.sql").read_text()

    @property
    def online(self) -> bool:
        return self.name.startswith("online_")


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(p for p in CASES_DIR.iterdir() if p.is_dir()):
        dialects_file = path / "dialects"
        dialects = tuple(dialects_file.read_text().split()) if dialects_file.exists() else ALL
        renames_file = path / "renames"
        renames = {}
        if renames_file.exists():
            for line in renames_file.read_text().split():
                old, new = line.split(":")
                renames[old] = new
        cases.append(Case(path.name, path, dialects, renames))
    return cases


CASES = load_cases()
MARKS = {"postgresql": [pytest.mark.postgres], "mysql": [pytest.mark.mysql], "sqlite": []}
PARAMS = [
    pytest.param(dialect, case, id=f"{dialect}-{case.name}", marks=MARKS[dialect])
    for dialect in ALL
    for case in CASES
    if dialect in case.dialects
]


@dataclass
class Databases:
    """A database to migrate and one to load the desired schema into, emptied per case. Each
    keeps one engine: SQLAlchemy caches compiled reflection queries per engine."""

    dialect: str
    current: str
    desired: str
    engines: dict[str, Engine]

    def engine(self, url: str) -> Engine:
        if url not in self.engines:
            self.engines[url] = create_target_engine(url)
        return self.engines[url]

    def reset(self) -> None:
        for url in (self.current, self.desired):
            with self.engine(url).begin() as conn:
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                    conn.exec_driver_sql("CREATE SCHEMA public")
                elif self.dialect == "mysql":  # one DROP DATABASE beats N DROP TABLEs
                    name = conn.exec_driver_sql("SELECT DATABASE()").scalar_one()
                    quoted = "`" + str(name).replace("`", "``") + "`"
                    conn.exec_driver_sql(f"DROP DATABASE {quoted}")
                    conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
                else:
                    _empty_sqlite(conn)

    def reflect(self, url: str) -> Schema:
        with self.engine(url).connect() as conn:
            return reflect_schema(conn)

    def run(self, statements: list[str], *, transaction: bool) -> None:
        """As the engine runs a step: one transaction on SQLite/PostgreSQL, else one by one."""
        engine = self.engine(self.current)
        if transaction and self.dialect != "mysql":
            with engine.begin() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
            return
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                conn.exec_driver_sql(statement)

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def _empty_sqlite(conn: Connection) -> None:
    rows = conn.exec_driver_sql(
        "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') "
        "AND name NOT LIKE 'sqlite_%'"
    ).all()
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for kind, name in sorted(rows, key=lambda r: r[0] != "view"):
        conn.exec_driver_sql(f'DROP {kind.upper()} "{name.replace(chr(34), chr(34) * 2)}"')


@dataclass
class DatabasePool:
    """Two databases per dialect, created on first use, dropped when the module ends."""

    stack: ExitStack
    tmp: pytest.TempPathFactory
    opened: dict[str, Databases]

    def get(self, dialect: str) -> Databases:
        if dialect not in self.opened:
            tmp = self.tmp.mktemp(f"roundtrip-{dialect}")
            current = _fast(self.stack.enter_context(fresh_database_url(dialect, tmp)))
            desired = _fast(self.stack.enter_context(fresh_database_url(dialect, tmp)))
            self.opened[dialect] = Databases(dialect, current, desired, {})
            self.stack.callback(self.opened[dialect].close)
        found = self.opened[dialect]
        found.reset()
        return found


def _fast(url: str) -> str:
    """PyMySQL >= 1.2 builds an SSL context for every connection (~150 ms loading the CA
    store) unless told not to; the local test server is on loopback, so skip it."""
    if not url.startswith("mysql"):
        return url
    return make_url(url).update_query_dict({"ssl_disabled": "true"}).render_as_string(False)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabasePool]:
    with ExitStack() as stack:
        yield DatabasePool(stack, tmp_path_factory, {})


def _show(statements: list[str]) -> str:
    return "\n".join(f"  {s};" for s in statements) or "  (none)"


@pytest.mark.parametrize(("dialect", "case"), PARAMS)
def test_round_trip(dialect: str, case: Case, pool: DatabasePool) -> None:
    dbs = pool.get(dialect)
    load_sql(dbs.current, case.sql("a", dialect), origin=f"{case.name}/a.sql")
    load_sql(dbs.desired, case.sql("b", dialect), origin=f"{case.name}/b.sql")
    start, desired = dbs.reflect(dbs.current), dbs.reflect(dbs.desired)
    assert schema_differences(start, desired), f"{case.name}: A and B are the same schema"

    plan = diff_schemas(start, desired, renames=case.renames, online=case.online)
    up, down = plan.up_statements(dialect), plan.down_statements(dialect)
    dbs.run(up, transaction=not case.online)
    after_up = dbs.reflect(dbs.current)
    assert schema_differences(desired, after_up) == [], f"up:\n{_show(up)}"
    again = diff_schemas(after_up, desired)
    assert again.is_empty, f"second diff not empty: {again.up_statements(dialect)}"

    dbs.run(down, transaction=not case.online)
    after_down = dbs.reflect(dbs.current)
    assert schema_differences(start, after_down) == [], f"down:\n{_show(down)}"
