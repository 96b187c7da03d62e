"""PostgreSQL collations of the schema (kind "collation"), created before the tables whose
columns use them. CREATE COLLATION is built from pg_collation in one layout whatever the file
said (`FROM "POSIX"` copies, `locale =` shorthands): provider, then the locale fields the
provider uses, then `deterministic = false` when so. A changed collation is dropped and
created again."""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_common import (
    IN_SCHEMA,
    literal,
    not_in_extension,
    qualified,
    rows,
)

# to_jsonb: the locale columns differ between server versions (colliculocale 15-16,
# colllocale 17+, collicurules 16+)
_COLLATIONS = f"""
SELECT n.nspname, c.collname, c.collprovider, c.collisdeterministic, c.collcollate,
       c.collctype, coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale'),
       to_jsonb(c) ->> 'collicurules'
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname = {IN_SCHEMA} AND {not_in_extension("pg_collation", "c.oid")}
ORDER BY 1, 2
"""
_PROVIDERS = {"c": "libc", "i": "icu", "b": "builtin", "d": "default"}


def read_collations(conn: Connection, schema: str | None) -> list[DbObject]:
    out = []
    for nsp, name, provider, deterministic, collate, ctype, locale, rules in rows(
        conn, _COLLATIONS, schema
    ):
        options = [f"provider = {_PROVIDERS.get(str(provider), 'libc')}"]
        if provider == "c":
            options += [
                f"lc_collate = {literal(str(collate))}",
                f"lc_ctype = {literal(str(ctype))}",
            ]
        elif locale is not None:
            options.append(f"locale = {literal(str(locale))}")
        if rules:
            options.append(f"rules = {literal(str(rules))}")
        if not deterministic:
            options.append("deterministic = false")
        target = qualified(nsp, name)
        out.append(
            DbObject(
                kind="collation",
                name=f"{nsp}.{name}",
                create=(f"CREATE COLLATION {target} ({', '.join(options)})",),
                drop=(f"DROP COLLATION {target}",),
            )
        )
    return out
