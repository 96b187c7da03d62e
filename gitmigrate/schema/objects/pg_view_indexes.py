"""Indexes on PostgreSQL materialized views, as `pg_get_indexdef` writes them.

The table model holds tables' indexes only; a materialized view's index (often the unique one
`REFRESH MATERIALIZED VIEW CONCURRENTLY` needs) hangs on its view, so it is dropped before and
created again after the view whenever the view itself is dropped or recreated.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from gitmigrate.schema.model import DbObject

_INDEXES = text(
    "SELECT n.nspname AS schema, v.relname AS view, i.relname AS name, "
    "pg_get_indexdef(i.oid) AS definition "
    "FROM pg_index x "
    "JOIN pg_class i ON i.oid = x.indexrelid "
    "JOIN pg_class v ON v.oid = x.indrelid "
    "JOIN pg_namespace n ON n.oid = v.relnamespace "
    "WHERE v.relkind = 'm' AND n.nspname = coalesce(:schema, current_schema()) "
    "ORDER BY v.relname, i.relname"
)


def read_view_indexes(conn: Connection, schema: str | None) -> list[DbObject]:
    """One object per index on a materialized view of `schema` (default: the current one)."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    found = []
    for row in conn.execute(_INDEXES, {"schema": schema}).mappings():
        view, name = str(row["view"]), str(row["name"])
        found.append(
            DbObject(
                kind="view_index",
                name=f"{view}.{name}",
                create=(str(row["definition"]),),
                drop=(f"DROP INDEX {quote(str(row['schema']))}.{quote(name)}",),
                table=view,
                depends_on=(view,),
            )
        )
    return found
