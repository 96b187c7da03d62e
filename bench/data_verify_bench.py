"""Benchmark: `data verify` (verify_table) of 1,000,000 narrow rows, SQLite against PostgreSQL.

    /work/venv/bin/python bench/data_verify_bench.py [--rows 1000000] [--pg URL] [--repeat 3]

Builds `t` (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL) in a SQLite file (a recursive
CTE; c holds full-precision doubles, every 7th NULL) and the same rows in a fresh PostgreSQL
database (psycopg COPY, c as double precision). Then times, best of --repeat:

- verify of the equal tables;
- verify after 3 rows were changed by hand on PostgreSQL (one UPDATE, one DELETE, one INSERT),
  checking that exactly those keys are reported;
- each side's top-level checksum queries alone (where the time goes), and the CPU seconds
  each side used (this thread for SQLite, /proc of the backend for a local PostgreSQL).

It prints the ratio of the equal-tables verify to the bare COPY that loaded PostgreSQL in the
same run: on a loaded 2-core machine absolute times swing by 3x, the ratio much less.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.data.verify import TableVerification, verify_table
from gitmigrate.data.verify_plan import plan_table
from gitmigrate.data.verify_side import Side
from gitmigrate.db.connect import create_target_engine

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_sqlite(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        f"""
        CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows})
        INSERT INTO t SELECT i, abs(random()) % 1000000000, 'row ' || i || ' ' || hex(randomblob(4)),
            CASE WHEN i % 7 = 0 THEN NULL ELSE random() / 9223372036854775807.0 * 1000 END
        FROM s;
        """
    )
    conn.commit()
    conn.close()


def load_postgres(sqlite_path: Path, url: str) -> float:
    parsed = make_url(url)
    started = time.perf_counter()
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
        dbname=parsed.database, autocommit=True,
    ) as pg:  # fmt: skip
        pg.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c DOUBLE PRECISION)")
        source = sqlite3.connect(sqlite_path)
        with pg.cursor().copy("COPY t (id, a, b, c) FROM STDIN") as copy:
            for row in source.execute("SELECT id, a, b, c FROM t ORDER BY id"):
                copy.write_row(row)
        source.close()
        pg.execute("VACUUM ANALYZE t")
    return time.perf_counter() - started


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


def backend_cpu(pid: int) -> float:
    """CPU seconds of a local PostgreSQL backend (user + system), from /proc; 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_pg(args.pg) as pg_url:
        db = Path(tmp) / "source.db"
        started = time.perf_counter()
        make_sqlite(db, args.rows)
        load = load_postgres(db, pg_url)
        print(f"built {args.rows:,} rows in {time.perf_counter() - started:.1f} s "
              f"(PostgreSQL COPY {load:.2f} s)")  # fmt: skip
        source = create_target_engine(f"sqlite:///{db}").connect()
        target = create_target_engine(pg_url).connect()

        backend = int(target.execute(text("SELECT pg_backend_pid()")).scalar_one())
        target.rollback()

        def verify() -> TableVerification:
            cpu = time.thread_time(), backend_cpu(backend)
            result = verify_table(source, target, "t")
            target.rollback()
            used = time.thread_time() - cpu[0], backend_cpu(backend) - cpu[1]
            print(f"  CPU: SQLite side (this thread) {used[0]:.2f} s, "
                  f"PostgreSQL backend {used[1]:.2f} s, wall {result.seconds:.2f} s")  # fmt: skip
            return result

        seconds, equal = best(args.repeat, verify)
        assert equal.equal, equal
        report("equal tables", args.rows, seconds, equal)
        print(f"  verify / PostgreSQL COPY of the same rows: {seconds / load:.2f}")
        plan = plan_table(source, target, "t", None, None)
        for which, conn in (("source", source), ("target", target)):
            side = Side(conn, plan, which)
            side.prepare()
            alone, _ = best(args.repeat, partial(side.buckets, 1, 10000, 1, args.rows + 1))
            print(f"  top-level checksums, {side.dialect} alone: {alone:.2f} s")
            conn.rollback()
        middle = args.rows // 2
        with target.begin():
            target.execute(text("UPDATE t SET b = b || '!' WHERE id = 17"))
            target.execute(text("DELETE FROM t WHERE id = :id"), {"id": middle})
            target.execute(
                text("INSERT INTO t VALUES (:id, 1, 'extra', 0.5)"), {"id": args.rows + 5}
            )
        seconds, changed = best(args.repeat, verify)
        assert changed.differing_keys == ((17,),), changed
        assert changed.missing_in_target == ((middle,),), changed
        assert changed.extra_in_target == ((args.rows + 5,),), changed
        report("3 rows changed", args.rows, seconds, changed)
        print(f"machine: {platform.machine()}, {platform.python_implementation()} "
              f"{platform.python_version()}, {date.today()}")  # fmt: skip


def report(label: str, rows: int, seconds: float, result: TableVerification) -> None:
    print(f"verify, {label}: {seconds:.2f} s ({rows / seconds:,.0f} rows/s), "
          f"{result.segments} segments, equal={result.equal}, changed={len(result.differing_keys)}, "
          f"missing={len(result.missing_in_target)}, extra={len(result.extra_in_target)}")  # fmt: skip


if __name__ == "__main__":
    main()
