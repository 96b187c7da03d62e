"""A subset of Chinook through the public API and the engine, between dialects: the first 20
invoices with their lines (children followed), and every parent they reach (customers, their
support employees and the employees those report to, tracks, albums, artists, genres, media
types). On the target: rows per table equal the plan, the foreign keys hold (declared and, on
SQLite, `PRAGMA foreign_key_check`), and joins give the source's row counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from tests.chinook import load_chinook
from tests.engine_helpers import make_project
from tests.fixtures_db import fresh_database_url

PAIRS = [("postgresql", "sqlite"), ("postgresql", "mysql"), ("sqlite", "postgresql"),
         ("mysql", "sqlite")]  # fmt: skip
ROOT = {"postgresql": "invoice WHERE invoice_id <= 20", "other": "Invoice WHERE InvoiceId <= 20"}
FOLLOW = {"postgresql": "invoice", "other": "Invoice"}
JOIN = {  # names in braces are quoted for the database the query runs on
    "postgresql": "SELECT COUNT(*) FROM {invoice_line} l JOIN {invoice} i ON i.{invoice_id} ="
    " l.{invoice_id} JOIN {customer} c ON c.{customer_id} = i.{customer_id} JOIN {track} t ON"
    " t.{track_id} = l.{track_id} JOIN {album} a ON a.{album_id} = t.{album_id}"
    " WHERE i.{invoice_id} <= 20",
    "other": "SELECT COUNT(*) FROM {InvoiceLine} l JOIN {Invoice} i ON i.{InvoiceId} ="
    " l.{InvoiceId} JOIN {Customer} c ON c.{CustomerId} = i.{CustomerId} JOIN {Track} t ON"
    " t.{TrackId} = l.{TrackId} JOIN {Album} a ON a.{AlbumId} = t.{AlbumId}"
    " WHERE i.{InvoiceId} <= 20",
}


def _marks(*dialects: str) -> list[pytest.MarkDecorator]:
    names = {"postgresql": pytest.mark.postgres, "mysql": pytest.mark.mysql}
    return [names[d] for d in dialects if d in names]


def _scalar(url: str, sql: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            q = conn.dialect.identifier_preparer.quote_identifier
            sql = re.sub(r"\{(\w+)\}", lambda m: q(m.group(1)), sql)
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("source", "target"),
    [pytest.param(s, t, id=f"{s}-to-{t}", marks=_marks(s, t)) for s, t in PAIRS],
)
def test_chinook_subset_is_closed_and_joins_hold(
    source: str, target: str, tmp_path: Path, git_repo: Path
) -> None:
    spelling = "postgresql" if source == "postgresql" else "other"
    with (
        fresh_database_url(source, tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_chinook(source_url)
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "sample")
        result = api.env_subset(
            git_repo, source=source_url, target="db", roots=[ROOT[spelling]],
            follow=[FOLLOW[spelling]], batch_size=200,
        )  # fmt: skip
        plan = {t["target"]: t["rows"] for t in result.plan["tables"]}
        assert len(plan) == 9  # every table but the two of playlists
        for name, rows in plan.items():
            assert _scalar(target_url, f"SELECT COUNT(*) FROM {{{name}}}") == rows, name
        assert _scalar(target_url, JOIN[spelling]) == _scalar(source_url, JOIN[spelling])
        project.rollback(all=True, yes=True)
