"""PostgreSQL comments on objects other than tables and columns (kind "comment"; those two are
`Table.comment` and `Column.comment`): constraints (of tables and of domains), indexes, views
and their columns, materialized views, sequences, types, domains, collations, triggers,
policies, functions, procedures, aggregates and the reflected schema itself (unless it is the
connection's default schema, which migrations never create), read from pg_description. The
comment every new database's `public` schema has is not one of them.

Creating one is COMMENT ON ... IS '...', dropping it COMMENT ON ... IS NULL, and a changed text
is a new COMMENT ON in place. A comment on something hanging on a table (index, constraint,
trigger, policy) or on a view names that relation in `table`, so it is set again when the
relation is recreated.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_sql import (
    SCHEMA_MATCH,
    current_schema,
    literal,
    model_name,
    not_in_extension,
    qi,
)

# (what, name, args, on: the table or domain it belongs to, table it hangs on, comment, schema)
_PARTS = (
    f"""SELECT 'CONSTRAINT', con.conname, NULL, c.relname, c.relname, d.description, n.nspname
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = con.oid
    WHERE {SCHEMA_MATCH}""",
    f"""SELECT 'CONSTRAINT ON DOMAIN', con.conname, NULL, t.typname, NULL, d.description, n.nspname
    FROM pg_constraint con JOIN pg_type t ON t.oid = con.contypid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = con.oid
    WHERE {SCHEMA_MATCH}""",
    f"""SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                WHEN 'S' THEN 'SEQUENCE' ELSE 'INDEX' END,
           c.relname, NULL, NULL, coalesce(tab.relname, CASE WHEN c.relkind IN ('v', 'm')
                THEN c.relname END), d.description, n.nspname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class tab ON tab.oid = i.indrelid
    JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
         AND d.objsubid = 0
    WHERE {SCHEMA_MATCH} AND c.relkind IN ('v', 'm', 'S', 'i', 'I')
      AND {not_in_extension("pg_class", "c.oid")}""",
    f"""SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.typname, NULL, NULL,
           NULL, d.description, n.nspname
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_class r ON r.oid = t.typrelid
    JOIN pg_description d ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid
    WHERE {SCHEMA_MATCH} AND t.typtype IN ('e', 'c', 'd', 'r') AND (t.typrelid = 0
      OR r.relkind = 'c') AND {not_in_extension("pg_type", "t.oid")}""",
    f"""SELECT 'COLUMN', a.attname, NULL, c.relname, c.relname, d.description, n.nspname
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
         AND d.objsubid = a.attnum
    WHERE {SCHEMA_MATCH} AND c.relkind IN ('v', 'm') AND a.attnum > 0""",
    f"""SELECT 'COLLATION', co.collname, NULL, NULL, NULL, d.description, n.nspname
    FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
    JOIN pg_description d ON d.classoid = 'pg_collation'::regclass AND d.objoid = co.oid
    WHERE {SCHEMA_MATCH} AND {not_in_extension("pg_collation", "co.oid")}""",
    f"""SELECT 'TRIGGER', tg.tgname, NULL, c.relname, c.relname, d.description, n.nspname
    FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_description d ON d.classoid = 'pg_trigger'::regclass AND d.objoid = tg.oid
    WHERE {SCHEMA_MATCH} AND NOT tg.tgisinternal""",
    f"""SELECT 'POLICY', p.polname, NULL, c.relname, c.relname, d.description, n.nspname
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_description d ON d.classoid = 'pg_policy'::regclass AND d.objoid = p.oid
    WHERE {SCHEMA_MATCH}""",
    f"""SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                ELSE 'FUNCTION' END,
           p.proname, oidvectortypes(p.proargtypes), NULL, NULL, d.description, n.nspname
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid
    WHERE {SCHEMA_MATCH} AND {not_in_extension("pg_proc", "p.oid")}""",
    f"""SELECT 'SCHEMA', n.nspname, NULL, NULL, NULL, d.description, n.nspname
    FROM pg_namespace n
    JOIN pg_description d ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid
    WHERE {SCHEMA_MATCH} AND n.nspname <> current_schema()
      AND NOT (n.nspname = 'public' AND d.description = 'standard public schema')""",
)


def read_comments(conn: Connection, schema: str | None) -> list[DbObject]:
    rows = conn.execute(text(" UNION ALL ".join(_PARTS)), {"schema": schema})
    default = current_schema(conn)
    return [
        comment_object(str(what), str(name), args, on, table, str(comment), str(nsp), default)
        for what, name, args, on, table, comment, nsp in rows
    ]


# kinds named by themselves (schema-qualified outside the default schema), not by a table
_OWN_NAME = ("FUNCTION", "PROCEDURE", "AGGREGATE", "TYPE", "DOMAIN", "COLLATION")


def comment_object(
    what: str,
    name: str,
    args: str | None,
    on: str | None,
    table: str | None,
    comment: str,
    schema: str = "public",
    default: str | None = "public",
) -> DbObject:
    """`what` is the COMMENT ON keyword (INDEX, TRIGGER, CONSTRAINT ON DOMAIN ...); `on` the
    table or domain a constraint, trigger or policy belongs to; `default` the connection's
    default schema, whose names stay bare."""
    signature = f"({args})" if args is not None else ""
    own = model_name(schema, name, default)
    parent = model_name(schema, on, default) if on is not None else None
    relation = model_name(schema, table, default) if table is not None else None
    needs = [relation] if relation else []
    if what in _OWN_NAME:
        needs.append(f"{schema}.{name}{signature}")
    elif what in ("TRIGGER", "POLICY"):
        needs.append(f"{parent}.{name}")
    elif what == "CONSTRAINT ON DOMAIN":
        needs.append(f"{schema}.{on}")
    if what == "SCHEMA":
        target, label = qi(name), name
    elif parent is None:  # an index, view, sequence, type, routine ...
        target, label = f"{qi(own)}{signature}", f"{own}{signature}"
    elif what == "CONSTRAINT ON DOMAIN":
        target, what = f"{qi(name)} ON DOMAIN {qi(parent)}", "CONSTRAINT"
        label = f"{parent}.{name}"
    elif what == "COLUMN":  # of a view (a table's columns keep theirs in `Column.comment`)
        target, label = f"{qi(parent)}.{qi(name)}", f"{parent}.{name}"
    else:
        target, label = f"{qi(name)} ON {qi(parent)}", f"{parent}.{name}"
    return DbObject(
        kind="comment",
        name=f"{what} {label}",
        create=(f"COMMENT ON {what} {target} IS {literal(comment)}",),
        drop=(f"COMMENT ON {what} {target} IS NULL",),
        table=relation,
        depends_on=tuple(dict.fromkeys(needs)),
    )


def alter_comment(old: DbObject, new: DbObject) -> tuple[str, ...]:
    """COMMENT ON replaces the text in place."""
    return new.create
