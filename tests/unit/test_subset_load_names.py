"""Where a subset's tables land per target dialect, the staging table's name, and the plan's
JSON (what every checkpoint carries) read back unchanged."""

from __future__ import annotations

from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.data.subset.names import (
    TargetName,
    qualified,
    stage_table_name,
    target_names,
    target_schemas,
)
from gitmigrate.data.subset.plan import LoadTable, SubsetPlan

TABLES = [QName(None, "region"), QName("sales", "orders"), QName("hr", "rep")]


def test_postgresql_and_mariadb_keep_schemas_and_sqlite_prefixes_them() -> None:
    for dialect in ("postgresql", "mysql"):
        names = target_names(TABLES, dialect)
        assert [n.label for n in names.values()] == ["region", "sales.orders", "hr.rep"]
        assert target_schemas(names.values()) == ["hr", "sales"]
    sqlite = target_names(TABLES, "sqlite")
    assert [n.label for n in sqlite.values()] == ["region", "sales__orders", "hr__rep"]
    assert target_schemas(sqlite.values()) == []


def test_schema_map_renames_a_schema() -> None:
    names = target_names(TABLES, "mysql", {"sales": "sales_copy"})
    assert names[QName("sales", "orders")] == TargetName("sales_copy", "orders")
    assert target_names(TABLES, "sqlite", {"sales": "s"})[QName("sales", "orders")].name == (
        "s__orders"
    )


def test_names_are_quoted_part_by_part() -> None:
    assert qualified("sales", 'odd"name', "postgresql") == '"sales"."odd""name"'
    assert qualified(None, "t`x", "mysql") == "`t``x`"


def test_the_staging_table_name_is_per_step_and_fits_every_database() -> None:
    assert stage_table_name("dev-data/001") == "gitmigrate_subset_dev_data_001"
    long = stage_table_name("a" * 80 + "/002")
    assert len(long) <= 60 and long.endswith("_002")
    assert long != stage_table_name("a" * 79 + "b/002")


def test_a_plan_reads_back_from_its_json() -> None:
    edge = Edge(QName("sales", "orders"), ("rep_id",), QName("hr", "rep"), ("id",), True)
    table = LoadTable(
        source=QName("sales", "orders"), target=TargetName("sales", "orders"), key=("id",),
        columns=("id", "rep_id"), converters=(None, "text"), types=("INTEGER", "INTEGER"),
        unique=("id",), rows=3, deferred=(edge,),
    )  # fmt: skip
    plan = SubsetPlan((table,), (edge,), (edge,), ("CREATE ...",), ("CREATE INDEX ...",),
                      "postgresql", "sqlite", "gitmigrate_subset_x_001", ("sales",), ())  # fmt: skip
    assert SubsetPlan.from_json(plan.to_json()) == plan
    assert plan.summary()["tables"] == [{"source": "sales.orders", "target": "sales.orders",
                                         "rows": 3}]  # fmt: skip
