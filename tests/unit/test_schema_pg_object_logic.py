"""The PostgreSQL object kinds' own logic, without a database: the order `depends_on` gives
created and dropped objects, objects recreated with what they need, CREATE OR REPLACE only
where the server allows it, ALTER DOMAIN statements read from a domain's clauses, and domain
names accepted as column types. The round trips on a real server are
tests/integration/test_schema_pg_objects.py."""

from __future__ import annotations

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.schema import ops
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.diff_server_objects import dependency_order
from gitmigrate.schema.model import Column, DbObject, Schema, Table
from gitmigrate.schema.objects.pg_routines import alter_function
from gitmigrate.schema.objects.pg_types import alter_domain, alter_type
from gitmigrate.schema.types import check_type


def function(
    name: str, body: str = "1", returns: str = "integer", needs: tuple[str, ...] = ()
) -> DbObject:
    create = (
        f"CREATE OR REPLACE FUNCTION public.{name}()\n RETURNS {returns}\n LANGUAGE sql\n"
        f"AS $function$select {body}$function$"
    )
    return DbObject(
        "function",
        f"public.{name}()",
        (create,),
        (f'DROP FUNCTION "public"."{name}"()',),
        depends_on=needs,
    )


def trigger(name: str, table: str, fn: str) -> DbObject:
    return DbObject(
        "trigger",
        f"{table}.{name}",
        (f"CREATE TRIGGER {name} ... {fn}",),
        (f'DROP TRIGGER "{name}" ON "{table}"',),
        table=table,
        depends_on=(f"public.{fn}()",),
    )


def domain(*clauses: str, later: tuple[str, ...] = ()) -> DbObject:
    create = "\n    ".join(('CREATE DOMAIN "public"."d" AS integer', *clauses))
    return DbObject("domain", "public.d", (create, *later), ('DROP DOMAIN "public"."d"',))


def pg(*objects: DbObject, tables: tuple[Table, ...] = ()) -> Schema:
    return Schema("postgresql", tables=tables, objects=tuple(objects))


def test_dependency_order_puts_what_is_needed_first_whatever_the_kind() -> None:
    check = DbObject(
        "domain",
        "public.a_dom",
        ("CREATE DOMAIN ...",),
        ("DROP DOMAIN ...",),
        depends_on=("public.z_fn()",),
    )
    fn = function("z_fn")
    caller = function("b_caller", needs=("public.z_fn()",))
    assert [o.name for o in dependency_order([caller, check, fn])] == [
        "public.z_fn()",
        "public.a_dom",
        "public.b_caller()",
    ]


def test_dependency_order_breaks_a_cycle_instead_of_losing_objects() -> None:
    a = function("a", needs=("public.b()",))
    b = function("b", needs=("public.a()",))
    assert sorted(o.name for o in dependency_order([a, b])) == ["public.a()", "public.b()"]


def test_created_objects_follow_their_dependencies_and_are_dropped_in_reverse() -> None:
    fn = function("z_fn")
    caller = function("a_caller", needs=("public.z_fn()",))
    plan = diff_schemas(pg(), pg(fn, caller))
    up = plan.up_statements("postgresql")
    assert [s.split("(")[0] for s in up] == [
        "CREATE OR REPLACE FUNCTION public.z_fn",
        "CREATE OR REPLACE FUNCTION public.a_caller",
    ]
    assert plan.down_statements("postgresql") == [
        'DROP FUNCTION "public"."a_caller"()',
        'DROP FUNCTION "public"."z_fn"()',
    ]


def test_a_changed_body_is_replaced_in_place() -> None:
    plan = diff_schemas(pg(function("f", "1")), pg(function("f", "2")))
    assert [type(op) for op in plan.operations] == [ops.AlterObject]
    assert plan.up_statements("postgresql")[0].endswith("select 2$function$")
    assert plan.down_statements("postgresql")[0].endswith("select 1$function$")


def test_another_return_type_recreates_the_function_and_the_triggers_on_it() -> None:
    old = pg(function("f", returns="integer"), trigger("t", "emp", "f"))
    new = pg(function("f", returns="trigger"), trigger("t", "emp", "f"))
    up = diff_schemas(old, new).up_statements("postgresql")
    assert up[0] == 'DROP TRIGGER "t" ON "emp"'
    assert up[1] == 'DROP FUNCTION "public"."f"()'
    assert "RETURNS trigger" in up[2]
    assert up[3].startswith("CREATE TRIGGER t")


