"""PostgreSQL privileges (kind "grant"): what the ACLs of tables, views, materialized views,
sequences, columns, functions, procedures, types, domains and the reflected schema grant
beyond the defaults.

As migra does, an object's default privileges (`acldefault`: everything for its owner,
EXECUTE on functions and USAGE on types for PUBLIC) are not grants: only the difference from
them is, both ways. A privilege granted beyond the default is a GRANT, a default one taken
away (the owner's own SELECT, PUBLIC's EXECUTE) is a REVOKE. One object per (object, grantee),
so each grantee's privileges are diffed on their own; dropping the object goes back to the
defaults. The connection's default schema is the migrations' home, never created or dropped
by them: its own privileges are left alone (a `DROP SCHEMA public CASCADE; CREATE SCHEMA
public` reset would otherwise differ from every scratch database). Another schema named
`public` defaults to what a new database's has: USAGE for PUBLIC.
Grantors are not compared (GRANT and REVOKE act as the object's owner when run by
it or a superuser).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, text

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_sql import (
    SCHEMA_MATCH,
    current_schema,
    model_name,
    not_in_extension,
    qi,
    role,
)

# what a new database's `public` schema grants PUBLIC (USAGE; before PostgreSQL 15 CREATE too):
# not a grant of the schema's, or every schema would carry one
_PUBLIC_SCHEMA_DEFAULT = """ARRAY[makeaclitem(0, n.nspowner, 'USAGE', false)] ||
    CASE WHEN current_setting('server_version_num')::int < 150000
         THEN ARRAY[makeaclitem(0, n.nspowner, 'CREATE', false)]
         ELSE CAST('{}' AS aclitem[]) END"""

# (objtype, nspname, name, args, column, table, acl, default acl) per object class
_RELATIONS = f"""
SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname,
       NULL, NULL, coalesce(owner.relname, CASE WHEN c.relkind <> 'S' THEN c.relname END),
       c.relacl, acldefault(CAST(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END AS "char"),
                  c.relowner)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
     AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i') AND c.relkind = 'S'
LEFT JOIN pg_class owner ON owner.oid = dep.refobjid
WHERE {SCHEMA_MATCH} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relacl IS NOT NULL
  AND {not_in_extension("pg_class", "c.oid")}
"""
_COLUMNS = f"""
SELECT 'COLUMN', n.nspname, c.relname, NULL, a.attname, c.relname, a.attacl, NULL::aclitem[]
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {SCHEMA_MATCH} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0
  AND NOT a.attisdropped AND a.attacl IS NOT NULL
  AND {not_in_extension("pg_class", "c.oid")}
"""
_ROUTINES = f"""
SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, n.nspname, p.proname,
       oidvectortypes(p.proargtypes), NULL, NULL, p.proacl, acldefault(CAST('f' AS "char"), p.proowner)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE {SCHEMA_MATCH} AND p.proacl IS NOT NULL AND {not_in_extension("pg_proc", "p.oid")}
"""
_TYPES = f"""
SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname,
       NULL, NULL, NULL, t.typacl, acldefault(CAST('T' AS "char"), t.typowner)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class r ON r.oid = t.typrelid
WHERE {SCHEMA_MATCH} AND t.typacl IS NOT NULL AND t.typtype IN ('e', 'c', 'd', 'r')
  AND (t.typrelid = 0 OR r.relkind = 'c') AND {not_in_extension("pg_type", "t.oid")}
"""
_SCHEMA = f"""
SELECT 'SCHEMA', n.nspname, n.nspname, NULL, NULL, NULL,
       coalesce(n.nspacl, acldefault(CAST('n' AS "char"), n.nspowner)),
       acldefault(CAST('n' AS "char"), n.nspowner) || CASE WHEN n.nspname = 'public'
           THEN {_PUBLIC_SCHEMA_DEFAULT} ELSE CAST('{{}}' AS aclitem[]) END
FROM pg_namespace n WHERE {SCHEMA_MATCH} AND n.nspname <> current_schema()
"""
_EXPLODED = """
SELECT o.objtype, o.nspname, o.name, o.args, o.col, o.tbl, {side},
       CASE WHEN x.grantee = 0 THEN NULL ELSE pg_get_userbyid(x.grantee) END,
       x.privilege_type, x.is_grantable
FROM ({source}) AS o(objtype, nspname, name, args, col, tbl, acl, dflt),
     LATERAL aclexplode(o.{acl}) AS x
