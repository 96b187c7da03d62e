"""Backfill speed on PostgreSQL: one raw UPDATE vs `data add --set` through the engine.

    /work/venv/bin/python bench/data_backfill_bench.py [--rows 1000000] [--batch 10000]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Builds an indexed table of N rows (id bigint PK, val int, label text, an index on val), then
times, each on a freshly built copy of the table:
  1. raw:        UPDATE bench_items SET val = val + 1, label = upper(label)   (one statement)
  2. engine:     the same change as a data step applied by `git migrate apply` (keyset chunks,
                 a ledger checkpoint committed with each chunk, before-images kept)
  3. no-backup:  the same with --no-backup
and prints rows/s and each engine run's ratio to the raw statement (> 1 = faster than raw).
Not a test: it takes about a minute and is run by hand.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gitmigrate.core.authoring import start_migration  # noqa: E402
from gitmigrate.core.gitstore import GitRepo  # noqa: E402
from gitmigrate.core.initialise import init_project  # noqa: E402
from gitmigrate.data.authoring import add_data_step  # noqa: E402
from gitmigrate.data.options import DataOptions  # noqa: E402
from gitmigrate.engine.apply import ApplyOptions, apply  # noqa: E402

SET = (("val", "val + 1"), ("label", "upper(label)"))


def build(url: str, rows: int) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_items"))
        conn.execute(text("DROP TABLE IF EXISTS gitmigrate_ledger"))
        conn.execute(text("DROP TABLE IF EXISTS gitmigrate_bk_bench_001"))
        conn.execute(
            text(
                "CREATE TABLE bench_items (id bigint PRIMARY KEY, val int NOT NULL, label text NOT NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO bench_items SELECT g, g % 1000, 'item ' || g"
                " FROM generate_series(1, :n) g"
            ),
            {"n": rows},
        )
        conn.execute(text("CREATE INDEX bench_items_val ON bench_items (val)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE bench_items"))
    engine.dispose()


def raw(url: str) -> float:
    engine = create_engine(url, poolclass=NullPool)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("UPDATE bench_items SET val = val + 1, label = upper(label)"))
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def through_engine(url: str, batch: int, backup: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        repo_path = Path(tmp)
        for args in (["init", "-q", "-b", "main"], ["config", "user.email", "b@b"],
                     ["config", "user.name", "bench"], ["commit", "-q", "--allow-empty", "-m", "i"]):  # fmt: skip
            subprocess.run(["git", *args], cwd=repo_path, check=True)
        repo = GitRepo(repo_path)
        init_project(repo)
        subprocess.run(["git", "add", "-A"], cwd=repo_path, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=repo_path, check=True)
        start_migration(repo, "bench")
        options = DataOptions(mode="set", table="bench_items", assignments=SET,
                              batch_size=batch, backup=backup)  # fmt: skip
        add_data_step(repo, summary="bump", options=options, dialect="postgresql")
        started = time.perf_counter()
        apply(repo, ApplyOptions(target=url, yes=True))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    base = make_url(args.url)
    name = f"gm_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        results = []
        build(url, args.rows)
        results.append(("raw UPDATE (one statement)", raw(url)))
        build(url, args.rows)
        results.append((f"data add --set, chunks of {args.batch:,}, before-images",
                        through_engine(url, args.batch, True)))  # fmt: skip
        build(url, args.rows)
        results.append((f"data add --set, chunks of {args.batch:,}, --no-backup",
                        through_engine(url, args.batch, False)))  # fmt: skip
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    raw_seconds = results[0][1]
    print(f"PostgreSQL, {args.rows:,} rows, indexed table")
    for label, seconds in results:
        rate = args.rows / seconds
        print(
            f"  {label:<52} {seconds:7.2f} s  {rate:>11,.0f} rows/s  {raw_seconds / seconds:5.2f}x raw"
        )


if __name__ == "__main__":
    main()
