"""load_order and order_rows on hand-built graphs: parents first, cycles broken at the fewest
nullable foreign keys, unbreakable cycles named, self-referencing rows parent first."""

from __future__ import annotations

import pytest

from gitmigrate.data.subset.closure_rows import order_rows
from gitmigrate.data.subset.graph import SourceGraph
from gitmigrate.data.subset.graph_order import load_order, order_pairs
from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Column, PrimaryKey, Table


def _q(name: str) -> QName:
    schema, _, table = name.rpartition(".")
    return QName(schema or None, table)


def _edge(child: str, parent: str, nullable: bool = True, columns: tuple[str, ...] = ()) -> Edge:
    cols = columns or (f"{_q(parent).name}_id",)
    return Edge(_q(child), cols, _q(parent), ("id",) * len(cols), nullable, name=f"{child}_fk")


def _graph(names: list[str], edges: list[Edge]) -> SourceGraph:
    tables = {
        _q(n): Table(_q(n).name, (Column("id", "INTEGER", nullable=False),), PrimaryKey(("id",)))
        for n in names
    }
    return SourceGraph("postgresql", tables, tuple(edges))


def test_parents_load_before_children() -> None:
    graph = _graph(
        ["artist", "album", "track", "genre"],
        [_edge("album", "artist", False), _edge("track", "album", False), _edge("track", "genre")],
    )
    order, broken = load_order(graph, list(graph.tables))
    labels = [t.label for t in order]
    assert labels.index("artist") < labels.index("album") < labels.index("track")
    assert labels.index("genre") < labels.index("track")
    assert broken == []


def test_two_cycles_in_one_component_break_at_the_fewest_nullable_edges() -> None:
    """Greenmask's failing shape: department <-> employee and employee <-> customer share
    employee. Only department.head and employee.key_customer are nullable; two breaks."""
    graph = _graph(
        ["hr.department", "hr.employee", "sales.customer"],
        [
            _edge("hr.employee", "hr.department", False),
            _edge("hr.department", "hr.employee", True),
            _edge("sales.customer", "hr.employee", False),
            _edge("hr.employee", "sales.customer", True),
        ],
    )
    order, broken = load_order(graph, list(graph.tables))
    assert [t.label for t in order] == ["hr.department", "hr.employee", "sales.customer"]
    assert {(e.child.label, e.parent.label) for e in broken} == {
        ("hr.department", "hr.employee"),
        ("hr.employee", "sales.customer"),
    }


def test_one_break_is_chosen_when_one_suffices() -> None:
    """Parent -> child: a -> b -> c -> a and a -> c -> a, every edge nullable. The one pair
    c -> a (a's foreign key to c) is on both cycles: one break, not two."""
    edges = [_edge("b", "a"), _edge("c", "b"), _edge("a", "c"), _edge("c", "a", columns=("a2",))]
    graph = _graph(["a", "b", "c"], edges)
    order, broken = load_order(graph, list(graph.tables))
    assert len(broken) == 1
    position = {t: i for i, t in enumerate(order)}
    for edge in edges:
        if edge not in broken:
            assert position[edge.parent] < position[edge.child]


def test_a_cycle_without_a_nullable_edge_names_its_tables_and_keys() -> None:
    graph = _graph(
        ["a", "b", "c"],
        [_edge("a", "b", False), _edge("b", "a", False), _edge("c", "a", True)],
    )
    with pytest.raises(UsageError) as caught:
        load_order(graph, list(graph.tables))
    message = str(caught.value)
    assert "tables a, b form a cycle of foreign keys with no nullable or deferrable edge" in message
    assert "a(b_id) -> b(id)" in message and "b(a_id) -> a(id)" in message
    assert "make one of them nullable or deferrable, or leave a table out" in message


def test_leaving_a_table_of_the_cycle_out_orders_the_rest() -> None:
    graph = _graph(["a", "b", "c"], [_edge("a", "b", False), _edge("b", "a", False)])
    order, broken = load_order(graph, [_q("a"), _q("c")])
    assert {t.label for t in order} == {"a", "c"} and broken == []


