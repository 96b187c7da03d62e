"""compute_closure on the subset fixture (three schemas, composite keys, two cycles in one
component, self references), on SQLite, PostgreSQL and MariaDB, checked against the source."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine, func, select, table, text
from sqlalchemy.pool import NullPool

from gitmigrate.data.subset.closure import compute_closure
from gitmigrate.data.subset.graph import SourceGraph, load_graph
from gitmigrate.data.subset.model import Closure
from gitmigrate.data.subset.roots import parse_root
from gitmigrate.errors import UsageError
from tests.subset_schema import (
    SubsetSchemaInfo,
    closure_violations,
    prefix_for,
    rows_of,
    subset_schema,
)


@pytest.fixture
def shop(db_url: str) -> Iterator[tuple[SubsetSchemaInfo, Connection]]:
    with subset_schema(db_url, prefix_for(db_url)) as info:
        engine = create_engine(db_url, poolclass=NullPool)
        with engine.connect() as conn:
            yield info, conn
        engine.dispose()


def _closure(
    info: SubsetSchemaInfo, conn: Connection, *roots: str, **options: object
) -> tuple[SourceGraph, Closure]:
    graph = load_graph(conn, start=list(roots), keys=options.pop("keys", None))  # type: ignore[arg-type]
    parsed = [parse_root(r, info.dialect) for r in roots]
    return graph, compute_closure(conn, graph, parsed, **options)  # type: ignore[arg-type]


def test_composite_keys_carry_parents_across_schemas(
    shop: tuple[SubsetSchemaInfo, Connection],
) -> None:
    """pg_sample copies 0 rows through composite foreign keys: here orders reach their
    customers through (region, cust_no), and on to hr and the customers' referrers."""
    info, conn = shop
    graph, closure = _closure(info, conn, f"{info.label('sales.orders')} WHERE id <= 12")
    assert closure_violations(conn, graph, closure) == []
    orders = {(r["region"], r["cust_no"]) for r in rows_of("sales.orders") if r["id"] <= 12}
    customers = set(closure.keys[info.qname("sales.customer")])
    assert orders <= customers  # every order's customer, by its composite key
    assert len(closure.keys[info.qname("sales.orders")]) == 12
    assert info.qname("hr.department") in closure.keys  # reached through hr.employee


def test_two_cycles_in_one_component_break_at_two_nullable_keys(
    shop: tuple[SubsetSchemaInfo, Connection],
) -> None:
    """Greenmask fails on two cycles in one strongly connected component."""
    info, conn = shop
    graph, closure = _closure(info, conn, info.label("hr.department"))
    assert closure_violations(conn, graph, closure) == []
    broken = {(e.child, e.columns) for e in closure.broken}
    assert broken == {
        (info.qname("hr.department"), ("head_id",)),
        (info.qname("hr.employee"), ("key_region", "key_cust_no")),
    }
    order = [t.source for t in closure.tables]
    department, employee, customer = (
        order.index(info.qname(t)) for t in ("hr.department", "hr.employee", "sales.customer")
    )
    assert department < employee < customer  # NOT NULL keys point backwards only
    deferred = {t.source: t.deferred for t in closure.tables}
    assert [e.columns for e in deferred[info.qname("hr.department")]] == [("head_id",)]


