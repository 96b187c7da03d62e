"""The shapes peer tools get wrong (issue 16's anchors), one test each, on the mandatory schema
(fixtures/subset) from PostgreSQL into SQLite and MariaDB:

- pg_sample copies 0 rows through composite foreign keys: orders reach their customers by
  (region, cust_no), and a customer its referrer by a composite self reference;
- condenser handles single-column bigint keys only: order lines keyed by (order_id, line_no)
  reach products keyed by text and suppliers identified by a unique non-key column;
- Greenmask fails on two cycle groups in one strongly connected component: a department pulls
  in its head (cycle 1), the head's customer key pulls in a customer whose account manager is
  another employee of another department (cycle 2), and so on until the closure is closed.

Each checks the plan against the reference closure, the target's foreign keys, and that every
row arrived as it is in the source (no masking here: the deferred keys were fixed up to their
source values)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from gitmigrate.data.subset.model import QName
from tests import subset_oracles as o
from tests.fixtures_db import fresh_database_url
from tests.subset_acceptance import (
    broken_edges,
    connect,
    drop_mysql_databases,
    make_project,
    planned_rows,
    run_subset,
    target_names,
)
from tests.subset_schema import SubsetSchemaInfo, prefix_for, subset_schema

TARGETS = [
    pytest.param("sqlite", id="pg-to-sqlite", marks=pytest.mark.postgres),
    pytest.param("mysql", id="pg-to-mariadb", marks=[pytest.mark.postgres, pytest.mark.mysql]),
]
# every column of each table, to compare whole rows between source and target by key
COLUMNS = {
    "hr.department": ["id", "name", "head_id"],
    "hr.employee": ["id", "department_id", "manager_id", "email", "full_name", "key_region",
                    "key_cust_no"],
    "catalog.supplier": ["code", "name"],
    "catalog.category": ["id", "parent_id", "name"],
    "catalog.product": ["sku", "category_id", "supplier_code", "name"],
    "sales.customer": ["region", "cust_no", "email", "phone", "name", "account_manager_id",
                       "referrer_region", "referrer_cust_no"],
    "sales.orders": ["id", "order_code", "region", "cust_no", "salesperson_id"],
    "sales.order_line": ["order_id", "line_no", "sku", "quantity"],
    "sales.shipment": ["id", "order_code"],
}  # fmt: skip
KEYS = {"catalog.supplier": ["code"], "catalog.product": ["sku"],
        "sales.customer": ["region", "cust_no"], "sales.order_line": ["order_id", "line_no"]}  # fmt: skip


def _subset(
    tmp_path: Path,
    target_dialect: str,
    root: str,
    where: str,
    follow: Sequence[str] = (),
) -> tuple[SubsetSchemaInfo, dict[QName, int], list[str]]:
    """Subset the fixture from PostgreSQL into `target_dialect`; check the plan, the foreign
    keys, the counts and that every copied row equals its source row. Returns the plan."""
    with (
        fresh_database_url("postgresql", tmp_path) as source_url,
        fresh_database_url(target_dialect, tmp_path) as target_url,
        subset_schema(source_url, prefix_for(source_url)) as info,
    ):
        repo = make_project(tmp_path / "project", source_url, target_url)
        table = info.qname(root)
        followed = [info.qname(f) for f in follow]
        try:
            result = run_subset(
                repo, roots=[f"{table.label} WHERE {where}"], follow=[f.label for f in followed]
            )
            plan, names = planned_rows(result), target_names(result)
            schemas = sorted({t.schema for t in names.values()}, key=lambda s: s or "")
            with connect(source_url) as source, connect(target_url) as target:
                expected = o.reference_closure(
                    source, info.schema_names, [(table, where)], set(followed)
                )
                assert {t: n for t, n in plan.items() if n} == {
                    t: n for t, n in expected.items() if n
                }
                assert o.fk_violations(target, schemas) == []
                counts = {names[t]: n for t, n in plan.items()}
                assert o.count_mismatches(target, counts, schemas=schemas) == {}
                for logical, columns in COLUMNS.items():
                    source_table = info.qname(logical)
                    if plan.get(source_table):
                        key = KEYS.get(logical, ["id"])
                        rest = [c for c in columns if c not in key]
                        same = o.unchanged_rows(
                            source, source_table, target, names[source_table], rest, key
                        )
                        assert same == plan[source_table], logical
        finally:
            for url in (source_url, target_url):
                drop_mysql_databases(target_url, str(make_url(url).database))
        return info, plan, broken_edges(result)


@pytest.mark.parametrize("target_dialect", TARGETS)
def test_composite_foreign_keys_bring_their_parents_where_pg_sample_copies_none(
    target_dialect: str, tmp_path: Path
) -> None:
    info, plan, _ = _subset(tmp_path, target_dialect, "sales.orders", "id <= 10")
    customers = plan[info.qname("sales.customer")]
    # 10 orders of 10 customers; customers 16 and 40 bring their referrers 15 and 39
    assert customers > 10 and plan[info.qname("sales.orders")] == 10


@pytest.mark.parametrize("target_dialect", TARGETS)
def test_composite_and_text_keys_where_condenser_needs_one_bigint_column(
    target_dialect: str, tmp_path: Path
) -> None:
    info, plan, _ = _subset(tmp_path, target_dialect, "sales.order_line", "order_id <= 6")
    assert plan[info.qname("sales.order_line")] == sum(1 + i % 4 for i in range(1, 7))
    assert plan[info.qname("catalog.product")] > 0 and plan[info.qname("catalog.supplier")] > 0


@pytest.mark.parametrize("target_dialect", TARGETS)
def test_two_cycles_in_one_component_where_greenmask_fails(
    target_dialect: str, tmp_path: Path
) -> None:
    # department 5's head, employee 5, holds customer key (AP, 6): cycle 2 from cycle 1
    info, plan, broken = _subset(tmp_path, target_dialect, "hr.department", "id = 5")
    for logical in ("hr.department", "hr.employee", "sales.customer"):
        assert plan[info.qname(logical)] > 0, logical
    broken = " ".join(broken)  # loaded NULL, then fixed up: the cycles' only nullable edges
    assert f"{info.label('hr.department')}(head_id) -> " in broken
    assert f"{info.label('hr.employee')}(key_region, key_cust_no) -> " in broken
