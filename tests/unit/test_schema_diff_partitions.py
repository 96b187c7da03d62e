"""diff_schemas on PostgreSQL partitions, INHERITS, identity generation, generated columns,
enums under views and equivalent type spellings, on hand-built schemas (no database). The round
trips on the real server are fixtures/schema/partition_* etc. in test_schema_roundtrip.py."""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.schema import ops
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Column, Enum, Index, PrimaryKey, Schema, Table, View

COLS = (Column("id", "INTEGER", nullable=False), Column("at", "DATE", nullable=False))
PARENT = Table(
    "logs",
    COLS,
    PrimaryKey(("id", "at"), "logs_pkey"),
    indexes=(Index("logs_at", ("at",)),),
    partition_by="RANGE (at)",
)
JAN = "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')"
FEB = "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')"


def part(name: str, bound: str, **kw: object) -> Table:
    return Table(name, COLS, partition_of="logs", partition_bound=bound, **kw)  # type: ignore[arg-type]


def pg(*tables: Table, **kw: object) -> Schema:
    return Schema("postgresql", tuple(tables), **kw)  # type: ignore[arg-type]


def up(a: Schema, b: Schema, *, online: bool = False) -> list[str]:
    return diff_schemas(a, b, online=online).up_statements("postgresql")


def down(a: Schema, b: Schema) -> list[str]:
    return diff_schemas(a, b).down_statements("postgresql")


def test_a_new_partition_is_created_partition_of_its_parent_without_columns() -> None:
    statements = up(pg(PARENT), pg(PARENT, part("logs_jan", JAN)))
    assert statements == [f'CREATE TABLE "logs_jan" PARTITION OF "logs" {JAN}']
    assert down(pg(PARENT), pg(PARENT, part("logs_jan", JAN))) == ['DROP TABLE "logs_jan"']


def test_a_new_parent_is_created_before_its_partitions_and_dropped_after() -> None:
    full = pg(PARENT, part("logs_jan", JAN))
    statements = up(pg(), full)
    assert statements[0].startswith('CREATE TABLE "logs" (') and statements[0].endswith(
        "PARTITION BY RANGE (at)"
    )
    assert statements[-1].startswith('CREATE TABLE "logs_jan" PARTITION OF "logs"')
    assert down(pg(), full) == ['DROP TABLE "logs_jan"', 'DROP TABLE "logs"']


def test_removing_an_attach_detaches_the_table_instead_of_creating_it() -> None:
    """The reproduced failure: the table exists; it only leaves its parent."""
    plain = Table("logs_feb", COLS)
    attached, detached = pg(PARENT, part("logs_feb", FEB)), pg(PARENT, plain)
    statements = up(attached, detached)
    assert statements[0] == 'ALTER TABLE "logs" DETACH PARTITION "logs_feb"'
    assert not any(s.startswith("CREATE TABLE") for s in statements)
    # it keeps the parent's key and index as its own after the detach: those it should not
    # keep are dropped, and the down re-creates them before attaching again
    assert 'ALTER TABLE "logs_feb" DROP CONSTRAINT "logs_feb_pkey"' in statements
    assert 'DROP INDEX "logs_feb_at_idx"' in statements
    assert down(attached, detached)[-1] == f'ALTER TABLE "logs" ATTACH PARTITION "logs_feb" {FEB}'


def test_a_bound_change_is_a_detach_then_an_attach() -> None:
    statements = up(pg(PARENT, part("logs_jan", JAN)), pg(PARENT, part("logs_jan", FEB)))
    assert statements == [
        'ALTER TABLE "logs" DETACH PARTITION "logs_jan"',
        f'ALTER TABLE "logs" ATTACH PARTITION "logs_jan" {FEB}',
    ]


def test_partition_columns_follow_the_parent_and_are_not_diffed_per_partition() -> None:
    extra = Column("msg", "TEXT")
    wider = replace(PARENT, columns=(*COLS, extra))
    new_part = replace(part("logs_jan", JAN), columns=(*COLS, extra))
    assert up(pg(PARENT, part("logs_jan", JAN)), pg(wider, new_part)) == [
        'ALTER TABLE "logs" ADD COLUMN "msg" TEXT'
    ]


def test_an_index_on_one_partition_only_is_its_own() -> None:
    mine = part("logs_jan", JAN, indexes=(Index("jan_only", ("id",)),))
    assert up(pg(PARENT, part("logs_jan", JAN)), pg(PARENT, mine)) == [
        'CREATE INDEX "jan_only" ON "logs_jan" ("id")'
    ]