def test_self_references_load_parent_first(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    graph, closure = _closure(info, conn, f"{info.label('hr.employee')} WHERE id = 55")
    employees = closure.keys[info.qname("hr.employee")]
    # employee 55 reports to 49, 43, … 7, 1 (manager = id - 6), parents first
    chain = [(i,) for i in range(1, 56, 6)]
    assert [k for k in employees if k in chain] == chain
    assert closure_violations(conn, graph, closure) == []


def test_text_and_composite_keys_followed_to_children(
    shop: tuple[SubsetSchemaInfo, Connection],
) -> None:
    """condenser handles single-column bigint keys only: products have text keys, order lines
    composite ones, shipments reference orders by a unique non-key column."""
    info, conn = shop
    root = f"{info.label('catalog.product')} WHERE sku IN ('SKU-00003', 'SKU-00007')"
    graph, closure = _closure(
        info, conn, root, follow=[info.label("catalog.product"), info.label("sales.orders")]
    )
    assert closure_violations(conn, graph, closure) == []
    lines = closure.keys[info.qname("sales.order_line")]
    expected = {
        (r["order_id"], r["line_no"])
        for r in rows_of("sales.order_line")
        if r["sku"] in ("SKU-00003", "SKU-00007")
    }
    assert expected and expected <= set(lines)
    orders = {k[0] for k in closure.keys[info.qname("sales.orders")]}
    shipped = {(r["id"],) for r in rows_of("sales.shipment") if int(r["order_code"][4:]) in orders}
    assert set(closure.keys[info.qname("sales.shipment")]) == shipped
    supplier = closure.tables[
        [t.source for t in closure.tables].index(info.qname("catalog.supplier"))
    ]
    assert supplier.key == ("code",)  # no primary key: its unique NOT NULL column


def test_follow_star_takes_every_child(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    graph, closure = _closure(
        info,
        conn,
        f"{info.label('sales.customer')} WHERE region = 'EU' AND cust_no = 7",
        follow=["*"],
    )
    assert closure_violations(conn, graph, closure) == []
    orders = {
        (r["id"],) for r in rows_of("sales.orders") if (r["region"], r["cust_no"]) == ("EU", 7)
    }
    assert orders and orders <= set(closure.keys[info.qname("sales.orders")])


def test_percent_is_a_stable_sample(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    root = info.label("sales.orders")
    graph, first = _closure(info, conn, root, percent=20)
    _graph, again = _closure(info, conn, root, percent=20)
    sample = first.keys[info.qname("sales.orders")]
    assert sample == again.keys[info.qname("sales.orders")]
    assert 30 <= len(sample) <= 90  # about 20% of 300
    assert closure_violations(conn, graph, first) == []


def test_root_that_selects_nothing_is_named(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    root = f"{info.label('sales.orders')} WHERE id < 0"
    with pytest.raises(UsageError, match=r"root .*id < 0.* selects no rows"):
        _closure(info, conn, root)


def test_root_the_source_refuses_is_named(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    root = f"{info.label('sales.orders')} WHERE no_such_column = 1"
    with pytest.raises(UsageError, match=r"root .*no_such_column.* fails on the source"):
        _closure(info, conn, root)


def test_table_without_a_key_needs_key(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    info, conn = shop
    conn.execute(text("CREATE TABLE loose (code VARCHAR(10), note VARCHAR(20))"))
    conn.execute(text("INSERT INTO loose VALUES ('a', 'x'), ('b', 'y')"))
    conn.commit()
    with pytest.raises(
        UsageError, match=r"table loose has no primary key: .*--key loose:COL\[,COL\]"
    ):
        _closure(info, conn, "loose")
    graph, closure = _closure(info, conn, "loose WHERE code = 'a'", keys={"loose": ["code"]})
    assert closure.keys[graph.resolve("loose")] == [("a",)]
    count = conn.execute(select(func.count()).select_from(table("loose"))).scalar_one()
    assert count == 2


def test_root_conditions_are_sent_as_written(shop: tuple[SubsetSchemaInfo, Connection]) -> None:
    """A ':x' or '%' inside the condition is the user's SQL, not a bind parameter."""
    info, conn = shop
    root = f"{info.label('sales.customer')} WHERE name LIKE 'Customer EU-1%' OR email = ':x'"
    graph, closure = _closure(info, conn, root)
    wanted = {
        (r["region"], r["cust_no"])
        for r in rows_of("sales.customer")
        if r["name"].startswith("Customer EU-1")
    }
    assert len(wanted) == 11 and wanted <= set(closure.keys[info.qname("sales.customer")])
    assert closure_violations(conn, graph, closure) == []
