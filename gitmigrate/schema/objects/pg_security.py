"""PostgreSQL row-level security: the per-table switches (kind "rls": ENABLE / FORCE ROW LEVEL
SECURITY) and the policies (kind "policy"), read from pg_class and pg_policy.

A policy's `create` is built from the catalog with the server's own rendering of its
expressions (pg_get_expr), so a policy written `USING (manager = current_user)` in a file and
the one in the database compare equal. A change of roles or expressions is an ALTER POLICY; a
change of command or PERMISSIVE/RESTRICTIVE (which ALTER POLICY cannot make) is drop and create.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_sql import (
    SCHEMA_MATCH,
    current_schema,
    model_name,
    qi,
    role,
)

_ENABLE = "ENABLE ROW LEVEL SECURITY"
_FORCE = "FORCE ROW LEVEL SECURITY"
_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}


def read_rls(conn: Connection, schema: str | None) -> list[DbObject]:
    """One object per table with row-level security enabled or forced."""
    rows = conn.execute(
        text(
            "SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {SCHEMA_MATCH} "
            "AND c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity) "
            "ORDER BY c.relname"
        ),
        {"schema": schema},
    )
    default = current_schema(conn)
    return [
        rls_object(model_name(str(nsp), str(name), default), bool(enabled), bool(forced))
        for nsp, name, enabled, forced in rows
    ]


def rls_object(table: str, enabled: bool, forced: bool) -> DbObject:
    """`table`: the model's name of the table (qualified outside the default schema)."""
    switches = ([_ENABLE] if enabled else []) + ([_FORCE] if forced else [])
    undo = (["NO FORCE ROW LEVEL SECURITY"] if forced else []) + (
        ["DISABLE ROW LEVEL SECURITY"] if enabled else []
    )
    return DbObject(
        kind="rls",
        name=table,
        create=tuple(f"ALTER TABLE {qi(table)} {s}" for s in switches),
        drop=tuple(f"ALTER TABLE {qi(table)} {s}" for s in undo),
        table=table,
        depends_on=(table,),
    )


def alter_rls(old: DbObject, new: DbObject) -> tuple[str, ...]:
    """Flip only the switches that differ (ENABLE and FORCE are independent)."""
    table = qi(new.table or new.name)
    out = []
    for switch, off in ((_ENABLE, "DISABLE ROW LEVEL SECURITY"), (_FORCE, "NO " + _FORCE)):
        was, now = _has(old, switch), _has(new, switch)
        if was != now:
            out.append(f"ALTER TABLE {table} {switch if now else off}")
    return tuple(out)


def _has(obj: DbObject, switch: str) -> bool:
    return any(s.endswith(" " + switch) for s in obj.create)


def read_policies(conn: Connection, schema: str | None) -> list[DbObject]:
    rows = conn.execute(
        text(
            "SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd, "
            "ARRAY(SELECT CASE WHEN r = 0 THEN NULL ELSE pg_get_userbyid(r) END "
            "      FROM unnest(p.polroles) AS r ORDER BY 1 NULLS FIRST), "
            "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
            "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {SCHEMA_MATCH} "
            "ORDER BY c.relname, p.polname"
        ),
        {"schema": schema},
    )
    default = current_schema(conn)
    return [
        policy_object(
            model_name(str(nsp), str(t), default),
            str(p),
            bool(perm),
            _COMMANDS[str(cmd)],
            list(roles),
            qual,
            check,
        )
        for nsp, t, p, perm, cmd, roles, qual, check in rows
    ]


def policy_object(
    table: str,
    name: str,
    permissive: bool,
    command: str,
    roles: list[str | None],
    using: str | None,
    check: str | None,
) -> DbObject:
    head = f"POLICY {qi(name)} ON {qi(table)}"
    kind = "PERMISSIVE" if permissive else "RESTRICTIVE"
    create = f"CREATE {head} AS {kind} FOR {command} TO {_roles(roles)}{_clauses(using, check)}"
    return DbObject(
        kind="policy",
        name=f"{table}.{name}",
        create=(create,),
        drop=(f"DROP {head}",),
        table=table,
        depends_on=(table,),
    )


def _roles(roles: list[str | None]) -> str:
    return ", ".join(role(r) for r in roles) or "PUBLIC"


def _clauses(using: str | None, check: str | None) -> str:
    return (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")


# the create text of policy_object, taken apart: head, kind and command, roles, clauses
_ROLE = r'(?:PUBLIC|"(?:[^"]|"")*")'
_POLICY = re.compile(
    rf"CREATE (POLICY .*) AS (\w+) FOR (\w+) TO ({_ROLE}(?:, {_ROLE})*)((?: USING \(.*)?)\Z",
    re.DOTALL,
)


def alter_policy(old: DbObject, new: DbObject) -> tuple[str, ...] | None:
    """ALTER POLICY ... TO ... USING ... WITH CHECK ...: when the command and kind are the same
    and no clause is taken away (ALTER POLICY can set a clause, not remove one)."""
    was, now = _POLICY.match(old.create[0]), _POLICY.match(new.create[0])
    if was is None or now is None or was.group(1, 2, 3) != now.group(1, 2, 3):
        return None
    old_clauses, new_clauses = was.group(5), now.group(5)
    if any(c.count(" WITH CHECK (") > 1 for c in (old_clauses, new_clauses)):
        return None  # an expression quoting the clause keyword: do not guess where it ends
    for clause in (" USING (", " WITH CHECK ("):
        if clause in old_clauses and clause not in new_clauses:
            return None
    return (f"ALTER {now.group(1)} TO {now.group(4)}{new_clauses}",)
