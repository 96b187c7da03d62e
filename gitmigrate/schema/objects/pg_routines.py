"""PostgreSQL functions, procedures and aggregates as `DbObject`s of kind "function".

A function's `create` is `pg_get_functiondef`, the server's own text, so a body written with
other spacing or quoting in a file still equals the one our DDL created. An aggregate has no
such function: its CREATE AGGREGATE is built from pg_aggregate in one fixed layout. Names are
`schema.name(argument types)`, so overloads are distinct objects. Members of an extension
are left out (the extension brings them).

A changed body is replaced in place (CREATE OR REPLACE) when the signature line (argument
names and defaults) and the RETURNS line are unchanged, since the server refuses to change
those in place; otherwise the function is dropped and created again (`alter_function`).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_common import (
    IN_SCHEMA,
    literal,
    not_in_extension,
    qualified,
    rows,
)

_ROUTINES = f"""
SELECT p.oid, n.nspname, p.proname, p.prokind, oidvectortypes(p.proargtypes),
       CASE WHEN p.prokind = 'a' THEN NULL ELSE pg_get_functiondef(p.oid) END
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = {IN_SCHEMA} AND {not_in_extension("pg_proc", "p.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_proc'::regclass
                  AND i.objid = p.oid AND i.deptype = 'i')
ORDER BY 2, 3, 5
"""
# (deptype 'i': a range type's constructors come with the type)
# functions a routine needs as the server records it (an aggregate's state function, a
# SQL-standard body's calls)
_PROC_DEPENDS = f"""
SELECT d.objid, rn.nspname || '.' || r.proname || '(' || oidvectortypes(r.proargtypes) || ')'
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_proc r ON r.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = r.pronamespace
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_proc'::regclass
  AND d.objid <> d.refobjid AND n.nspname = {IN_SCHEMA} AND d.deptype = 'n'
"""
# tables and views a routine needs: a row type in its signature, a SQL-standard body's reads
_REL_DEPENDS = f"""
SELECT d.objid, c.relname
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_type t ON d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid
JOIN pg_class c ON c.oid = CASE WHEN d.refclassid = 'pg_class'::regclass THEN d.refobjid
                                ELSE t.typrelid END
WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'n' AND n.nspname = {IN_SCHEMA}
  AND d.refclassid IN ('pg_type'::regclass, 'pg_class'::regclass)
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relnamespace = n.oid
"""
_AGGREGATES = f"""
SELECT a.aggfnoid::oid, a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL),
       nullif(a.aggfinalfn::oid, 0)::regproc::text, nullif(a.aggcombinefn::oid, 0)::regproc::text,
       a.agginitval, nullif(a.aggsortop::oid, 0)::regoperator::text, a.aggfinalextra,
       p.proparallel, a.aggkind
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = {IN_SCHEMA}
"""
_KEYWORD = {"f": "FUNCTION", "p": "PROCEDURE", "a": "AGGREGATE", "w": "FUNCTION"}
_PARALLEL = {"s": "SAFE", "r": "RESTRICTED"}


def read_routines(conn: Connection, schema: str | None) -> list[DbObject]:
    found = rows(conn, _ROUTINES, schema)
    aggregates = {r[0]: r for r in rows(conn, _AGGREGATES, schema)}
    recorded: dict[int, set[str]] = {}
    for oid, name in rows(conn, _PROC_DEPENDS, schema):
        recorded.setdefault(oid, set()).add(name)
    for oid, relation in rows(conn, _REL_DEPENDS, schema):
        recorded.setdefault(oid, set()).add(relation)
    names: dict[tuple[str, str], list[str]] = {}  # (schema, name) -> identities (overloads)
    for _oid, nsp, name, _kind, args, _def in found:
        names.setdefault((nsp, name), [])
        names[(nsp, name)].append(f"{nsp}.{name}({args})")
    out = []
    for oid, nsp, name, kind, args, definition in found:
        identity = f"{nsp}.{name}({args})"
        if kind == "a":
            if oid not in aggregates or aggregates[oid][9] != "n":
                continue  # ordered-set and hypothetical-set aggregates: not handled yet
            create = _aggregate(qualified(nsp, name), args, aggregates[oid])
        else:
            create = str(definition).rstrip()
        statements: tuple[str, ...] = (create,)
        if _checked_at_creation(create):
            statements = (_NO_BODY_CHECK, create)
        needs = set(recorded.get(oid, ())) | _calls(create, nsp, names)
        needs.discard(identity)
        out.append(
            DbObject(
                kind="function",
                name=identity,
                create=statements,
                drop=(f"DROP {_KEYWORD[kind]} {qualified(nsp, name)}({args})",),
                depends_on=tuple(sorted(needs)),
            )
        )
    return out


# a LANGUAGE sql body is checked when created and may read tables created later in the plan
_NO_BODY_CHECK = "SET check_function_bodies = false"


def _checked_at_creation(definition: str) -> bool:
    head = definition.split("\n AS ", 1)[0]
    return re.search(r"^ LANGUAGE sql$", head, re.MULTILINE) is not None


def _calls(definition: str, schema: str, names: dict[tuple[str, str], list[str]]) -> set[str]:
    """Functions of the schema a body names as `name(` (a PL/pgSQL body is not tracked by the
    server): creating this one after them keeps `check_function_bodies` checks passing."""
    body = definition.split("\n", 1)[-1]
    out: set[str] = set()
    for (nsp, name), identities in names.items():
        if nsp != schema:
            continue
        pattern = rf'(?<![\w$"])(?:{re.escape(name)}|"{re.escape(name)}")\s*\('
        if re.search(pattern, body, re.IGNORECASE if name == name.lower() else 0):
            out.update(identities)
    return out


def _aggregate(name: str, args: str, row: tuple[object, ...]) -> str:
    _oid, sfunc, stype, final, combine, initcond, sortop, final_extra, parallel, _kind = row
    options = [f"SFUNC = {sfunc}", f"STYPE = {stype}"]
    if final is not None:
        options.append(f"FINALFUNC = {final}")
        if final_extra:
            options.append("FINALFUNC_EXTRA")
    if combine is not None:
        options.append(f"COMBINEFUNC = {combine}")
    if initcond is not None:
        options.append(f"INITCOND = {literal(str(initcond))}")
    if sortop is not None:
        options.append(f"SORTOP = {str(sortop).split('(')[0]}")
    if parallel in _PARALLEL:
        options.append(f"PARALLEL = {_PARALLEL[str(parallel)]}")
    return f"CREATE AGGREGATE {name}({args or '*'}) (\n    " + ",\n    ".join(options) + "\n)"


def _header(create: str) -> tuple[str, ...]:
    """The lines CREATE OR REPLACE cannot change: the signature and RETURNS."""
    lines = create.split("\n")
    returns = [line for line in lines[1:3] if line.strip().upper().startswith("RETURNS ")]
    return (lines[0], *returns)


def alter_function(old: DbObject, new: DbObject) -> tuple[str, ...] | None:
    """CREATE OR REPLACE when only what it may change differs; None: drop and create."""
    before, after = old.create[-1], new.create[-1]
    if not after.startswith("CREATE OR REPLACE ") or _header(before) != _header(after):
        return None
    return new.create
