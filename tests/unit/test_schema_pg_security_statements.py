"""The PostgreSQL security objects' own logic, without a server: which statements a grant,
a policy change, an RLS switch, a comment and an extension version become (the catalogs are
read, and the statements run, in tests/integration/test_schema_pg_security.py)."""

from __future__ import annotations

from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import DbObject, Schema
from gitmigrate.schema.objects import alter_statements
from gitmigrate.schema.objects.pg_comments import comment_object
from gitmigrate.schema.objects.pg_extensions import extension_object
from gitmigrate.schema.objects.pg_grants import Target, grant_object
from gitmigrate.schema.objects.pg_security import policy_object, rls_object

USERS = Target("TABLE", "public", "users", table="users")


def test_grant_beyond_the_default_is_a_grant_and_its_drop_a_revoke() -> None:
    obj = grant_object(USERS, "app", {"SELECT": False, "INSERT": True}, {})
    assert obj is not None
    assert obj.name == "users TO app"
    assert obj.table == "users"
    assert obj.create == (
        'GRANT SELECT ON TABLE "users" TO "app"',
        'GRANT INSERT ON TABLE "users" TO "app" WITH GRANT OPTION',
    )
    assert obj.drop == ('REVOKE INSERT, SELECT ON TABLE "users" FROM "app"',)


def test_default_privileges_are_not_grants() -> None:
    owner_default = {"SELECT": False, "INSERT": False}
    assert grant_object(USERS, "owner", dict(owner_default), owner_default) is None


def test_a_default_taken_away_is_a_revoke() -> None:
    function = Target("FUNCTION", "public", "add", args="integer, integer")
    obj = grant_object(function, None, {}, {"EXECUTE": False})
    assert obj is not None
    assert obj.name == "FUNCTION public.add(integer, integer) TO PUBLIC"
    assert obj.create == ('REVOKE EXECUTE ON FUNCTION "add"(integer, integer) FROM PUBLIC',)
    assert obj.drop == ('GRANT EXECUTE ON FUNCTION "add"(integer, integer) TO PUBLIC',)


def test_grant_option_taken_away_keeps_the_privilege() -> None:
    obj = grant_object(USERS, "app", {"SELECT": False}, {"SELECT": True})
    assert obj is not None
    assert obj.create == ('REVOKE GRANT OPTION FOR SELECT ON TABLE "users" FROM "app"',)
    assert obj.drop == ('GRANT SELECT ON TABLE "users" TO "app" WITH GRANT OPTION',)


def test_column_grant_names_the_column() -> None:
    column = Target("COLUMN", "public", "users", column='we"ird', table="users")
    obj = grant_object(column, "app", {"SELECT": False, "UPDATE": False}, {})
    assert obj is not None
    assert obj.name == 'users(we"ird) TO app'
    assert obj.create == ('GRANT SELECT ("we""ird"), UPDATE ("we""ird") ON TABLE "users" TO "app"',)


def _policy(using: str | None, check: str | None = None, **kw: object) -> DbObject:
    args: dict[str, object] = {"permissive": True, "command": "ALL", "roles": [None, "app"]}
    args.update(kw)
    return policy_object("t", "p", using=using, check=check, **args)  # type: ignore[arg-type]


def test_policy_text_is_built_from_the_catalog() -> None:
    obj = _policy("(a = 1)", "(b > 0)")
    assert obj.name == "t.p"
    assert obj.create == (
        'CREATE POLICY "p" ON "t" AS PERMISSIVE FOR ALL TO PUBLIC, "app" '
        "USING ((a = 1)) WITH CHECK ((b > 0))",
    )
    assert obj.drop == ('DROP POLICY "p" ON "t"',)


def test_policy_expression_or_roles_change_in_place() -> None:
    old, new = _policy("(a = 1)"), _policy("(a = 2)", "(b > 0)", roles=["app"])
    assert alter_statements(old, new) == (
        'ALTER POLICY "p" ON "t" TO "app" USING ((a = 2)) WITH CHECK ((b > 0))',
    )


