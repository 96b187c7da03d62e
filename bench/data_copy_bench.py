"""Benchmark: SQLite -> PostgreSQL `data copy` against a bare psycopg COPY and pgloader, the time
of `data verify` on the copied table, and peak memory at 100,000 vs 1,000,000 rows.

    /work/venv/bin/python bench/data_copy_bench.py [--rows 1000000] [--pg URL] [--no-pgloader]

The source is a SQLite file with a small `parent` table (100 rows) and `t` (id INTEGER PRIMARY
KEY, a INTEGER NOT NULL, b TEXT NOT NULL, c REAL, parent_id INTEGER NOT NULL REFERENCES parent,
an index on parent_id). Each contender loads into a fresh PostgreSQL database:

- ours: plan_copy, the `before` DDL, copy_chunks with a checkpoint row written and a commit per
  10,000-row chunk (what the engine does), then `after` (index, foreign key, sequence reset);
- bare COPY: one psycopg `COPY t FROM STDIN` of the same rows (read with fetchmany, written
  with write_row) into a pre-created table with the same primary key and NOT NULLs, no FK;
- pgloader (`/usr/bin/pgloader`), which also creates the table, index and foreign key.

Peak RSS is measured in a child process per size (RUSAGE_CHILDREN of an intermediate process,
so nothing else that ran counts).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.data.copy import CopySpec, copy_chunks, plan_copy
from gitmigrate.db.connect import create_target_engine
from gitmigrate.schema.reflect import reflect_schema

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STEP = "bench/001"
BATCH = 10_000


def make_source(path: Path, rows: int) -> None:
    """Generated inside SQLite (a recursive CTE), so building 1M rows takes about a second."""
    path.unlink(missing_ok=True)
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executescript(
        f"""
        CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b TEXT NOT NULL, c REAL,
                        parent_id INTEGER NOT NULL REFERENCES parent (id));
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100)
        INSERT INTO parent SELECT i, 'parent ' || i FROM s;
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows})
        INSERT INTO t SELECT i, abs(random()) % 1000000,
            CASE WHEN i % 1000 = 0 THEN 'row ' || i || char(9) || 'tab \\ slash' ELSE 'row ' || i END,
            CASE WHEN i % 7 = 0 THEN NULL ELSE (abs(random()) % 1000000) / 1000.0 END,
            1 + i % 100
        FROM s;
        CREATE INDEX t_parent ON t (parent_id);
        """
    )
    conn.commit()
    conn.close()


@contextmanager
def fresh_pg(admin_url: str) -> Iterator[str]:
    name = f"gm_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def ours(source_path: Path, target_url: str) -> float:
    """The copy as the engine runs it; returns seconds."""
    source = create_target_engine(f"sqlite:///{source_path}").connect()
    target = create_target_engine(target_url).connect()
    started = time.perf_counter()
    plan = plan_copy(source, target, CopySpec(tables=("parent", "t")), step_id=STEP)
    for sql in plan.before:
        target.exec_driver_sql(sql)
    target.exec_driver_sql("CREATE TABLE bench_ledger (chunk INTEGER, position TEXT)")
    target.commit()
    for n, chunk in enumerate(
        copy_chunks(
            plan, source, target, start=None, step_id=STEP, batch_size=BATCH, log=lambda _s: None
        )
    ):
        target.execute(
            text("INSERT INTO bench_ledger VALUES (:n, :p)"),
            {"n": n, "p": json.dumps(chunk.position.to_json())},
        )
        target.commit()
        source.rollback()
    for sql in plan.after:
        target.exec_driver_sql(sql)
    target.commit()
    elapsed = time.perf_counter() - started
    source.close()
    target.close()
    return elapsed


def bare_copy(source_path: Path, target_url: str) -> float:
    import sqlite3

    url = make_url(target_url)
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database
    ) as pg:
        pg.execute(
            "CREATE TABLE parent (id BIGINT PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE t (id BIGINT PRIMARY KEY, a BIGINT NOT NULL, b TEXT NOT NULL,"
            " c DOUBLE PRECISION, parent_id BIGINT NOT NULL)"
        )
        pg.commit()
        started = time.perf_counter()
        sq = sqlite3.connect(source_path)
        with pg.cursor() as cur:
            for table, cols in (("parent", "id, name"), ("t", "id, a, b, c, parent_id")):
                rows = sq.execute(f"SELECT {cols} FROM {table} ORDER BY id")
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    while batch := rows.fetchmany(BATCH):
                        for row in batch:
                            copy.write_row(row)
        pg.commit()
        return time.perf_counter() - started


def pgloader(source_path: Path, target_url: str) -> float | None:
    binary = shutil.which("pgloader") or (
        "/usr/bin/pgloader" if Path("/usr/bin/pgloader").exists() else None
    )
    if binary is None:
        print("pgloader: not installed (apt-get install pgloader), skipped")
        return None
    url = make_url(target_url)
    pg = f"postgresql://{url.username}@{url.host}:{url.port or 5432}/{url.database}"
    started = time.perf_counter()
    subprocess.run(
        [binary, "--no-ssl-cert-verification", f"sqlite://{source_path}", pg],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def describe_target(target_url: str) -> str:
    with create_target_engine(target_url).connect() as conn:
        table = reflect_schema(conn).table("t")
        count = conn.execute(text('SELECT count(*) FROM "t"')).scalar()
    assert table is not None
    not_null = sorted(c.name for c in table.columns if not c.nullable)
    fks = [f"{fk.columns}->{fk.ref_table}" for fk in table.foreign_keys]
    return f"{count} rows, NOT NULL {not_null}, FK {fks}, indexes {[i.name for i in table.indexes]}"


def verify_time(source_path: Path, target_url: str) -> float | None:
    try:
        from gitmigrate.data.verify import verify_table  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        print(f"verify: gitmigrate.data.verify is not available ({exc}), skipped")
        return None
    with (
        create_target_engine(f"sqlite:///{source_path}").connect() as source,
        create_target_engine(target_url).connect() as target,
    ):
        started = time.perf_counter()
        result = verify_table(source, target, "t", "t")
        elapsed = time.perf_counter() - started
    print(f"verify: equal={getattr(result, 'equal', result)!r}")
    return elapsed


def peak_rss(rows: int, work: Path, admin_url: str) -> int:
    """KiB: the copy runs in a grandchild; an intermediate process reports its RUSAGE_CHILDREN."""
    source = work / f"rss_{rows}.db"
    make_source(source, rows)
    with fresh_pg(admin_url) as target_url:
        probe = subprocess.run(
            [sys.executable, __file__, "--rss-probe", str(source), target_url],
            check=True,
            capture_output=True,
            text=True,
        )
    return int(probe.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("GITMIGRATE_TEST_POSTGRES_URL", PG))
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per contender")
    parser.add_argument("--no-pgloader", action="store_true")
    parser.add_argument("--no-rss", action="store_true")
    parser.add_argument("--rss-probe", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--rss-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        ours(Path(args.rss_child[0]), args.rss_child[1])
        return
    if args.rss_probe:
        subprocess.run([sys.executable, __file__, "--rss-child", *args.rss_probe], check=True)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        return

    work = Path(tempfile.mkdtemp(prefix="gm-copy-bench-"))
    try:
        source = work / "source.db"
        started = time.perf_counter()
        make_source(source, args.rows)
        print(f"source: {args.rows:,} rows in {source} ({time.perf_counter() - started:.1f} s)")
        runs: dict[str, list[float]] = {}
        for attempt in range(args.repeat):  # interleaved, so a burst of load hits all three
            with fresh_pg(args.pg) as url:
                runs.setdefault("ours", []).append(ours(source, url))
                if attempt == 0:
                    print(f"ours:      {describe_target(url)}")
                verified = verify_time(source, url)
                if verified is not None:
                    runs.setdefault("verify", []).append(verified)
            with fresh_pg(args.pg) as url:
                runs.setdefault("bare COPY", []).append(bare_copy(source, url))
            if not args.no_pgloader:
                with fresh_pg(args.pg) as url:
                    loaded = pgloader(source, url)
                    if loaded is not None:
                        runs.setdefault("pgloader", []).append(loaded)
                        if attempt == 0:
                            print(f"pgloader:  {describe_target(url)}")
            print("run", attempt + 1, {k: round(v[-1], 2) for k, v in runs.items()})
        results: dict[str, float | None] = {k: min(v) for k, v in runs.items()}
        report(args.rows, results)
        if not args.no_rss:
            small, large = peak_rss(100_000, work, args.pg), peak_rss(1_000_000, work, args.pg)
            print(
                f"peak RSS: 100,000 rows {small / 1024:.0f} MiB, 1,000,000 rows"
                f" {large / 1024:.0f} MiB, ratio {large / small:.2f} (target <= 1.5)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: int, results: dict[str, float | None]) -> None:
    print(f"\nbest of runs{'seconds':>10}{'rows/s':>12}")
    for name in ("ours", "bare COPY", "pgloader"):
        seconds = results.get(name)
        if seconds is not None:
            print(f"{name:12}{seconds:10.2f}{rows / seconds:12,.0f}")
    ours_s, loader = results["ours"], results.get("pgloader")
    assert ours_s is not None
    if loader is not None:
        print(f"ours vs pgloader: {loader / ours_s:.2f}x pgloader's rows/s (target >= 1.5)")
    bare = results.get("bare COPY")
    if bare is not None:
        print(f"ours vs bare COPY: {ours_s / bare:.2f}x its time")
    verify = results.get("verify")
    if verify is not None:
        print(f"verify: {verify:.2f} s = {verify / ours_s:.2f} of the copy time (target <= 0.5)")
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {date.today()}"
    )


if __name__ == "__main__":
    main()
