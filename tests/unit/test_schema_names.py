"""Names outside the default PostgreSQL schema (gitmigrate/schema/names.py): a QualifiedName is
a plain string to the model, quoted part by part in DDL, and survives copies and JSON."""

from __future__ import annotations

import copy
import json
import pickle

from gitmigrate.schema.depends import referenced_names
from gitmigrate.schema.describe import schema_json
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import Column, Enum, Index, Sequence, View
from gitmigrate.schema.names import (
    QualifiedName,
    bare,
    qualify,
    schema_of,
    sibling,
    split_sql_name,
)
from gitmigrate.schema.objects.pg_schemas import schema_object
from gitmigrate.schema.render import quote
from tests.unit.test_schema_diff import schema, table

OTHER_T = QualifiedName("other", "t")


def test_a_qualified_name_is_its_text_and_knows_its_parts() -> None:
    assert OTHER_T == "other.t" and hash(OTHER_T) == hash("other.t")
    assert (OTHER_T.schema, OTHER_T.name) == ("other", "t")
    assert (schema_of(OTHER_T), bare(OTHER_T)) == ("other", "t")
    assert (schema_of("t"), bare("t")) == (None, "t")


def test_parts_holding_a_dot_or_a_quote_are_quoted_in_the_text() -> None:
    assert QualifiedName("my.schema", "t") == '"my.schema".t'
    assert QualifiedName("s", 'a"b') == 's."a""b"'
    assert QualifiedName("a.b", "c") != QualifiedName("a", "b.c")


def test_default_schema_names_stay_bare() -> None:
    assert qualify("public", "t", "public") == "t" and type(qualify("public", "t", "public")) is str
    assert isinstance(qualify("other", "t", "public"), QualifiedName)
    assert isinstance(qualify("public", "t", None), QualifiedName)  # empty search_path


def test_quote_renders_part_by_part() -> None:
    assert quote(OTHER_T, "postgresql") == '"other"."t"'
    assert quote(QualifiedName("My Schema", 'we"ird'), "postgresql") == '"My Schema"."we""ird"'
    assert quote("other.t", "postgresql") == '"other.t"'  # a bare name with a dot is one name


def test_sibling_puts_a_name_in_the_schema_of_another() -> None:
    assert sibling(OTHER_T, "t_pkey") == QualifiedName("other", "t_pkey")
    assert sibling("t", "t_pkey") == "t_pkey"


def test_split_sql_name_reads_quoted_and_qualified_names() -> None:
    assert split_sql_name('other."T_id_seq"') == ("other", "T_id_seq")
    assert split_sql_name('"a.b"."c""d"') == ("a.b", 'c"d')
    assert split_sql_name("seq") == ("seq",)


def test_copies_pickles_and_json_keep_it() -> None:
    for made in (copy.copy(OTHER_T), copy.deepcopy(OTHER_T), pickle.loads(pickle.dumps(OTHER_T))):
        assert isinstance(made, QualifiedName) and (made.schema, made.name) == ("other", "t")
    model = schema(table(OTHER_T))
    assert json.loads(json.dumps(schema_json(model)))["tables"][0]["name"] == "other.t"


def test_view_dependencies_see_qualified_names() -> None:
    found = referenced_names('SELECT data.id FROM x.data JOIN "My"."T" ON true', lambda n: n)
    assert QualifiedName("x", "data") in found and QualifiedName("My", "T") in found


def test_ddl_for_objects_in_another_schema() -> None:
    seq = Sequence(QualifiedName("other", "s"), 1, 1, "t.id")
    enum = Enum(QualifiedName("other", "mood"), ("a", "b"))
    indexed = table(OTHER_T, Column("m", "other.mood"), indexes=(Index("t_m", ("m",)),))
    desired = schema(
        indexed,
        views=(View(QualifiedName("other", "v"), "SELECT 1"),),
        enums=(enum,),
        sequences=(seq,),
        objects=(schema_object("other"),),
    )
    up = diff_schemas(schema(), desired).up_statements("postgresql")
    assert up[0] == 'CREATE SCHEMA "other"'
    assert "CREATE TYPE \"other\".\"mood\" AS ENUM ('a', 'b')" in up
    assert any(s.startswith('CREATE TABLE "other"."t" (') for s in up)
    assert 'CREATE INDEX "t_m" ON "other"."t" ("m")' in up
    assert 'CREATE VIEW "other"."v" AS SELECT 1' in up
    assert 'ALTER SEQUENCE "other"."s" OWNED BY "other"."t"."id"' in up
    down = diff_schemas(desired, schema()).up_statements("postgresql")
    assert down[-1] == 'DROP SCHEMA "other"'
    assert 'DROP INDEX "other"."t_m"' in diff_schemas(
        desired, schema(table(OTHER_T, Column("m", "other.mood")), enums=(enum,))
    ).up_statements("postgresql")


def test_enum_swap_in_another_schema_renames_beside_it() -> None:
    old = Enum(QualifiedName("other", "mood"), ("a", "b"))
    new = Enum(QualifiedName("other", "mood"), ("b", "a"))
    users = table("t", Column("m", "other.mood"))
    up = diff_schemas(schema(users, enums=(old,)), schema(users, enums=(new,))).up_statements(
        "postgresql"
    )
    assert up[0] == 'ALTER TYPE "other"."mood" RENAME TO "_gm_old_mood"'
    assert (
        'ALTER TABLE "t" ALTER COLUMN "m" TYPE "other"."mood" USING "m"::text::"other"."mood"' in up
    )
    assert up[-1] == 'DROP TYPE "other"."_gm_old_mood"'


def test_a_column_moving_between_enums_casts_through_text() -> None:
    enums = (Enum("e1", ("a",)), Enum(QualifiedName("other", "e2"), ("a",)))
    before = schema(table("t", Column("c", "e1")), enums=enums)
    after = schema(table("t", Column("c", "other.e2")), enums=enums)
    assert diff_schemas(before, after).up_statements("postgresql") == [
        'ALTER TABLE "t" ALTER COLUMN "c" TYPE other.e2 USING "c"::text::other.e2'
    ]
