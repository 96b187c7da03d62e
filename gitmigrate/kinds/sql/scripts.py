"""The per-step scripts of `migration-scripts/`: `NNN-<slug>.pre-check.sql`, `.backup.sql`,
`.up.sql`, `.post-check.sql`, `.down.sql` -- only those that apply to the step.

A SQL step's: up/down/verify are the step's own files, as committed; the pre-check counts the
rows of every table the step needs to exist (and fails when one is missing); the backup copies
every table the step destroys data of (`CREATE TABLE ... AS SELECT *`) before it runs.
"""

from __future__ import annotations

import re

from gitmigrate.core.model import Step
from gitmigrate.engine.description import Operation, Script, Scripts, script_head
from gitmigrate.kinds.sql.naming import sql_backup_name
from gitmigrate.schema.render import quote
from gitmigrate.sql.parse import split_statements

_NEEDS_TABLE = ("ALTER TABLE", "DROP TABLE", "TRUNCATE", "INSERT", "UPDATE", "DELETE")


def sql_scripts(step: Step, forward: tuple[Operation, ...], dialect: str) -> Scripts:
    up = step.text("up.sql") or ""
    files = [Script("up", "up.sql", script_head(step, "the change") + script_body(up, dialect))]
    needed = _needed_tables(forward, up, dialect)
    if needed:
        body = "".join(
            f"SELECT count(*) AS rows_before FROM {_ident(t, dialect)};\n" for t in needed
        )
        text = script_head(step, "pre-check (fails when a table the step needs is missing)") + body
        files.append(Script("pre-check", "pre-check.sql", text))
    backups = _destroyed_tables(forward, up, dialect)
    if backups:
        body = "".join(
            f"DROP TABLE IF EXISTS {quote(sql_backup_name(step.id, t), dialect)};\n"
            f"CREATE TABLE {quote(sql_backup_name(step.id, t), dialect)} AS SELECT * FROM "
            f"{_ident(t, dialect)};\n"
            for t in backups
        )
        text = script_head(step, "backup of the data the step destroys (kept after the run)") + body
        files.append(Script("backup", "backup.sql", text))
    post = _post_check(step, forward, up, dialect)
    if post:
        files.append(Script("post-check", "post-check.sql", post))
    down = step.text("down.sql")
    if down is not None and not step.irreversible:
        text = script_head(step, "the rollback") + script_body(down, dialect)
        files.append(Script("down", "down.sql", text))
    return Scripts(tuple(files), runnable=True, statements=len(split_statements(up, dialect)))


def script_body(sql: str, dialect: str) -> str:
    """The step's SQL as written, made safe to concatenate and to feed to the dialect's client:
    a last statement without `;` gets one (the statements are re-assembled, as the engine splits
    them), and MariaDB routines with `;` inside their body are wrapped in `DELIMITER //`."""
    statements = split_statements(sql, dialect)
    if dialect == "mysql" and any(";" in s.text for s in statements):
        return "DELIMITER //\n" + "".join(f"{s.text}\n//\n" for s in statements) + "DELIMITER ;\n"
    if sql.rstrip().endswith(";"):
        return sql.rstrip() + "\n"
    return "".join(f"{s.text};\n" for s in statements)


def _post_check(step: Step, forward: tuple[Operation, ...], up: str, dialect: str) -> str | None:
    verify = step.text("verify.sql")
    if verify:
        return script_head(
            step, "post-check (the step's verify.sql: its first column must be true)"
        ) + script_body(verify, dialect)
    created = _created_tables(forward)
    if not created:
        return None
    probes = " AND ".join(f"(SELECT count(*) FROM {_ident(t, dialect, up)}) >= 0" for t in created)
    return (
        script_head(step, "post-check (fails when a table the step creates is missing)")
        + f"SELECT {probes} AS ok;\n"
    )


def _needed_tables(forward: tuple[Operation, ...], up: str, dialect: str) -> list[str]:
    """Tables that must exist before the step: altered, dropped, written, or indexed ones that
    the step does not create itself first."""
    created: set[str] = set()
    needed: list[str] = []
    for s in forward:
        if s.operation == "CREATE TABLE":
            created.update(s.objects)
            continue
        names: tuple[str, ...] = ()
        if s.operation in ("DROP TABLE", "TRUNCATE"):
            names = s.objects
        elif s.operation in _NEEDS_TABLE and s.objects:
            names = s.objects[:1]
        elif s.operation.startswith("CREATE") and s.operation.endswith("INDEX"):
            names = s.objects[1:2]
        for name in names:
            if name not in created and name not in needed and not _if_exists(up, name):
                needed.append(name)
    return [_spelling(n, up, dialect) for n in needed]


def _destroyed_tables(forward: tuple[Operation, ...], up: str, dialect: str) -> list[str]:
    out: list[str] = []
    created: set[str] = set()
    for s in forward:
        if s.operation == "CREATE TABLE":
            created.update(s.objects)
        if s.destructive and s.objects:
            names = s.objects if s.operation in ("DROP TABLE", "TRUNCATE") else s.objects[:1]
            out += [n for n in names if n not in out and n not in created]
    return [_spelling(n, up, dialect) for n in out if not _if_exists(up, n)]


def _created_tables(forward: tuple[Operation, ...]) -> list[str]:
    created: list[str] = []
    for s in forward:
        if s.operation == "CREATE TABLE":
            created += [o for o in s.objects if o not in created]
        elif s.operation == "DROP TABLE":
            created = [c for c in created if c not in s.objects]
    return created


def _if_exists(sql: str, name: str) -> bool:
    """`DROP TABLE IF EXISTS name`: the table may be missing, so no check may demand it."""
    bare = re.escape(name.rsplit(".", 1)[-1])
    return re.search(rf"IF\s+EXISTS\s+[\w.\"`\[\]]*{bare}\b", sql, re.I) is not None


def _spelling(name: str, sql: str, dialect: str) -> str:
    """The name as the database knows it: classification lower-cases names, but MySQL table
    names are case-sensitive, and so are PostgreSQL's quoted ones (unquoted ones fold to lower
    case there)."""
    parts = []
    for part in name.split("."):
        match = re.search(rf"([\"`\[]?)(?<![\w$]){re.escape(part)}(?![\w$])", sql, re.I)
        if match is None:
            parts.append(part)
            continue
        written = match.group(0)[len(match.group(1)) :]
        quoted = bool(match.group(1))
        parts.append(written.lower() if dialect == "postgresql" and not quoted else written)
    return ".".join(parts)


def _ident(name: str, dialect: str, sql: str | None = None) -> str:
    spelled = _spelling(name, sql, dialect) if sql is not None else name
    return ".".join(quote(p, dialect) for p in spelled.split("."))