def test_online_index_on_a_partitioned_table_is_built_partition_by_partition() -> None:
    before = pg(PARENT, part("logs_jan", JAN), part("logs_feb", FEB))
    indexed = replace(PARENT, indexes=(*PARENT.indexes, Index("logs_id", ("id",))))
    after = pg(indexed, part("logs_jan", JAN), part("logs_feb", FEB))
    assert up(before, after, online=True) == [
        "SET lock_timeout = '5s'",
        'CREATE INDEX "logs_id" ON ONLY "logs" ("id")',
        'CREATE INDEX CONCURRENTLY "logs_feb_id_idx" ON "logs_feb" ("id")',
        'ALTER INDEX "logs_id" ATTACH PARTITION "logs_feb_id_idx"',
        'CREATE INDEX CONCURRENTLY "logs_jan_id_idx" ON "logs_jan" ("id")',
        'ALTER INDEX "logs_id" ATTACH PARTITION "logs_jan_id_idx"',
    ]
    # PostgreSQL cannot drop a partitioned index concurrently
    plan = diff_schemas(before, after, online=True)
    assert plan.down_statements("postgresql")[1:] == ['DROP INDEX "logs_id"']


def test_online_index_recurses_into_a_partitioned_partition() -> None:
    sub = part("logs_2024", JAN, partition_by="RANGE (id)")
    leaf = Table("logs_2024_a", COLS, partition_of="logs_2024", partition_bound="DEFAULT")
    indexed = replace(PARENT, indexes=(*PARENT.indexes, Index("logs_id", ("id",))))
    assert up(pg(PARENT, sub, leaf), pg(indexed, sub, leaf), online=True)[1:] == [
        'CREATE INDEX "logs_id" ON ONLY "logs" ("id")',
        'CREATE INDEX "logs_2024_id_idx" ON ONLY "logs_2024" ("id")',
        'CREATE INDEX CONCURRENTLY "logs_2024_a_id_idx" ON "logs_2024_a" ("id")',
        'ALTER INDEX "logs_2024_id_idx" ATTACH PARTITION "logs_2024_a_id_idx"',
        'ALTER INDEX "logs_id" ATTACH PARTITION "logs_2024_id_idx"',
    ]


def test_a_change_of_partitioning_recreates_the_table() -> None:
    flat = Table("logs", COLS, PrimaryKey(("id", "at"), "logs_pkey"))
    statements = up(pg(flat), pg(PARENT))
    assert statements[0] == 'DROP TABLE "logs"'
    assert statements[1].startswith('CREATE TABLE "logs"')


def test_inherits_children_change_after_their_parent_and_are_created_with_inherits() -> None:
    base = Table("base", (Column("e", "INTEGER"),))
    child = Table("a", (Column("a1", "INTEGER"),), inherits=("base",))
    plan = up(pg(base, child), pg(replace(base, columns=()), replace(child, columns=(
        Column("a1", "INTEGER"), Column("e", "INTEGER")))))  # fmt: skip
    assert plan == [
        'ALTER TABLE "base" DROP COLUMN "e"',
        'ALTER TABLE "a" ADD COLUMN "e" INTEGER',
    ]
    assert up(pg(base), pg(base, child))[0].endswith('INHERITS ("base")')


ALWAYS = Column("id", "INTEGER", False, identity=True, identity_generation="ALWAYS")
BY_DEFAULT = replace(ALWAYS, identity_generation="BY DEFAULT")
SERIAL = replace(ALWAYS, identity_generation=None)


def test_identity_generation_is_altered_in_place_and_drift_sees_it() -> None:
    a, b = pg(Table("t", (BY_DEFAULT,))), pg(Table("t", (ALWAYS,)))
    assert schema_differences(a, b) == [
        "table t: column id: identity generation BY DEFAULT != ALWAYS"
    ]
    assert up(a, b) == ['ALTER TABLE "t" ALTER COLUMN "id" SET GENERATED ALWAYS']
    assert down(a, b) == ['ALTER TABLE "t" ALTER COLUMN "id" SET GENERATED BY DEFAULT']


def test_a_serial_is_never_dropped_as_an_identity() -> None:
    a, b = pg(Table("t", (SERIAL,))), pg(Table("t", (Column("id", "INTEGER", False),)))
    assert up(a, b) == [
        'ALTER TABLE "t" ALTER COLUMN "id" DROP DEFAULT',
        'DROP SEQUENCE "t_id_seq"',
    ]
    assert up(a, pg(Table("t", (ALWAYS,))))[-1] == (
        'ALTER TABLE "t" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY'
    )
    assert up(pg(), a) == ['CREATE TABLE "t" (\n    "id" SERIAL NOT NULL\n)']


