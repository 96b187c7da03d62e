"""Helpers of the real-schema acceptance (tests/e2e/test_real_schema_roundtrip.py): the
server's own dump tools, run on a database, with the lines that differ between two dumps of
the same schema (dates, host, database name, pg_dump's random `\\restrict` key) left out."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real_schemas"
LEDGER_PATTERN = "gitmigrate_*"
READER_ROLE = "gm_h6_reader"  # pg_original.sql grants to it; roles are cluster-wide: never dropped

_NOISE = re.compile(
    r"^(\\(un)?restrict |-- Dump(ed|ing)? |-- Host: |-- Dump completed|-- Server version|-- MariaDB dump)"
)


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"needs {' or '.join(names)} on PATH (the server's client tools)")


def pg_dump_schema(url: str) -> str:
    """`pg_dump -s --no-owner` of the database at `url` (a SQLAlchemy URL)."""
    parsed = make_url(url)
    env = dict(os.environ, PGPASSWORD=parsed.password or "")
    args = [_tool("pg_dump"), "-s", "--no-owner", "-h", parsed.host or "127.0.0.1"]
    args += ["-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    args += ["--exclude-table", LEDGER_PATTERN]  # git-migrate's own tables on a target
    return _run([*args, parsed.database or ""], env)


def mysqldump_schema(url: str) -> str:
    """`mysqldump -d --routines` of the database at `url`."""
    parsed = make_url(url)
    env = dict(os.environ, MYSQL_PWD=parsed.password or "")
    args = [
        _tool("mysqldump", "mariadb-dump"),
        "-d",
        "--routines",
        "-h",
        parsed.host or "127.0.0.1",
    ]
    args += ["-P", str(parsed.port or 3306), "-u", parsed.username or "root"]
    database = parsed.database or ""
    args += [f"--ignore-table={database}.{name}" for name in _ledger_tables(url)]
    return _run([*args, database], env)


def _ledger_tables(url: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            names = conn.exec_driver_sql("SHOW TABLES LIKE 'gitmigrate\\_%'").scalars()
            return [str(name) for name in names]
    finally:
        engine.dispose()


def _run(args: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"{Path(args[0]).name} failed: {proc.stderr.strip()}")
    return proc.stdout


def dump_lines(dump: str) -> list[str]:
    """The dump's lines sorted, without those that differ between two dumps of one schema."""
    return sorted(line for line in dump.splitlines() if line.strip() and not _NOISE.match(line))


def differing_lines(expected: str, actual: str) -> list[str]:
    """`-line` only in expected, `+line` only in actual (as multisets), for the assert message."""
    want, have = dump_lines(expected), dump_lines(actual)
    left, right = list(want), list(have)
    for line in have:
        if line in left:
            left.remove(line)
    for line in want:
        if line in right:
            right.remove(line)
    return [f"-{line}" for line in left] + [f"+{line}" for line in right]


def ensure_pg_role(url: str, role: str = READER_ROLE) -> None:
    """Create the role the fixture grants to, once per cluster."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
            if found.first() is None:
                quoted = conn.dialect.identifier_preparer.quote(role)
                try:
                    conn.exec_driver_sql(f"CREATE ROLE {quoted}")
                except Exception:  # created meanwhile by a parallel run
                    pass
    finally:
        engine.dispose()
