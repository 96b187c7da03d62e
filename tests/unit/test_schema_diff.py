"""diff_schemas and the DDL it renders, on hand-built schemas (no database): ordering with
foreign keys and cycles, rename candidates and --rename, the reverse of every operation, the
online variants, quoting, and the unknown-type error. The round trip against real databases is
tests/integration/test_schema_roundtrip.py."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.schema import ops
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    DbObject,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)

ID = Column("id", "INTEGER", nullable=False)


def table(name: str, *columns: Column, fks: tuple[ForeignKey, ...] = (), **kw: object) -> Table:
    return Table(name, (ID, *columns), PrimaryKey(("id",), f"{name}_pkey"), foreign_keys=fks, **kw)  # type: ignore[arg-type]


def fk(name: str, column: str, ref: str) -> ForeignKey:
    return ForeignKey(name, (column,), ref, ("id",))


def schema(*tables: Table, dialect: str = "postgresql", **kw: object) -> Schema:
    return Schema(dialect, tuple(tables), **kw)  # type: ignore[arg-type]


def kinds(plan_ops: tuple[ops.Operation, ...]) -> list[str]:
    return [f"{type(op).__name__}:{','.join(op.objects)}" for op in plan_ops]


PARENT = table("parent")
CHILD = table("child", Column("parent_id", "INTEGER"), fks=(fk("fk_c_p", "parent_id", "parent"),))
LEAF = table("a_leaf", Column("child_id", "INTEGER"), fks=(fk("fk_l_c", "child_id", "child"),))


# --- ordering --------------------------------------------------------------------------------


def test_creates_referenced_tables_first_and_drops_them_last() -> None:
    empty, full = schema(), schema(LEAF, CHILD, PARENT)
    up = diff_schemas(empty, full)
    assert kinds(up.operations) == [
        "CreateTable:parent",
        "CreateTable:child",
        "CreateTable:a_leaf",
    ]
    down = diff_schemas(full, empty)
    assert kinds(down.operations) == ["DropTable:a_leaf", "DropTable:child", "DropTable:parent"]


def test_a_foreign_key_cycle_is_broken_by_adding_a_key_after_the_tables() -> None:
    a = table("a_side", Column("b_id", "INTEGER"), fks=(fk("fk_a_b", "b_id", "b_side"),))
    b = table("b_side", Column("a_id", "INTEGER"), fks=(fk("fk_b_a", "a_id", "a_side"),))
    plan = diff_schemas(schema(), schema(a, b))
    assert kinds(plan.operations) == [
        "CreateTable:a_side",
        "CreateTable:b_side",
        "AddForeignKey:a_side,b_side",
    ]
    created = plan.operations[0]
    assert isinstance(created, ops.CreateTable) and created.table.foreign_keys == ()
    statements = plan.up_statements("postgresql")
    assert statements[-1] == (
        'ALTER TABLE "a_side" ADD CONSTRAINT "fk_a_b" FOREIGN KEY ("b_id") '
        'REFERENCES "b_side" ("id")'
    )
    # dropping the cycle drops the deferred key first; SQLite never defers (forward references)
    drop = diff_schemas(schema(a, b), schema())
    assert kinds(drop.operations)[0] == "DropForeignKey:a_side,b_side"
    lite = diff_schemas(schema(dialect="sqlite"), schema(a, b, dialect="sqlite"))
    assert kinds(lite.operations) == ["CreateTable:a_side", "CreateTable:b_side"]


def test_views_are_dropped_before_and_recreated_after_the_tables_they_read() -> None:
    users = table("users", Column("n", "INTEGER"))
    view = View("v_users", "SELECT id, n FROM users")
    on_view = View("v_ids", "SELECT id FROM v_users")
    before = schema(users, views=(view, on_view))
    after = schema(replace(users, columns=(ID, Column("n", "BIGINT"))), views=(view, on_view))
    assert kinds(diff_schemas(before, after).operations) == [
        "DropView:v_ids",
        "DropView:v_users",
        "AlterColumn:users.n",
        "CreateView:v_users",
        "CreateView:v_ids",
    ]
    # an index change does not touch the view
    indexed = replace(users, indexes=(Index("ix_n", ("n",)),))
    assert kinds(diff_schemas(before, schema(indexed, views=(view, on_view))).operations) == [
        "CreateIndex:users,ix_n"
    ]


def test_enums_come_before_the_tables_using_them_and_go_after() -> None:
    mood = Enum("mood", ("sad", "happy"))
    person = table("person", Column("feeling", "mood"))
    plan = diff_schemas(schema(), schema(person, enums=(mood,)))
    assert kinds(plan.operations) == ["CreateEnum:mood", "CreateTable:person"]
    assert kinds(diff_schemas(schema(person, enums=(mood,)), schema()).operations) == [
        "DropTable:person",
        "DropEnum:mood",
    ]


def test_a_retyped_column_inside_a_foreign_key_drops_and_readds_the_key() -> None:
    parent = replace(PARENT, columns=(Column("id", "BIGINT", nullable=False),))
    child = replace(CHILD, columns=(ID, Column("parent_id", "BIGINT")))
    plan = diff_schemas(schema(PARENT, CHILD), schema(parent, child))
    assert kinds(plan.operations) == [
        "DropForeignKey:child,parent",
        "AlterColumn:child.parent_id",
        "AlterColumn:parent.id",
        "AddForeignKey:child,parent",
    ]


def test_owned_sequences_are_created_unowned_and_owned_last() -> None:
    seq = Sequence("counter", 1, 1, "t.n")
    t = table("t", Column("n", "INTEGER"))
    plan = diff_schemas(schema(t), schema(t, sequences=(seq,)))
    assert plan.up_statements("postgresql") == [
        'CREATE SEQUENCE "counter" INCREMENT BY 1 START WITH 1',
        'ALTER SEQUENCE "counter" OWNED BY "t"."n"',
    ]
    assert plan.down_statements("postgresql") == [
        'ALTER SEQUENCE "counter" OWNED BY NONE',
        'DROP SEQUENCE "counter"',
    ]


# --- renames ------------------------------------------------------------------------------------


def test_a_drop_and_add_of_the_same_type_is_flagged_never_guessed() -> None:
    before = schema(table("u", Column("name", "TEXT")))
    after = schema(table("u", Column("full_name", "TEXT")))
    plan = diff_schemas(before, after)
    assert plan.rename_candidates == ("u.name:u.full_name",)
    assert kinds(plan.operations) == ["DropColumn:u.name", "AddColumn:u.full_name"]
    other_type = schema(table("u", Column("full_name", "INTEGER")))
    assert diff_schemas(before, other_type).rename_candidates == ()


def test_rename_turns_the_candidate_into_a_rename() -> None:
    before = schema(table("u", Column("name", "TEXT")))
    after = schema(table("u", Column("full_name", "TEXT")))
    plan = diff_schemas(before, after, renames={"u.name": "u.full_name"})
    assert plan.rename_candidates == ()
    assert plan.up_statements("postgresql") == [
        'ALTER TABLE "u" RENAME COLUMN "name" TO "full_name"'
    ]
    assert plan.down_statements("postgresql") == [
        'ALTER TABLE "u" RENAME COLUMN "full_name" TO "name"'
    ]


def test_table_rename_and_its_candidate() -> None:
    before, after = (
        schema(table("t", Column("x", "TEXT"))),
        schema(table("people", Column("x", "TEXT"))),
    )
    assert diff_schemas(before, after).rename_candidates == ("t:people",)
    plan = diff_schemas(before, after, renames={"t": "people"})
    assert plan.up_statements("mysql")[0] == "RENAME TABLE `t` TO `people`"


def test_a_rename_of_something_missing_is_a_usage_error() -> None:
    before = schema(table("u", Column("name", "TEXT")))
    with pytest.raises(UsageError, match="u.nme"):
        diff_schemas(before, before, renames={"u.nme": "u.name"})
    with pytest.raises(UsageError, match="desired schema"):
        diff_schemas(before, before, renames={"u.name": "u.other"})


# --- reverse of every operation ------------------------------------------------------------------

T = table("t", Column("a", "INTEGER"))
COL, COL2 = Column("a", "INTEGER"), Column("a", "BIGINT", nullable=False, default="0")
E1, E2 = Enum("e", ("x",)), Enum("e", ("x", "y"))
FN1 = DbObject(
    "function",
    "f()",
    ("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",),
    ("DROP FUNCTION f()",),
    replace=("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",),
)
FN2 = replace(
    FN1,
    create=("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$",),
    replace=("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$",),
)
S1 = Sequence("s", 1, 1)
EVERY_OP: list[ops.Operation] = [
    ops.CreateTable(T),
    ops.DropTable(T),
    ops.RebuildTable(T, replace(T, columns=(ID, COL2))),
    ops.RenameTable("t", "u"),
    ops.AddColumn("t", COL),
    ops.DropColumn("t", COL),
    ops.AlterColumn("t", COL, COL2),
    ops.RenameColumn("t", "a", "b"),
    ops.CreateIndex("t", Index("ix", ("a",))),
    ops.DropIndex("t", Index("ix", ("a",))),
    ops.AddUnique("t", UniqueConstraint("uq", ("a",))),
    ops.DropUnique("t", UniqueConstraint("uq", ("a",))),
    ops.AddForeignKey("t", fk("fk", "a", "p"), "fk"),
    ops.DropForeignKey("t", fk("fk", "a", "p")),
    ops.AddCheck("t", CheckConstraint("ck", "a > 0")),
    ops.DropCheck("t", CheckConstraint("ck", "a > 0")),
    ops.AddPrimaryKey("t", PrimaryKey(("id",), "t_pkey")),
    ops.DropPrimaryKey("t", PrimaryKey(("id",), "t_pkey")),
    ops.CreateView(View("v", "SELECT 1")),
    ops.DropView(View("v", "SELECT 1")),
    ops.CreateEnum(E1),
    ops.DropEnum(E1),
    ops.ReplaceEnum(E2, E1),
    ops.CreateSequence(S1),
    ops.DropSequence(S1),
    ops.AlterSequence(S1, replace(S1, increment=2)),
    ops.SetTableComment("t", None, "people"),
    ops.Repartition("t", T, replace(T, partition_by="HASH (`id`) PARTITIONS 2")),
    ops.CreateExtension("pg_trgm"),
    ops.DropExtension("pg_trgm"),
    ops.Composite((ops.DropColumn("t", COL),), (ops.AddColumn("t", COL),)),
    ops.CreateObject(FN1),
    ops.DropObject(FN1),
    ops.AlterObject(FN1, FN2, FN2.replace, FN1.replace),
    ops.AttachPartition("t", "t_1", "DEFAULT"),
    ops.DetachPartition("t", "t_1", "DEFAULT"),
]


@pytest.mark.parametrize("op", EVERY_OP, ids=lambda op: type(op).__name__)
def test_reverse_of_reverse_is_the_operation(op: ops.Operation) -> None:
    back = op.reverse()
    assert back != op
    assert back.reverse() == op
    assert op.objects and back.objects


def test_every_operation_class_is_covered() -> None:
    classes = {
        c for c in vars(ops).values() if isinstance(c, type) and issubclass(c, ops.Operation)
    }
    # a Statement is only ever a part of a Composite, which says how it is undone
    covered = {type(op) for op in EVERY_OP} | {ops.AddEnumValue, ops.Statement}
    public = {c for c in classes if not c.__name__.startswith("_") and c is not ops.Operation}
    assert public == covered


def test_destructive_operations_keep_what_they_destroy() -> None:
    drop = ops.DropTable(T)
    assert drop.reverse() == ops.CreateTable(T)
    column = ops.DropColumn("t", COL2)
    assert column.reverse() == ops.AddColumn("t", COL2)  # the default and NOT NULL come back


def test_adding_an_enum_value_reverses_by_recreating_the_type() -> None:
    usage = ops.EnumUsage("person", Column("m", "e", default="'x'"))
    add = ops.AddEnumValue(E1, E2, "y", (usage,))
    back = add.reverse()
    assert back == ops.ReplaceEnum(E2, E1, (usage,))
    plan = diff_schemas(
        schema(table("person", usage.column), enums=(E1,)),
        schema(table("person", usage.column), enums=(E2,)),
    )
    assert plan.up_statements("postgresql") == ["ALTER TYPE \"e\" ADD VALUE 'y'"]
    assert plan.down_statements("postgresql") == [
        'ALTER TYPE "e" RENAME TO "_gm_old_e"',
        "CREATE TYPE \"e\" AS ENUM ('x')",
        'ALTER TABLE "person" ALTER COLUMN "m" DROP DEFAULT',
        'ALTER TABLE "person" ALTER COLUMN "m" TYPE "e" USING "m"::text::"e"',
        'ALTER TABLE "person" ALTER COLUMN "m" SET DEFAULT \'x\'',
        'DROP TYPE "_gm_old_e"',
    ]


def test_enum_value_inserted_in_the_middle_goes_before_its_successor() -> None:
    plan = diff_schemas(
        schema(enums=(Enum("e", ("a", "c")),)), schema(enums=(Enum("e", ("a", "b", "c")),))
    )
    assert plan.up_statements("postgresql") == ["ALTER TYPE \"e\" ADD VALUE 'b' BEFORE 'c'"]


def test_down_is_the_reversed_plan() -> None:
    plan = diff_schemas(schema(PARENT), schema(PARENT, CHILD, LEAF))
    inverse = diff_schemas(schema(PARENT, CHILD, LEAF), schema(PARENT))
    assert plan.down_statements("postgresql") == inverse.up_statements("postgresql")


def test_no_difference_is_an_empty_plan() -> None:
    plan = diff_schemas(schema(PARENT, CHILD), schema(PARENT, CHILD))
    assert plan.is_empty and plan.up_statements("postgresql") == []


def test_operations_are_frozen() -> None:
    op = ops.AddColumn("t", COL)
    with pytest.raises(AttributeError):
        op.table = "u"  # type: ignore[misc]
    assert [f.name for f in fields(op)] == ["table", "column"]


TRIGGER = DbObject(
    "trigger",
    "t.stamp",
    ("CREATE TRIGGER stamp BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",),
    ("DROP TRIGGER stamp ON t",),
    table="t",
    depends_on=("f()",),
)


def test_server_kept_objects_go_around_the_tables_they_need() -> None:
    """A function is created before the table changes and a trigger after them; down undoes
    both in the opposite order."""
    plan = diff_schemas(schema(T), schema(T, objects=(FN1, TRIGGER)))
    assert plan.up_statements("postgresql") == [*FN1.create, *TRIGGER.create]
    assert plan.down_statements("postgresql") == [*TRIGGER.drop, *FN1.drop]


def test_a_changed_function_is_replaced_in_place_and_back() -> None:
    plan = diff_schemas(schema(T, objects=(FN1,)), schema(T, objects=(FN2,)))
    assert plan.up_statements("postgresql") == list(FN2.replace)
    assert plan.down_statements("postgresql") == list(FN1.replace)


def test_an_object_on_a_dropped_table_is_dropped_first_and_comes_back_after_it() -> None:
    plan = diff_schemas(schema(T, objects=(TRIGGER,)), schema())
    up = plan.up_statements("postgresql")
    assert up == [*TRIGGER.drop, 'DROP TABLE "t"']
    down = plan.down_statements("postgresql")
    assert down[0].startswith('CREATE TABLE "t"') and down[-1] == TRIGGER.create[0]
