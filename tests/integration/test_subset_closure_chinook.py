"""compute_closure on Chinook (fixtures/chinook) on SQLite, PostgreSQL and MariaDB: the closure
is closed under foreign keys, checked against the source by joins of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import NullPool

from gitmigrate.data.subset.closure import compute_closure
from gitmigrate.data.subset.graph import load_graph
from gitmigrate.data.subset.roots import parse_root
from tests.chinook import chinook_table_name, load_chinook
from tests.subset_schema import closure_violations


@pytest.fixture
def chinook(db_url: str) -> Iterator[tuple[str, Connection]]:
    load_chinook(db_url)
    dialect = "mysql" if db_url.startswith("mysql") else db_url.split(":", 1)[0].split("+")[0]
    engine = create_engine(db_url, poolclass=NullPool)
    with engine.connect() as conn:
        yield dialect, conn
    engine.dispose()


def _column(dialect: str, camel: str) -> str:
    """InvoiceId -> invoice_id in the PostgreSQL script's spelling."""
    if dialect != "postgresql":
        return camel
    return "".join("_" + c.lower() if c.isupper() else c for c in camel).lstrip("_")


def test_invoices_with_their_lines_are_closed(chinook: tuple[str, Connection]) -> None:
    dialect, conn = chinook
    invoice, line = (chinook_table_name(dialect, t) for t in ("Invoice", "InvoiceLine"))
    root = f"{invoice} WHERE {_column(dialect, 'InvoiceId')} <= 20"
    graph = load_graph(conn, start=[root])
    closure = compute_closure(conn, graph, [parse_root(root, dialect)], follow=[invoice])
    assert closure_violations(conn, graph, closure) == []
    rows = {t.source.name: t.rows for t in closure.tables}
    assert rows[invoice] == 20
    assert rows[line] > 20  # followed children
    employee = chinook_table_name(dialect, "Employee")
    assert rows[employee] >= 2  # support reps and whom they report to (a self reference)
    names = [t.source.name for t in closure.tables]
    assert names.index(chinook_table_name(dialect, "Artist")) < names.index(
        chinook_table_name(dialect, "Album")
    )
    assert closure.broken == ()  # Chinook has no cycle


def test_composite_key_table_as_root(chinook: tuple[str, Connection]) -> None:
    """PlaylistTrack is keyed by (PlaylistId, TrackId): a 10% sample, the same every run."""
    dialect, conn = chinook
    table = chinook_table_name(dialect, "PlaylistTrack")
    graph = load_graph(conn, start=[table])
    first = compute_closure(conn, graph, [parse_root(table, dialect)], percent=10)
    again = compute_closure(conn, graph, [parse_root(table, dialect)], percent=10)
    assert closure_violations(conn, graph, first) == []
    keys = first.keys[graph.resolve(table)]
    assert keys == again.keys[graph.resolve(table)]
    assert len(keys[0]) == 2 and 600 <= len(keys) <= 1150  # about 10% of 8,715


def test_percent_without_roots_samples_every_table(chinook: tuple[str, Connection]) -> None:
    dialect, conn = chinook
    graph = load_graph(conn, start=[])
    closure = compute_closure(conn, graph, [], percent=5)
    assert closure_violations(conn, graph, closure) == []
    assert len(closure.tables) == 11
    assert closure.total_rows < 15_607 // 2