def test_policy_kind_command_or_removed_clause_is_drop_and_create() -> None:
    base = _policy("(a = 1)", "(b > 0)")
    assert alter_statements(base, _policy("(a = 1)", "(b > 0)", permissive=False)) is None
    assert alter_statements(base, _policy("(a = 1)", "(b > 0)", command="SELECT")) is None
    assert alter_statements(base, _policy("(a = 1)")) is None  # WITH CHECK cannot be removed


def test_rls_switches_flip_one_by_one() -> None:
    enabled, forced = rls_object("t", True, False), rls_object("t", True, True)
    assert forced.create == (
        'ALTER TABLE "t" ENABLE ROW LEVEL SECURITY',
        'ALTER TABLE "t" FORCE ROW LEVEL SECURITY',
    )
    assert forced.drop == (
        'ALTER TABLE "t" NO FORCE ROW LEVEL SECURITY',
        'ALTER TABLE "t" DISABLE ROW LEVEL SECURITY',
    )
    assert alter_statements(enabled, forced) == ('ALTER TABLE "t" FORCE ROW LEVEL SECURITY',)
    assert alter_statements(forced, enabled) == ('ALTER TABLE "t" NO FORCE ROW LEVEL SECURITY',)


def test_comment_targets_and_in_place_change() -> None:
    old = comment_object("CONSTRAINT", "my.pk", None, "t", "t", "it's old")
    new = comment_object("CONSTRAINT", "my.pk", None, "t", "t", "new")
    assert old.name == "CONSTRAINT t.my.pk"
    assert old.create == ("COMMENT ON CONSTRAINT \"my.pk\" ON \"t\" IS 'it''s old'",)
    assert old.drop == ('COMMENT ON CONSTRAINT "my.pk" ON "t" IS NULL',)
    assert alter_statements(old, new) == new.create
    domain = comment_object("CONSTRAINT ON DOMAIN", "positive", None, "posint", None, "x")
    assert domain.create == ('COMMENT ON CONSTRAINT "positive" ON DOMAIN "posint" IS \'x\'',)
    function = comment_object("FUNCTION", "f", "integer", None, None, "x")
    assert function.create == ("COMMENT ON FUNCTION \"f\"(integer) IS 'x'",)


def test_extension_upgrade_in_place_downgrade_by_drop_and_create() -> None:
    old, new = (
        extension_object("pg_trgm", "1.3", "public"),
        extension_object("pg_trgm", "1.10", "public"),
    )
    assert new.create == ('CREATE EXTENSION "pg_trgm" WITH SCHEMA "public" VERSION \'1.10\'',)
    assert alter_statements(old, new) == ("ALTER EXTENSION \"pg_trgm\" UPDATE TO '1.10'",)
    assert alter_statements(new, old) == (*new.drop, *old.create)


def test_versioned_extension_is_made_by_its_object_not_twice() -> None:
    ext = extension_object("citext", "1.5", "public")
    desired = Schema("postgresql", extensions=("citext",), objects=(ext,))
    up = diff_schemas(Schema("postgresql"), desired).up_statements("postgresql")
    assert up == list(ext.create)
    down = diff_schemas(desired, Schema("postgresql")).up_statements("postgresql")
    assert down == list(ext.drop)


def test_comment_on_a_function_made_again_is_set_again() -> None:
    def function(body: str) -> DbObject:
        return DbObject(
            "function", "public.f(integer)", (f"CREATE FUNCTION f {body}",), ("DROP FUNCTION f",)
        )

    comment = comment_object("FUNCTION", "f", "integer", None, None, "doc")
    assert comment.depends_on == ("public.f(integer)",)
    before = Schema("postgresql", objects=(function("a"), comment))
    after = Schema("postgresql", objects=(function("b"), comment))
    up = diff_schemas(before, after).up_statements("postgresql")
    assert up.index('COMMENT ON FUNCTION "f"(integer) IS NULL') < up.index("DROP FUNCTION f")
    assert up.index("CREATE FUNCTION f b") < up.index("COMMENT ON FUNCTION \"f\"(integer) IS 'doc'")
    untouched = Schema("postgresql", objects=(function("a"), comment))
    assert diff_schemas(before, untouched).is_empty
