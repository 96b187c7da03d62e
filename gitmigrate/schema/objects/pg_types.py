"""PostgreSQL domains (kind "domain"), composite and range types (kind "type").

A domain's CREATE DOMAIN is built from pg_type and pg_constraint in one fixed layout, one
clause a line (COLLATE, DEFAULT, NOT NULL, each CONSTRAINT with `pg_get_constraintdef`), so
that `alter_domain` can read the clauses back and change a domain in place with ALTER DOMAIN
(its columns keep their data); only another base type or collation recreates it. A check not
yet validated is added after the CREATE (NOT VALID is refused inside it). Composite and range
types are built from pg_attribute and pg_range; a composite type's attributes are added
or dropped in place (`alter_type`), any other change drops and creates the type.
Names are `schema.name`; `depends_on` names the user types and functions each one needs, so
that they are created first.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_common import IN_SCHEMA, not_in_extension, qi, qualified, rows

_USER_TYPE = f"""
SELECT t.oid, n.nspname || '.' || t.typname FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = {IN_SCHEMA} AND t.typtype IN ('d', 'c', 'r', 'e')
  AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
"""
_DOMAINS = f"""
SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typbasetype,
       t.typnotnull, t.typdefault,
       CASE WHEN t.typcollation <> b.typcollation
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                  WHERE co.oid = t.typcollation) END
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
WHERE t.typtype = 'd' AND n.nspname = {IN_SCHEMA} AND {not_in_extension("pg_type", "t.oid")}
ORDER BY 2, 3
"""
_DOMAIN_CHECKS = f"""
SELECT c.contypid, c.conname, pg_get_constraintdef(c.oid), c.convalidated,
       (SELECT string_agg(pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes)
                          || ')', ',')
        FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
        JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE d.classid = 'pg_constraint'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_proc'::regclass)
FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE c.contype = 'c' AND n.nspname = {IN_SCHEMA}
ORDER BY 1, 2
"""
_COMPOSITES = f"""
SELECT t.oid, n.nspname, t.typname, a.attname, format_type(a.atttypid, a.atttypmod),
       a.atttypid,
       CASE WHEN a.attcollation <> at.typcollation
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                  WHERE co.oid = a.attcollation) END
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type at ON at.oid = a.atttypid
WHERE n.nspname = {IN_SCHEMA} AND {not_in_extension("pg_type", "t.oid")}
ORDER BY 2, 3, a.attnum
"""
_RANGES = f"""
SELECT t.oid, n.nspname, t.typname, format_type(r.rngsubtype, NULL), r.rngsubtype,
       CASE WHEN NOT o.opcdefault THEN quote_ident(on_.nspname) || '.' || quote_ident(o.opcname)
            END,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> s.typcollation
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                  WHERE co.oid = r.rngcollation) END,
       nullif(r.rngcanonical::oid, 0)::regproc::text, nullif(r.rngsubdiff::oid, 0)::regproc::text,
       (SELECT quote_ident(mn.nspname) || '.' || quote_ident(m.typname) FROM pg_type m
        JOIN pg_namespace mn ON mn.oid = m.typnamespace WHERE m.oid = r.rngmultitypid)
FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type s ON s.oid = r.rngsubtype
JOIN pg_opclass o ON o.oid = r.rngsubopc JOIN pg_namespace on_ ON on_.oid = o.opcnamespace
WHERE n.nspname = {IN_SCHEMA} AND {not_in_extension("pg_type", "t.oid")}
ORDER BY 2, 3
"""
_INDENT = "\n    "


def user_types(conn: Connection, schema: str | None) -> dict[int, str]:
    """oid -> `schema.name` of the schema's domains, composite, range and enum types."""
    return {int(oid): str(name) for oid, name in rows(conn, _USER_TYPE, schema)}


def read_domains(conn: Connection, schema: str | None) -> list[DbObject]:
    named = user_types(conn, schema)
    checks: dict[int, list[Any]] = {}
    for row in rows(conn, _DOMAIN_CHECKS, schema):
        checks.setdefault(int(row[0]), []).append(row)
    out = []
    for oid, nsp, name, base, base_oid, not_null, default, collation in rows(
        conn, _DOMAINS, schema
    ):
        target = qualified(nsp, name)
        clauses = [f"CREATE DOMAIN {target} AS {base}"]
        clauses += [f"COLLATE {collation}"] if collation else []
        clauses += [f"DEFAULT {default}"] if default is not None else []
        clauses += ["NOT NULL"] if not_null else []
        later = []
        needs = {named[base_oid]} if base_oid in named else set()
        for _typ, con, definition, validated, functions in checks.get(int(oid), []):
            clause = f"CONSTRAINT {qi(con)} {definition}"
            if validated:
                clauses.append(clause)
            else:  # `... NOT VALID`
                later.append(f"ALTER DOMAIN {target} ADD {clause}")
            needs.update(str(functions or "").split(",") if functions else ())
        out.append(
            DbObject(
                kind="domain",
                name=f"{nsp}.{name}",
                create=(_INDENT.join(clauses), *later),
                drop=(f"DROP DOMAIN {target}",),
                depends_on=tuple(sorted(needs)),
            )
        )
    return out


_CONSTRAINT = re.compile(r'^CONSTRAINT ("(?:[^"]|"")*") (.*)$', re.DOTALL)


