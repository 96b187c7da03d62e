"""Benchmark: rows/s of a 1M-row subset (`env subset`, issue 16) against psql `\\copy (SELECT ...)
TO` + `\\copy ... FROM` of the same rows, side by side, quiet and under load.

    .venv/bin/python bench/subset_speed.py [--rows 1000000] [--runs 1] [--load 2] [--sqlite]
        [--batch 10000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

The source is a throwaway PostgreSQL database (named gm_bench_subset_<hex>, dropped at the end)
built with generate_series: `customer` (rows/20: id bigint PK, email UNIQUE, name) and `orders`
(id bigint PK, customer_id NOT NULL REFERENCES customer, amount numeric, created_at, note), with
1.5x as many orders as the subset takes. The subset is `--root "orders WHERE id % 3 <> 0"`:
every customer is a parent of some kept order, so it holds exactly `--rows` rows.

- ours: `gitmigrate.api.env_subset` in a fresh git project, the whole command timed: the graph,
  the closure (reading the kept keys), staging the keys on the target, creating the tables with
  their foreign keys and loading the rows in checkpointed chunks of `--batch`;
- psql: into a fresh database whose two tables (same primary keys and foreign key) are created
  beforehand (not timed): `\\copy (SELECT customers of kept orders) TO`, `\\copy (SELECT kept
  orders) TO`, then `\\copy customer FROM`, `\\copy orders FROM` (four psql processes, timed).
- with --sqlite, ours into a SQLite file against psql `\\copy TO` + `sqlite3 .import --csv` into
  pre-created tables.

Each series (quiet, then `--load` busy-looping processes beside it) runs the contenders
alternately, best of `--runs`; counts are checked after every run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROOT = "orders WHERE id % 3 <> 0"
DDL = [
    "CREATE TABLE customer (id BIGINT PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE,"
    " name VARCHAR(80) NOT NULL)",
    "CREATE TABLE orders (id BIGINT PRIMARY KEY,"
    " customer_id BIGINT NOT NULL REFERENCES customer (id), amount NUMERIC(10, 2) NOT NULL,"
    " created_at TIMESTAMP NOT NULL, note VARCHAR(80))",
]
SQLITE_DDL = [
    "CREATE TABLE customer (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE,"
    " name VARCHAR(80) NOT NULL)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customer (id), amount NUMERIC(10, 2) NOT NULL,"
    " created_at TIMESTAMP NOT NULL, note VARCHAR(80))",
]


def sizes(rows: int) -> tuple[int, int]:
    """(customers, orders in the source): customers + kept orders (2/3 of them) == rows."""
    customers = rows // 20
    kept = rows - customers
    return customers, kept + (kept - 1) // 2  # ids 1..N with id % 3 <> 0 number `kept`


@contextmanager
def fresh_pg(admin: URL) -> Iterator[URL]:
    name = f"gm_bench_subset_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin.set(database=name)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


def build_source(url: URL, rows: int) -> None:
    customers, orders = sizes(rows)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        for statement in DDL:
            conn.execute(text(statement))
        conn.execute(
            text(
                "INSERT INTO customer SELECT n, 'customer' || n || '@example.com', 'Customer ' || n"
                " FROM generate_series(1, :n) AS s(n)"
            ),
            {"n": customers},
        )
        conn.execute(
            text(
                "INSERT INTO orders SELECT n, 1 + n % :c, (n % 10000) / 100.0,"
                " timestamp '2024-01-01' + n * interval '1 minute',"
                " CASE WHEN n % 5 = 0 THEN NULL ELSE 'note ' || n END"
                " FROM generate_series(1, :n) AS s(n)"
            ),
            {"c": customers, "n": orders},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def counts(url: str) -> tuple[int, int]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        found = tuple(
            int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
            for t in ("customer", "orders")
        )
    engine.dispose()
    return found[0], found[1]


def run_ours(source: URL, target: str, work: Path, batch: int) -> float:
    """The whole `env subset` command through the public API, in a fresh git project."""
    from gitmigrate import api

    repo = work / f"project-{uuid.uuid4().hex[:6]}"
    repo.mkdir()
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip
    os.environ.update(env)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    api.init(repo)
    src = source.render_as_string(hide_password=False)
    with (repo / ".gitmigrate.toml").open("a") as config:
        config.write(f'\n[targets.source]\nurl = "{src}"\n[targets.copy]\nurl = "{target}"\n')
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "bench"], cwd=repo, check=True)
    api.start(repo, "bench")
    started = time.perf_counter()
    api.env_subset(repo, source="source", target="copy", roots=[ROOT], batch_size=batch, yes=True)
    return time.perf_counter() - started


def psql(url: URL, command: str) -> None:
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(url.host), "-p",
         str(url.port or 5432), "-U", str(url.username), "-d", str(url.database), "-c", command],
        check=True,
    )  # fmt: skip


def export_csv(source: URL, work: Path) -> tuple[Path, Path]:
    customers, orders = work / "customer.csv", work / "orders.csv"
    psql(source, f"\\copy (SELECT * FROM customer WHERE id IN (SELECT customer_id FROM {ROOT}))"
                 f" TO '{customers}' WITH (FORMAT csv)")  # fmt: skip
    psql(source, f"\\copy (SELECT * FROM {ROOT}) TO '{orders}' WITH (FORMAT csv)")
    return customers, orders


def run_psql(source: URL, target: URL, work: Path) -> float:
    engine = create_engine(target, poolclass=NullPool)
    with engine.begin() as conn:
        for statement in DDL:
            conn.execute(text(statement))
    engine.dispose()
    started = time.perf_counter()
    customers, orders = export_csv(source, work)
    psql(target, f"\\copy customer FROM '{customers}' WITH (FORMAT csv)")
    psql(target, f"\\copy orders FROM '{orders}' WITH (FORMAT csv)")
    return time.perf_counter() - started


def run_sqlite_import(source: URL, target: Path, work: Path) -> float:
    subprocess.run(["sqlite3", str(target), ";".join(SQLITE_DDL)], check=True)
    started = time.perf_counter()
    customers, orders = export_csv(source, work)
    script = f".import --csv {customers} customer\n.import --csv {orders} orders\n"
    subprocess.run(["sqlite3", str(target)], input=script, text=True, check=True)
    return time.perf_counter() - started


def start_load(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def stop_load(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--load", type=int, default=2, help="busy processes (0: quiet only)")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--sqlite", action="store_true", help="also PostgreSQL -> SQLite")
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()
    admin = make_url(args.pg)
    expected = (sizes(args.rows)[0], args.rows - sizes(args.rows)[0])
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
          f" subset of {args.rows:,} rows ({expected[0]:,} customers, {expected[1]:,} orders)")  # fmt: skip
    with fresh_pg(admin) as source, tempfile.TemporaryDirectory(prefix="gm-subset-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        build_source(source, args.rows)
        print(f"source built in {time.perf_counter() - started:.1f} s")

        def pg_ours() -> float:
            with fresh_pg(admin) as target:
                url = target.render_as_string(hide_password=False)
                seconds = run_ours(source, url, work, args.batch)
                assert counts(url) == expected, counts(url)
            return seconds

        def pg_psql() -> float:
            with fresh_pg(admin) as target:
                seconds = run_psql(source, target, work)
                assert counts(target.render_as_string(hide_password=False)) == expected
            return seconds

        def sqlite_ours() -> float:
            path = work / f"ours-{uuid.uuid4().hex[:6]}.db"
            seconds = run_ours(source, f"sqlite:///{path}", work, args.batch)
            assert counts(f"sqlite:///{path}") == expected
            path.unlink()
            return seconds

        def sqlite_import() -> float:
            path = work / f"import-{uuid.uuid4().hex[:6]}.db"
            seconds = run_sqlite_import(source, path, work)
            assert counts(f"sqlite:///{path}") == expected
            path.unlink()
            return seconds

        pairs: list[tuple[str, Callable[[], float], Callable[[], float]]] = [
            ("PostgreSQL -> PostgreSQL", pg_ours, pg_psql)
        ]
        if args.sqlite:
            pairs.append(("PostgreSQL -> SQLite", sqlite_ours, sqlite_import))
        series = [("quiet", 0)] + ([("loaded", args.load)] if args.load else [])
        for label, busy in series:
            load = start_load(busy)
            try:
                for name, ours, theirs in pairs:
                    times: dict[str, list[float]] = {"ours": [], "psql": []}
                    for _ in range(args.runs):
                        times["ours"].append(ours())
                        times["psql"].append(theirs())
                    best = {side: min(values) for side, values in times.items()}
                    rate = {side: args.rows / best[side] for side in best}
                    print(f"{label} (+{busy} busy), load average {os.getloadavg()[0]:.1f}, {name}:"
                          f" ours {best['ours']:.2f} s ({rate['ours']:,.0f} rows/s),"
                          f" psql {best['psql']:.2f} s ({rate['psql']:,.0f} rows/s),"
                          f" ours/psql rows/s {rate['ours'] / rate['psql']:.2f}")  # fmt: skip
            finally:
                stop_load(load)


if __name__ == "__main__":
    main()