def test_large_components_break_greedily_and_stay_loadable() -> None:
    """20 tables in a ring with chords, every edge nullable: more pairs than the exhaustive
    search tries; the greedy pass still leaves no cycle and puts back what it can."""
    names = [f"t{i:02d}" for i in range(20)]
    edges = [_edge(names[(i + 1) % 20], names[i]) for i in range(20)]
    edges += [_edge(names[(i + 5) % 20], names[i], columns=("x",)) for i in range(0, 20, 4)]
    graph = _graph(names, edges)
    order, broken = load_order(graph, list(graph.tables))
    position = {t: i for i, t in enumerate(order)}
    for edge in edges:
        if edge not in broken:
            assert position[edge.parent] < position[edge.child]
    assert 1 <= len(broken) < len(edges) // 2


def test_self_references_are_left_to_the_rows() -> None:
    order, broken = order_pairs([_q("employee")], {})
    assert order == [_q("employee")] and broken == []


def test_rows_of_a_self_referencing_table_load_parent_first() -> None:
    edge = Edge(_q("emp"), ("boss",), _q("emp"), ("id",), True)
    rows = [(5, 3), (3, 9), (9, None), (7, None), (8, 8)]  # (id, boss); 8 is its own boss
    keys, deferred = order_rows(_q("emp"), ("id", "boss"), ("id",), [edge], rows)
    assert keys == [(7,), (8,), (9,), (3,), (5,)]
    assert deferred == []


def test_rows_in_a_loop_defer_a_nullable_self_reference() -> None:
    edge = Edge(_q("emp"), ("boss",), _q("emp"), ("id",), True)
    keys, deferred = order_rows(_q("emp"), ("id", "boss"), ("id",), [edge], [(1, 2), (2, 1)])
    assert keys == [(1,), (2,)] and deferred == [edge]


def test_rows_in_a_loop_through_not_null_are_refused() -> None:
    edge = Edge(_q("emp"), ("boss",), _q("emp"), ("id",), False)
    with pytest.raises(UsageError, match=r"rows of emp reference each other in a loop"):
        order_rows(_q("emp"), ("id", "boss"), ("id",), [edge], [(1, 2), (2, 1)])


def test_composite_self_reference_by_other_columns() -> None:
    """customer(referrer_region, referrer_no) -> customer(region, no), key (region, no)."""
    edge = Edge(_q("c"), ("rr", "rn"), _q("c"), ("region", "no"), True)
    wanted = ("region", "no", "rr", "rn")
    rows = [("EU", 2, "EU", 1), ("EU", 1, None, None), ("US", 1, "EU", 2)]
    keys, _ = order_rows(_q("c"), wanted, ("region", "no"), [edge], rows)
    assert keys == [("EU", 1), ("EU", 2), ("US", 1)]


def test_default_and_named_schemas_sort_together() -> None:
    """QName's own order fails on None against a schema name: tables of the default schema
    in a cycle with a named schema's still order."""
    graph = _graph(["a", "hr.b"], [_edge("a", "hr.b", True), _edge("hr.b", "a", False)])
    order, broken = load_order(graph, list(graph.tables))
    assert [t.label for t in order] == ["a", "hr.b"]
    assert [(e.child.label, e.parent.label) for e in broken] == [("a", "hr.b")]


def test_a_deferrable_key_breaks_a_cycle_without_a_nullable_one() -> None:
    """Nullable keys are broken first; a DEFERRABLE NOT NULL key only where a cycle has no
    nullable one (the load defers its check instead of loading NULL)."""
    late = Edge(_q("a"), ("b_id",), _q("b"), ("id",), False, deferrable=True)
    graph = _graph(
        ["a", "b", "c"],
        [late, _edge("b", "a", False), _edge("c", "b", True), _edge("b", "c", False)],
    )
    order, broken = load_order(graph, list(graph.tables))
    assert {(e.child.label, e.parent.label) for e in broken} == {("a", "b"), ("c", "b")}
    either = Edge(_q("c"), ("x",), _q("b"), ("id",), False, deferrable=True)
    graph = _graph(["b", "c"], [either, _edge("c", "b", True, ("y",)), _edge("b", "c", True)])
    _order, broken = load_order(graph, list(graph.tables))
    assert [(e.child.label, e.nullable) for e in broken] == [("b", True)]


def test_keys_sort_with_nulls_and_mixed_types() -> None:
    """A --key column may hold NULLs, and a SQLite column ints and texts."""
    from gitmigrate.data.subset.closure_rows import sorted_keys

    assert sorted_keys([(2,), (1,)]) == [(1,), (2,)]
    assert sorted_keys([(None,), (3,), (1,)]) == [(1,), (3,), (None,)]
    assert sorted_keys([("b",), (2,), ("a",)]) == [(2,), ("a",), ("b",)]