def _clauses(obj: DbObject) -> tuple[str, dict[str, str], dict[str, str]]:
    """(CREATE DOMAIN ... AS type [COLLATE], {DEFAULT/NOT NULL: clause}, {name: check})."""
    lines = obj.create[0].split(_INDENT)
    head = lines[0]
    options: dict[str, str] = {}
    checks: dict[str, str] = {}
    for line in lines[1:]:
        match = _CONSTRAINT.match(line)
        if match:
            checks[match.group(1)] = match.group(2)
        elif line.startswith("COLLATE "):
            head += " " + line
        else:
            options["DEFAULT" if line.startswith("DEFAULT ") else line] = line
    for later in obj.create[1:]:
        match = _CONSTRAINT.match(later.split(" ADD ", 1)[1])
        if match:
            checks[match.group(1)] = match.group(2)
    return head, options, checks


def alter_domain(old: DbObject, new: DbObject) -> tuple[str, ...] | None:
    """ALTER DOMAIN statements for a changed default, NOT NULL or check; None when the base
    type or collation changed (the domain must be created again)."""
    old_head, old_opts, old_checks = _clauses(old)
    new_head, new_opts, new_checks = _clauses(new)
    if old_head != new_head:
        return None
    target = new_head.split(" AS ", 1)[0].removeprefix("CREATE DOMAIN ")
    out = [
        f"ALTER DOMAIN {target} DROP CONSTRAINT {con}"
        for con, check in old_checks.items()
        if new_checks.get(con) != check
    ]
    if old_opts.get("DEFAULT") != new_opts.get("DEFAULT"):
        default = new_opts.get("DEFAULT")
        out.append(f"ALTER DOMAIN {target} {'SET ' + default if default else 'DROP DEFAULT'}")
    if ("NOT NULL" in old_opts) != ("NOT NULL" in new_opts):
        out.append(f"ALTER DOMAIN {target} {'SET' if 'NOT NULL' in new_opts else 'DROP'} NOT NULL")
    out += [
        f"ALTER DOMAIN {target} ADD CONSTRAINT {con} {check}"
        for con, check in new_checks.items()
        if old_checks.get(con) != check
    ]
    return tuple(out)


def read_types(conn: Connection, schema: str | None) -> list[DbObject]:
    """Composite and range types."""
    named = user_types(conn, schema)
    composites: dict[tuple[str, str], list[Any]] = {}
    for row in rows(conn, _COMPOSITES, schema):
        composites.setdefault((row[1], row[2]), []).append(row)
    out = []
    for (nsp, name), attributes in composites.items():
        parts = []
        needs = set()
        for _oid, _n, _t, attname, typ, typ_oid, collation in attributes:
            parts.append(f"{qi(attname)} {typ}" + (f" COLLATE {collation}" if collation else ""))
            if typ_oid in named:
                needs.add(named[typ_oid])
        body = f"AS ({_INDENT}{(',' + _INDENT).join(parts)}\n)" if parts else "AS ()"
        out.append(_type(nsp, name, body, needs))
    for _oid, nsp, name, sub, sub_oid, opclass, collation, canonical, diff, multi in rows(
        conn, _RANGES, schema
    ):
        options = [f"SUBTYPE = {sub}"]
        options += [f"SUBTYPE_OPCLASS = {opclass}"] if opclass else []
        options += [f"COLLATION = {collation}"] if collation else []
        options += [f"CANONICAL = {canonical}"] if canonical else []
        options += [f"SUBTYPE_DIFF = {diff}"] if diff else []
        options += [f"MULTIRANGE_TYPE_NAME = {multi}"] if multi else []
        needs = {named[sub_oid]} if sub_oid in named else set()
        out.append(
            _type(nsp, name, f"AS RANGE ({_INDENT}{(',' + _INDENT).join(options)}\n)", needs)
        )
    return out


_ATTRIBUTE = re.compile(r'^("(?:[^"]|"")*") (.*?),?$')


def _attributes(obj: DbObject) -> dict[str, str] | None:
    """A composite type's attributes in order (quoted name -> type [COLLATE]); None for a
    range type."""
    head, _, body = obj.create[0].partition(" AS (")
    if not _ or not head.startswith("CREATE TYPE "):
        return None
    found = {}
    for line in body.split(_INDENT)[1:]:
        match = _ATTRIBUTE.match(line.removesuffix("\n)"))
        if match:
            found[match.group(1)] = match.group(2)
    return found


def alter_type(old: DbObject, new: DbObject) -> tuple[str, ...] | None:
    """ALTER TYPE ... ADD/DROP ATTRIBUTE for a composite type whose other attributes stay as
    they are, in their order (added ones go last, as the server puts them); None otherwise
    (drop and create)."""
    before, after = _attributes(old), _attributes(new)
    if before is None or after is None or not after:
        return None
    kept = [n for n in before if n in after]
    if kept + [n for n in after if n not in before] != list(after):
        return None
    target = new.create[0].partition(" AS (")[0].removeprefix("CREATE TYPE ")
    out = [f"ALTER TYPE {target} DROP ATTRIBUTE {n}" for n in before if n not in after]
    if any(before[n] != after[n] for n in kept):
        return None  # the server refuses to retype an attribute a column's rows hold
    out += [
        f"ALTER TYPE {target} ADD ATTRIBUTE {n} {t}" for n, t in after.items() if n not in before
    ]
    return tuple(out)


def _type(nsp: str, name: str, body: str, needs: set[str]) -> DbObject:
    target = qualified(nsp, name)
    return DbObject(
        kind="type",
        name=f"{nsp}.{name}",
        create=(f"CREATE TYPE {target} {body}",),
        drop=(f"DROP TYPE {target}",),
        depends_on=tuple(sorted(needs)),
    )