def test_alter_function_refuses_what_create_or_replace_cannot_do() -> None:
    assert alter_function(function("f", "1"), function("f", "2")) is not None
    assert alter_function(function("f"), function("f", returns="bigint")) is None


def test_alter_domain_changes_each_clause_in_place() -> None:
    old = domain("DEFAULT 1", 'CONSTRAINT "d_check" CHECK ((VALUE > 0))')
    new = domain("NOT NULL", 'CONSTRAINT "d_check" CHECK ((VALUE > 1))')
    assert alter_domain(old, new) == (
        'ALTER DOMAIN "public"."d" DROP CONSTRAINT "d_check"',
        'ALTER DOMAIN "public"."d" DROP DEFAULT',
        'ALTER DOMAIN "public"."d" SET NOT NULL',
        'ALTER DOMAIN "public"."d" ADD CONSTRAINT "d_check" CHECK ((VALUE > 1))',
    )
    assert alter_domain(new, old) is not None and "SET DEFAULT 1" in alter_domain(new, old)[1]


def test_alter_domain_reads_a_not_yet_valid_check_added_after_the_create() -> None:
    later = ('ALTER DOMAIN "public"."d" ADD CONSTRAINT "c" CHECK ((VALUE > 0)) NOT VALID',)
    assert alter_domain(domain(later=later), domain()) == (
        'ALTER DOMAIN "public"."d" DROP CONSTRAINT "c"',
    )


def test_another_base_type_recreates_the_domain() -> None:
    other = DbObject("domain", "public.d", ('CREATE DOMAIN "public"."d" AS bigint',), ())
    assert alter_domain(domain(), other) is None


def test_a_dropped_domain_check_is_one_alter() -> None:
    plan = diff_schemas(pg(domain('CONSTRAINT "c" CHECK ((VALUE > 0))')), pg(domain()))
    assert plan.up_statements("postgresql") == ['ALTER DOMAIN "public"."d" DROP CONSTRAINT "c"']


def test_domain_names_are_valid_column_types() -> None:
    t = Table("t", (Column("n", "posint"), Column("m", '"PositiveInt"')))
    posint = DbObject("domain", "public.posint", ("CREATE DOMAIN ...",), ())
    mixed = DbObject("domain", "public.PositiveInt", ("CREATE DOMAIN ...",), ())
    plan = diff_schemas(pg(), pg(posint, mixed, tables=(t,)))
    assert any("CREATE TABLE" in s for s in plan.up_statements("postgresql"))
    with pytest.raises(UsageError, match="posint"):
        check_type("posint", "postgresql")


def test_a_function_needing_a_table_is_created_after_it() -> None:
    t = Table("customer", (Column("id", "INTEGER"),))
    report = function("report", returns="SETOF customer", needs=("customer",))
    up = diff_schemas(pg(), pg(report, tables=(t,))).up_statements("postgresql")
    assert up[0].startswith('CREATE TABLE "customer"') and "report" in up[1]
    down = diff_schemas(pg(), pg(report, tables=(t,))).down_statements("postgresql")
    assert down == ['DROP FUNCTION "public"."report"()', 'DROP TABLE "customer"']


def composite(*attributes: str) -> DbObject:
    body = ",\n    ".join(attributes)
    create = f'CREATE TYPE "public"."pair" AS (\n    {body}\n)'
    return DbObject("type", "public.pair", (create,), ('DROP TYPE "public"."pair"',))


def test_composite_attributes_come_and_go_in_place_while_the_others_hold() -> None:
    old = composite('"a" integer', '"b" text', '"c" integer')
    new = composite('"a" integer', '"c" integer', '"d" date')
    assert alter_type(old, new) == (
        'ALTER TYPE "public"."pair" DROP ATTRIBUTE "b"',
        'ALTER TYPE "public"."pair" ADD ATTRIBUTE "d" date',
    )
    retyped = composite('"a" bigint', '"b" text', '"c" integer')
    assert alter_type(old, retyped) is None
    assert alter_type(new, old) is None  # "b" would come back last: the order would differ
    assert alter_type(old, composite('"c" integer', '"a" integer')) is None
