"""`env subset` that authors and applies in one call computes the closure once: the apply takes
the authoring's (so the applied rows are exactly the committed plan); authored with run=False
and applied later, the apply computes its own from the source as it is then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import gitmigrate.data.subset.closure as closure_module
from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from tests.engine_helpers import make_project
from tests.fixtures_db import fresh_database_url

SOURCE = (
    "CREATE TABLE customer (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL"
    " REFERENCES customer (id))",
    "INSERT INTO customer VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    "INSERT INTO orders VALUES (1, 1), (2, 2), (3, 3), (4, 1)",
)


def _run(url: str, *statements: str) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for sql in statements:
                conn.execute(text(sql))
            return {
                t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0)
                for t in ("customer", "orders")
            }
    finally:
        engine.dispose()


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the closures computed (the real function runs)."""
    calls: list[int] = []
    real = closure_module.compute_closure

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(closure_module, "compute_closure", spy)
    return calls


def test_one_call_computes_the_closure_once(
    tmp_path: Path, git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("sqlite", tmp_path) as target_url,
    ):
        _run(source_url, *SOURCE)
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "sample")
        calls = _counting(monkeypatch)
        result = api.env_subset(
            git_repo, source=source_url, target="db", roots=["orders WHERE id <= 2"]
        )
        assert len(calls) == 1
        assert result.run is not None and result.rows == 4
        assert _run(target_url) == {"customer": 2, "orders": 2}


def test_authored_then_applied_apart_computes_it_again(
    tmp_path: Path, git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("sqlite", tmp_path) as target_url,
    ):
        _run(source_url, *SOURCE)
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "sample")
        calls = _counting(monkeypatch)
        result = api.env_subset(
            git_repo, source=source_url, target="db", roots=["orders WHERE id <= 2"], run=False
        )
        assert len(calls) == 1 and result.rows == 4
        _run(source_url, "DELETE FROM orders WHERE id = 2", "DELETE FROM customer WHERE id = 2")
        api.apply(git_repo, target="db", yes=True)
        assert len(calls) == 2  # planned anew from the source as it is now
        assert _run(target_url) == {"customer": 1, "orders": 1}
