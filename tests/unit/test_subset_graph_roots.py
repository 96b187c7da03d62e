"""parse_root, the stable sample, and the graph's names and keys (resolve, key, --key)."""

from __future__ import annotations

import pytest

from gitmigrate.data.subset.closure_read import batch_size, sampled
from gitmigrate.data.subset.graph import SourceGraph, _given_keys
from gitmigrate.data.subset.model import QName
from gitmigrate.data.subset.roots import parse_root
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Column, PrimaryKey, Table, UniqueConstraint


@pytest.mark.parametrize(
    ("text", "table", "where"),
    [
        ("orders", QName(None, "orders"), None),
        ("sales.orders", QName("sales", "orders"), None),
        (
            "orders WHERE created_at > now() - interval '30 days'",
            QName(None, "orders"),
            "created_at > now() - interval '30 days'",
        ),
        ("orders where id in (1, 2)", QName(None, "orders"), "id in (1, 2)"),
        ('"Order Items" WhErE qty > 1', QName(None, "Order Items"), "qty > 1"),
        ('sales."Orders" where (a, b) = (1, 2)', QName("sales", "Orders"), "(a, b) = (1, 2)"),
    ],
)
def test_roots_parse(text: str, table: QName, where: str | None) -> None:
    root = parse_root(text, "postgresql")
    assert (root.table, root.where, root.text) == (table, where, text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("orders WHERE id = = 2", "does not parse as postgresql SQL"),
        ("orders WHERE", "has WHERE but no condition"),
        ("orders WHERE id = 1; DROP TABLE orders", "must be one condition"),
        ("orders WHERE id > 1 ORDER BY id", "must be one condition (found ORDER)"),
        ("orders WHERE id > 1 LIMIT 5", "must be one condition (found LIMIT)"),
        ("", "is not `TABLE [WHERE condition]`"),
    ],
)
def test_bad_roots_are_named(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_root(text, "postgresql")
    assert f"root {text!r}" in str(caught.value) and problem in str(caught.value)


def test_mysql_backticks_parse() -> None:
    root = parse_root("`sales`.`orders` WHERE `id` < 10", "mysql")
    assert root.table == QName("sales", "orders") and root.where == "`id` < 10"


def test_sample_is_stable_and_about_right() -> None:
    keys = [(i,) for i in range(20_000)]
    picked = [k for k in keys if sampled(k, 10)]
    assert picked == [k for k in keys if sampled(k, 10)]
    assert 1_800 <= len(picked) <= 2_200
    assert all(sampled(k, 100) for k in keys[:100])
    smaller = {k for k in keys if sampled(k, 5)}
    assert smaller <= set(picked)  # a smaller percent is a subset of a larger one
    assert sampled(("EU", 3), 50) == sampled(("EU", 3), 50)


def test_batches_stay_within_bound_parameter_limits() -> None:
    assert batch_size("sqlite", 1000, 2) == 1000
    assert batch_size("sqlite", 100_000, 3) == 10_000
    assert batch_size("postgresql", 50, 40) == 50


def _table(
    name: str, pk: tuple[str, ...] = (), unique: tuple[str, ...] = (), null: bool = False
) -> Table:
    columns = (Column("id", "INTEGER", nullable=null), Column("code", "TEXT", nullable=null))
    uniques = (UniqueConstraint(None, unique),) if unique else ()
    return Table(name, columns, PrimaryKey(pk) if pk else None, unique_constraints=uniques)


def _graph(*tables: tuple[QName, Table], dialect: str = "postgresql") -> SourceGraph:
    return SourceGraph(dialect, dict(tables), (), default_schema="public")


def test_resolve_folds_case_and_the_default_schema() -> None:
    graph = _graph(
        (QName(None, "Orders"), _table("Orders", ("id",))),
        (QName("hr", "emp"), _table("emp", ("id",))),
    )
    assert graph.resolve("orders") == QName(None, "Orders")
    assert graph.resolve("public.Orders") == QName(None, "Orders")
    assert graph.resolve("HR.EMP") == QName("hr", "emp")
    with pytest.raises(
        UsageError, match=r"nope is not a table of the source; known tables: Orders, hr.emp"
    ):
        graph.resolve("nope")


def test_sqlite_spells_schemas_with_two_underscores() -> None:
    graph = _graph(
        (QName(None, "sales__orders"), _table("sales__orders", ("id",))), dialect="sqlite"
    )
    assert graph.resolve("sales.orders") == QName(None, "sales__orders")


def test_key_is_the_primary_key_else_a_unique_not_null_key_else_key() -> None:
    with_pk = (QName(None, "a"), _table("a", ("id",), ("code",)))
    unique = (QName(None, "b"), _table("b", (), ("code",)))
    nullable_unique = (QName(None, "c"), _table("c", (), ("code",), null=True))
    graph = _graph(with_pk, unique, nullable_unique)
    assert graph.key(QName(None, "a")) == ("id",)
    assert graph.key(QName(None, "b")) == ("code",)
    with pytest.raises(UsageError) as caught:
        graph.key(QName(None, "c"))
    assert str(caught.value).startswith(
        "table c has no primary key: name one with --key c:COL[,COL]"
    )
    graph.given_keys = _given_keys(graph, {"C": ["ID", "code"]})
    assert graph.key(QName(None, "c")) == ("id", "code")


def test_key_naming_a_missing_column_is_refused() -> None:
    graph = _graph((QName(None, "c"), _table("c")))
    with pytest.raises(
        UsageError, match=r"--key c:nope: c has no column nope; its columns: id, code"
    ):
        _given_keys(graph, {"c": ["nope"]})
