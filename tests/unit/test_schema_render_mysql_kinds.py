"""MariaDB/MySQL DDL for what the model keeps beyond plain columns: ON UPDATE, generated
storage, FULLTEXT/SPATIAL indexes, view options and partitions (the round trips on a real
server are fixtures/schema/mysql_*)."""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.schema import ops
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Column, Index, PrimaryKey, Schema, Table, View
from gitmigrate.schema.render import column_definition, create_table
from gitmigrate.schema.render_mysql import render_mysql

TS = Column("updated", "TIMESTAMP", False, "current_timestamp()", on_update="current_timestamp()")
SALES = Table(
    "sales",
    (Column("id", "BIGINT", False), Column("y", "INT", False)),
    partition_by="RANGE (`y`)",
    partitions=(("p1", "VALUES LESS THAN (2023)"), ("p2", "VALUES LESS THAN (2024)")),
)


def test_on_update_follows_the_default() -> None:
    assert column_definition(TS, "mysql") == (
        "`updated` TIMESTAMP NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()"
    )
    assert "ON UPDATE" not in column_definition(TS, "postgresql")


def test_generated_column_keeps_its_storage() -> None:
    virtual = Column("d", "INT", generated="`n` * 2", generated_storage="VIRTUAL")
    assert column_definition(virtual, "mysql") == "`d` INT GENERATED ALWAYS AS (`n` * 2) VIRTUAL"
    stored = replace(virtual, generated_storage=None)
    assert column_definition(stored, "mysql").endswith("STORED")


def test_fulltext_and_spatial_indexes_are_rendered_with_their_kind() -> None:
    full = Index("ft", ("body",), method="FULLTEXT")
    spatial = Index("sp", ("loc",), method="SPATIAL")
    assert render_mysql(ops.CreateIndex("t", full)) == [
        "ALTER TABLE `t` ADD FULLTEXT INDEX `ft` (`body`)"
    ]
    table = Table("t", (Column("body", "TEXT"), Column("loc", "POINT", False)), indexes=(spatial,))
    assert "SPATIAL INDEX `sp` (`loc`)" in create_table(table, "mysql")[0]


def test_view_options_other_than_the_defaults_are_written() -> None:
    view = View("v", "select 1 AS `x`", algorithm="MERGE", security="INVOKER", check_option="LOCAL")
    assert render_mysql(ops.CreateView(view)) == [
        "CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW `v` AS select 1 AS `x` WITH LOCAL CHECK OPTION"
    ]
    assert render_mysql(ops.CreateView(View("w", "select 1"))) == ["CREATE VIEW `w` AS select 1"]


def test_partitions_are_created_with_the_table() -> None:
    assert create_table(SALES, "mysql")[0].endswith(
        ") PARTITION BY RANGE (`y`) (PARTITION `p1` VALUES LESS THAN (2023), "
        "PARTITION `p2` VALUES LESS THAN (2024))"
    )


def _plan(old: Table, new: Table) -> tuple[list[str], list[str]]:
    plan = diff_schemas(Schema("mysql", (old,)), Schema("mysql", (new,)))
    return plan.up_statements("mysql"), plan.down_statements("mysql")


def test_a_partition_added_at_the_end_is_added_and_rolled_back_by_dropping_it() -> None:
    more = replace(SALES, partitions=(*SALES.partitions, ("p max", "VALUES LESS THAN MAXVALUE")))
    assert _plan(SALES, more) == (
        ["ALTER TABLE `sales` ADD PARTITION (PARTITION `p max` VALUES LESS THAN MAXVALUE)"],
        ["ALTER TABLE `sales` DROP PARTITION `p max`"],
    )


def test_other_partition_changes_repartition_the_table() -> None:
    changed = replace(SALES, partitions=(("p1", "VALUES LESS THAN (2022)"),))
    up, down = _plan(SALES, changed)
    assert up == [
        "ALTER TABLE `sales` PARTITION BY RANGE (`y`) (PARTITION `p1` VALUES LESS THAN (2022))"
    ]
    assert down[0].startswith("ALTER TABLE `sales` PARTITION BY RANGE (`y`) (PARTITION `p1`")
    plain = replace(SALES, partition_by=None, partitions=())
    assert _plan(SALES, plain)[0] == ["ALTER TABLE `sales` REMOVE PARTITIONING"]


def test_an_auto_increment_key_column_loses_auto_increment_before_its_key() -> None:
    ident = Column("id", "BIGINT", False, identity=True)
    old = Table("t", (ident, Column("c", "INT")), primary_key=PrimaryKey(("id",)))
    new = Table("t", (Column("c", "INT"),))
    up, down = _plan(old, new)
    assert up == [
        "ALTER TABLE `t` MODIFY COLUMN `id` BIGINT NOT NULL",
        "ALTER TABLE `t` DROP PRIMARY KEY",
        "ALTER TABLE `t` DROP COLUMN `id`",
    ]
    assert down[-1] == "ALTER TABLE `t` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT"