def test_making_a_column_generated_drops_and_adds_it_and_back_drops_the_expression() -> None:
    plain = Column("g", "INTEGER")
    gen = replace(plain, generated="1")
    a, b = pg(Table("t", (plain,))), pg(Table("t", (gen,)))
    assert up(a, b) == [
        'ALTER TABLE "t" DROP COLUMN "g"',
        'ALTER TABLE "t" ADD COLUMN "g" INTEGER GENERATED ALWAYS AS (1) STORED',
    ]
    assert down(a, b) == ['ALTER TABLE "t" ALTER COLUMN "g" DROP EXPRESSION']


def test_views_reading_a_changing_enum_are_dropped_around_it_both_ways() -> None:
    table = Table("t", (Column("c", "e"),))
    view = View("v", "SELECT t.c FROM t")
    a = pg(table, views=(view,), enums=(Enum("e", ("a", "b")),))
    b = pg(table, views=(view,), enums=(Enum("e", ("a", "b", "c")),))
    for statements in (up(a, b), down(a, b)):
        assert statements[0] == 'DROP VIEW "v"'
        assert statements[-1] == 'CREATE VIEW "v" AS SELECT t.c FROM t'


def test_sqlite_datetime_and_timestamp_are_one_type() -> None:
    """A SQLAlchemy DateTime (DATETIME) against hand-written TIMESTAMP: adding a column must
    not rebuild the table."""
    a = Schema("sqlite", (Table("e", (Column("at", "TIMESTAMP"),)),))
    b = Schema("sqlite", (Table("e", (Column("at", "DATETIME"), Column("n", "INTEGER"))),))
    plan = diff_schemas(a, b)
    assert [type(op) for op in plan.operations] == [ops.AddColumn]
    assert (
        schema_differences(a, replace(b, tables=(Table("e", (Column("at", "DATETIME"),)),))) == []
    )
    mysql = Schema("mysql", (Table("e", (Column("at", "TIMESTAMP"),)),))
    assert not diff_schemas(
        mysql, replace(mysql, tables=(Table("e", (Column("at", "DATETIME"),)),))
    ).is_empty


def test_a_serial_becoming_a_spelled_out_sequence_only_changes_its_owner() -> None:
    """migra seq: the sequence exists (the serial owns it); it is released, not created."""
    from gitmigrate.schema.model import Sequence

    serial = pg(Table("t", (SERIAL,)))
    spelled = pg(
        Table("t", (replace(SERIAL, identity=False, default="nextval('t_id_seq')"),)),
        sequences=(Sequence("t_id_seq", 1, 1),),
    )
    assert up(serial, spelled) == ['ALTER SEQUENCE "t_id_seq" OWNED BY NONE']
    assert up(spelled, serial) == ['ALTER SEQUENCE "t_id_seq" OWNED BY "t"."id"']


def test_the_on_only_index_of_the_online_form_passes_our_lint() -> None:
    """CREATE INDEX ... ON ONLY builds nothing (catalog only); a plain one still fails."""
    from gitmigrate.lint import LintOptions, lint_sql

    def rules(sql: str) -> set[str]:
        found = lint_sql(sql, "postgresql", options=LintOptions(assume_in_transaction=False))
        return {f.rule for f in found if f.blocking}

    assert "require-concurrent-index-creation" not in rules('CREATE INDEX "i" ON ONLY "t" ("a");\n')
    assert "require-concurrent-index-creation" in rules('CREATE INDEX "i" ON "t" ("a");\n')


def test_an_enum_swap_retypes_a_partition_that_stands_alone_while_it_runs() -> None:
    """Detaching a partition and adding an enum value: the down recreates the enum before the
    partition is attached again, so the detached table's own column is retyped too (else the
    old type cannot be dropped, and the attach would find two types)."""
    status = Column("status", "mood", nullable=False)
    parent = replace(PARENT, columns=(*COLS, status))
    jan = replace(part("logs_jan", JAN), columns=(*COLS, status))
    alone = replace(jan, partition_of=None, partition_bound=None)
    before = pg(parent, jan, enums=(Enum("mood", ("a", "b")),))
    after = pg(parent, alone, enums=(Enum("mood", ("a", "b", "c")),))
    back = down(before, after)
    retyped = [s for s in back if 'TYPE "mood" USING' in s]
    assert [s.split('"')[1] for s in retyped] == ["logs", "logs_jan"]
    assert back.index(retyped[-1]) < back.index(next(s for s in back if "ATTACH" in s))