"""


@dataclass(frozen=True)
class Target:
    """What a GRANT names: `ON TABLE "t"` (or a column of it), a routine with its argument
    types, a type, a domain or a schema."""

    objtype: str  # TABLE SEQUENCE COLUMN FUNCTION PROCEDURE TYPE DOMAIN SCHEMA
    schema: str
    name: str  # bare
    args: str | None = None
    column: str | None = None
    table: str | None = None  # the relation it is dropped with (the model's name)
    default: str | None = "public"  # the connection's default schema: its names stay bare

    @property
    def model(self) -> str:
        """The model's name of the object: bare in the default schema, like `Table.name`."""
        return model_name(self.schema, self.name, self.default)

    @property
    def label(self) -> str:
        """How the object is named in plans."""
        if self.objtype == "COLUMN":
            return f"{self.model}({self.column})"
        if self.objtype in ("TABLE", "SEQUENCE"):
            return self.model
        if self.args is not None:
            return f"{self.objtype} {self.schema}.{self.name}({self.args})"
        if self.objtype == "SCHEMA":
            return f"SCHEMA {self.name}"
        return f"{self.objtype} {self.model}"

    @property
    def needs(self) -> tuple[str, ...]:
        """The `DbObject` or relation names it needs: when the plan makes that again, the
        grant is made again too (the server dropped it with its object)."""
        if self.table is not None:
            return (self.table,)
        if self.objtype in ("FUNCTION", "PROCEDURE"):
            return (f"{self.schema}.{self.name}({self.args})",)
        if self.objtype in ("TYPE", "DOMAIN"):
            return (f"{self.schema}.{self.name}",)
        return ()

    @property
    def on(self) -> str:
        if self.objtype == "COLUMN":
            return f"TABLE {qi(self.model)}"
        if self.objtype == "SCHEMA":
            return f"SCHEMA {qi(self.name)}"
        args = f"({self.args})" if self.args is not None else ""
        return f"{self.objtype} {qi(self.model)}{args}"

    def privileges(self, names: list[str]) -> str:
        column = f" ({qi(self.column)})" if self.column is not None else ""
        return ", ".join(f"{p}{column}" for p in sorted(names))


Levels = dict[str, bool]  # privilege -> grantable


def read_grants(conn: Connection, schema: str | None) -> list[DbObject]:
    sources = (_RELATIONS, _COLUMNS, _ROUTINES, _TYPES, _SCHEMA)
    parts = [
        _EXPLODED.format(source=source, side=side, acl=acl)
        for source in sources
        for side, acl in (("'actual'", "acl"), ("'default'", "dflt"))
    ]
    rows = conn.execute(text(" UNION ALL ".join(parts)), {"schema": schema})
    default = current_schema(conn)
    found: dict[tuple[Target, str | None], dict[str, Levels]] = defaultdict(
        lambda: {"actual": {}, "default": {}}
    )
    for objtype, nsp, name, args, col, tbl, side, grantee, privilege, grantable in rows:
        table = model_name(str(nsp), str(tbl), default) if tbl is not None else None
        target = Target(str(objtype), str(nsp), str(name), args, col, table, default)
        levels = found[(target, grantee)][str(side)]
        levels[str(privilege)] = levels.get(str(privilege), False) or bool(grantable)
    out = []
    for (target, grantee), sides in found.items():
        obj = grant_object(target, grantee, sides["actual"], sides["default"])
        if obj is not None:
            out.append(obj)
    return out


def grant_object(
    target: Target, grantee: str | None, actual: Levels, default: Levels
) -> DbObject | None:
    """The statements taking `grantee`'s privileges on `target` from `default` to `actual`
    (create) and back (drop); None when they are the same."""
    create = _statements(target, grantee, default, actual)
    if not create:
        return None
    return DbObject(
        kind="grant",
        name=f"{target.label} TO {grantee if grantee is not None else 'PUBLIC'}",
        create=create,
        drop=_statements(target, grantee, actual, default),
        table=target.table,
        depends_on=target.needs,
    )


def _statements(target: Target, grantee: str | None, have: Levels, want: Levels) -> tuple[str, ...]:
    """REVOKE what `have` has beyond `want`, then GRANT what `want` has beyond `have`."""
    revoke = [p for p in have if p not in want]
    revoke_option = [p for p in have if have[p] and p in want and not want[p]]
    grant = [p for p in want if p not in have and not want[p]]
    grant_option = [p for p in want if want[p] and not have.get(p, False)]
    who, on = role(grantee), target.on
    out = []
    if revoke:
        out.append(f"REVOKE {target.privileges(revoke)} ON {on} FROM {who}")
    if revoke_option:
        out.append(f"REVOKE GRANT OPTION FOR {target.privileges(revoke_option)} ON {on} FROM {who}")
    if grant:
        out.append(f"GRANT {target.privileges(grant)} ON {on} TO {who}")
    if grant_option:
        privileges = target.privileges(grant_option)
        out.append(f"GRANT {privileges} ON {on} TO {who} WITH GRANT OPTION")
    return tuple(out)
