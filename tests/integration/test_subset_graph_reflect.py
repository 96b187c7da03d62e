"""load_graph across schemas (PostgreSQL schemas, MariaDB databases, SQLite names) on the subset
fixture, reflect_schema(schema=), and the errors a real catalog gives: a cycle of NOT NULL keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from gitmigrate.data.subset.closure import compute_closure
from gitmigrate.data.subset.graph import load_graph, load_order
from gitmigrate.data.subset.model import QName
from gitmigrate.data.subset.roots import parse_root
from gitmigrate.errors import UsageError
from gitmigrate.schema.reflect import reflect_schema
from tests.subset_schema import (
    SubsetSchemaInfo,
    closure_violations,
    prefix_for,
    subset_schema,
)


@pytest.fixture
def shop(db_url: str) -> Iterator[tuple[SubsetSchemaInfo, Connection]]:
    with subset_schema(db_url, prefix_for(db_url)) as info:
        engine = create_engine(db_url, poolclass=NullPool)
        with engine.connect() as conn:
            yield info, conn
        engine.dispose()


def test_one_schema_named_reaches_the_others(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    """catalog has no foreign key out of it; sales references it, hr and sales each other."""
    info, conn = shop
    graph = load_graph(conn, start=[info.label("catalog.product")])
    assert set(info.tables) <= set(graph.tables)
    assert graph.resolve(info.label("sales.order_line")) == info.qname("sales.order_line")
    labels = {e.label for e in graph.edges}
    lines, product = info.label("sales.order_line"), info.label("catalog.product")
    assert f"{lines}(sku) -> {product}(sku)" in labels
    composite = [e for e in graph.parents(info.qname("hr.employee")) if len(e.columns) == 2]
    assert [(e.parent, e.nullable) for e in composite] == [(info.qname("sales.customer"), True)]


def test_reflect_schema_names_a_schema(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    if info.dialect == "sqlite":
        assert reflect_schema(conn, "whatever") == reflect_schema(conn)  # main only
        return
    assert reflect_schema(conn).tables == ()  # the fixture is not in the default schema
    hr = reflect_schema(conn, info.schemas["hr"])
    assert [t.name for t in hr.tables] == ["department", "employee"]
    employee = hr.table("employee")
    assert employee is not None
    refs = {(fk.ref_schema, fk.ref_table) for fk in employee.foreign_keys}
    assert (info.schemas["sales"], "customer") in refs


def test_the_default_schema_meets_named_ones(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    """A table of the default schema with a composite key into the fixture's sales schema."""
    info, conn = shop
    customer = info.label("sales.customer")
    conn.execute(
        text(
            "CREATE TABLE note (id INTEGER PRIMARY KEY, region CHAR(2) NOT NULL, "
            f"cust_no INTEGER NOT NULL, FOREIGN KEY (region, cust_no) REFERENCES "
            f"{_sql_name(info, 'sales.customer')} (region, cust_no))"
        )
    )
    conn.execute(text("INSERT INTO note VALUES (1, 'US', 4), (2, 'AP', 9)"))
    conn.commit()
    graph = load_graph(conn, start=["note"])
    closure = compute_closure(conn, graph, [parse_root("note", info.dialect)])
    assert closure_violations(conn, graph, closure) == []
    assert {("US", 4), ("AP", 9)} <= set(closure.keys[graph.resolve(customer)])
    assert closure.tables[-1].source == QName(None, "note")


def test_a_not_null_cycle_in_the_catalog_is_named(
    shop: tuple[SubsetSchemaInfo, Connection],
) -> None:
    info, conn = shop
    inline = " REFERENCES cyc_b (id)" if info.dialect == "sqlite" else ""  # SQLite: no ALTER
    conn.execute(
        text(f"CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL{inline})")
    )
    conn.execute(
        text(
            "CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL "
            "REFERENCES cyc_a (id))"
        )
    )
    if not inline:
        conn.execute(
            text(
                "ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b FOREIGN KEY (b_id) REFERENCES cyc_b (id)"
            )
        )
    conn.commit()
    graph = load_graph(conn, start=[])
    with pytest.raises(UsageError) as caught:
        load_order(graph, [graph.resolve("cyc_a"), graph.resolve("cyc_b")])
    message = str(caught.value)
    assert (
        "tables cyc_a, cyc_b form a cycle of foreign keys with no nullable or deferrable" in message
    )
    assert "cyc_a(b_id) -> cyc_b(id)" in message and "cyc_b(a_id) -> cyc_a(id)" in message


def test_violations_are_found_when_a_parent_is_missing(
    shop: tuple[SubsetSchemaInfo, Connection],
) -> None:
    """The checker the closure tests rely on can fail."""
    info, conn = shop
    root = f"{info.label('sales.orders')} WHERE id <= 3"
    graph = load_graph(conn, start=[root])
    closure = compute_closure(conn, graph, [parse_root(root, info.dialect)])
    customers = closure.keys[info.qname("sales.customer")]
    closure.keys[info.qname("sales.customer")] = customers[1:]
    problems = closure_violations(conn, graph, closure)
    assert any("not included" in p for p in problems)
    assert any("rows" in p and "distinct keys" in p for p in problems)


def _sql_name(info: SubsetSchemaInfo, logical: str) -> str:
    mark = "`" if info.dialect == "mysql" else '"'
    name = info.qname(logical)
    table = f"{mark}{name.name}{mark}"
    return f"{mark}{name.schema}{mark}.{table}" if name.schema else table


def test_a_deferrable_key_breaks_a_not_null_cycle(postgres_url: str) -> None:
    engine = create_engine(postgres_url, poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL)"))
        conn.execute(
            text(
                "CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL "
                "REFERENCES cyc_a (id))"
            )
        )
        conn.execute(
            text(
                "ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b FOREIGN KEY (b_id) REFERENCES cyc_b (id) "
                "DEFERRABLE INITIALLY IMMEDIATE"
            )
        )
        conn.commit()
        graph = load_graph(conn, start=[])
        order, broken = load_order(graph, [graph.resolve("cyc_a"), graph.resolve("cyc_b")])
    engine.dispose()
    assert [t.name for t in order] == ["cyc_a", "cyc_b"]  # cyc_a loads with its check deferred
    assert [(e.name, e.nullable, e.deferrable) for e in broken] == [("cyc_a_b", False, True)]


def test_an_unknown_schema_is_named(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    if info.dialect == "sqlite":
        graph = load_graph(conn, start=[], schemas=["nope"])  # SQLite: the main database only
        assert graph.resolve("sales.orders") == info.qname("sales.orders")
        return
    with pytest.raises(UsageError) as caught:
        load_graph(conn, start=[], schemas=[f"{info.prefix}nope"])
    message = str(caught.value)
    assert f"schema {info.prefix}nope does not exist on the source; schemas there:" in message
    assert info.schemas["sales"] in message
