"""Open the two databases of `git migrate data verify` and verify a list of tables.

SOURCE and TARGET are target names from `.gitmigrate.toml` or URLs; a URL also works outside a
git repository (then relative SQLite paths resolve against the current directory).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from gitmigrate.core.config import Target, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.data.verify import TableVerification, verify_table
from gitmigrate.db.connect import check_connection, create_target_engine
from gitmigrate.db.url import redact_url
from gitmigrate.errors import GitMigrateError, UsageError


@contextmanager
def open_database(spec: str, repo_dir: Path | None) -> Iterator[tuple[str, Engine]]:
    """(name to show, engine) for a target name or URL; the password never appears."""
    if "://" in spec:
        url = Target(name="(url)", url_template=spec).resolve_url()  # ${VAR} from the env
        shown, base = redact_url(spec), _repo_root(repo_dir)
    else:
        try:
            repo = GitRepo(repo_dir)
        except GitMigrateError as exc:
            raise UsageError(
                f"{spec!r} is not a URL, and target names need a git-migrate project ({exc})",
                "give a database URL such as postgresql+psycopg://user@host/db",
            ) from exc
        config = load_config(repo)
        url, shown, base = config.target(spec).resolve_url(), spec, repo.root
    engine = create_target_engine(url, base_dir=base, access="read")
    try:
        check_connection(engine, shown)
        yield shown, engine
    finally:
        engine.dispose()


def _repo_root(repo_dir: Path | None) -> Path | None:
    try:
        return GitRepo(repo_dir).root
    except GitMigrateError:
        return Path(repo_dir) if repo_dir else None


def parse_tables(tables: Sequence[str], mapping: Sequence[str]) -> list[tuple[str, str | None]]:
    """--table T and --map SRC:DST into (source, target or None = same name) pairs."""
    renames: dict[str, str] = {}
    for item in mapping:
        old, sep, new = item.partition(":")
        if not sep or not old.strip() or not new.strip():
            raise UsageError(f"--map {item!r} is not SOURCE:TARGET", "write e.g. --map Album:album")
        renames[old.strip()] = new.strip()
    names = list(tables) or list(renames)
    if not names:
        raise UsageError("no table to verify", "pass --table T (repeatable) or --map SRC:DST")
    return [(name, renames.get(name)) for name in names]


def parse_key(values: Sequence[str]) -> tuple[str, ...] | None:
    key = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    return key or None


def verify_tables(
    source: str,
    target: str,
    tables: Sequence[tuple[str, str | None]],
    *,
    repo_dir: Path | None = None,
    key: tuple[str, ...] | None = None,
    segment_rows: int = 10000,
    max_differences: int = 100,
) -> tuple[str, str, list[TableVerification]]:
    """Verify each (source table, target table) pair; returns the two names shown and results."""
    with (
        open_database(source, repo_dir) as (source_name, source_engine),
        open_database(target, repo_dir) as (target_name, target_engine),
        source_engine.connect() as source_conn,
        target_engine.connect() as target_conn,
    ):
        results = [
            verify_table(
                source_conn,
                target_conn,
                src,
                dst,
                key=key,
                segment_rows=segment_rows,
                max_differences=max_differences,
            )  # fmt: skip
            for src, dst in tables
        ]
        return source_name, target_name, results
