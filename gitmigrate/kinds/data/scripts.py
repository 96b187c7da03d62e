"""Scripts for data steps. Mode set is one UPDATE of the whole filter, preceded by a backup of
the before-images (key + changed columns) in the very table the engine keeps them in
(`backup_table_name(step.id)`), so either tool can roll the step back. Modes transform (Python)
and copy (another database) cannot be written as SQL: their script says so and run.sh stops.
"""

from __future__ import annotations

from gitmigrate.core.model import Step
from gitmigrate.data.naming import backup_table_name
from gitmigrate.data.spec import DataSpec
from gitmigrate.engine.description import Script, Scripts, script_head
from gitmigrate.kinds.data.trigger_words import known_triggers
from gitmigrate.schema.render import quote

_SCALE_NOTE = (
    "-- One UPDATE of every matching row: right for small and medium tables. For large ones use\n"
    "-- `git migrate apply`, which updates in keyset chunks of batch_size rows, commits each with\n"
    "-- its checkpoint, can be throttled and resumes after an interruption.\n"
)


def data_scripts(step: Step, spec: DataSpec, dialect: str) -> Scripts:
    if not spec.sql_expressible:
        text = (
            script_head(step, f"not expressible as SQL (mode {spec.mode})")
            + f"-- A data step of mode {spec.mode} runs "
            + (
                "Python code on every row"
                if spec.mode == "transform"
                else "a copy from another database"
            )
            + "; it has no SQL form.\n"
            + f"-- Apply it with: git migrate apply --migration {step.migration} --to {step.seq:03d}\n"
            + "-- run.sh stops before this step and says so.\n"
        )
        return Scripts((Script("up", "up.sql", text),), runnable=False)
    table = quote(spec.table, dialect)
    where = f" WHERE {spec.where}" if spec.where else ""
    assignments = ", ".join(f"{quote(c, dialect)} = {e}" for c, e in spec.assignments)
    files = {
        "pre-check.sql": script_head(step, "pre-check: the rows the step changes")
        + f"SELECT count(*) AS rows_to_change FROM {table}{where};\n",
        "up.sql": script_head(step, "the change")
        + _SCALE_NOTE
        + f"UPDATE {table} SET {assignments}{where};\n",
    }
    if not spec.key:
        files["up.sql"] = (
            script_head(step, "no key known")
            + f"-- {spec.table} has no key in step.toml; generate with --target to find it.\n"
        )
        return _scripts(files, runnable=False, statements=0)
    if spec.backup:
        triggers = known_triggers(step)
        kept = _changed(spec, triggers)
        backup = quote(backup_table_name(step.id), dialect)
        columns = ", ".join(quote(c, dialect) for c in (*spec.key, *kept))
        keys = ", ".join(quote(c, dialect) for c in spec.key)
        index = quote(f"{backup_table_name(step.id)}_key"[:60], dialect)  # as the engine names it
        files["backup.sql"] = (
            script_head(step, "before-images (key + changed columns), as the engine keeps them")
            + f"DROP TABLE IF EXISTS {backup};\n"
            + f"CREATE TABLE {backup} AS SELECT {columns} FROM {table}{where};\n"
            + f"CREATE UNIQUE INDEX {index} ON {backup} ({keys});\n"
        )
        files["post-check.sql"] = (
            script_head(step, "post-check: every row with a before-image is still there")
            + f"SELECT count(*) = 0 AS ok FROM {backup} b WHERE NOT EXISTS "
            + f"(SELECT 1 FROM {table} t WHERE {_join(spec, dialect, 't', 'b')});\n"
        )
        off, on = _silence(spec, triggers, dialect)
        files["down.sql"] = (
            script_head(step, "rollback: write the before-images back, then drop them")
            + off
            + _restore(spec, backup, dialect, kept)
            + on
            + f"DROP TABLE {backup};\n"
        )
    else:
        files["post-check.sql"] = (
            script_head(step, "post-check: the table is readable")
            + f"SELECT count(*) >= 0 AS ok FROM {table};\n"
        )
    return _scripts(files, runnable=True, statements=1)


def _scripts(files: dict[str, str], *, runnable: bool, statements: int) -> Scripts:
    found = tuple(
        Script(suffix.removesuffix(".sql"), suffix, text) for suffix, text in files.items()
    )
    return Scripts(found, runnable=runnable, statements=statements)


def _changed(spec: DataSpec, triggers: dict[str, list[str]]) -> tuple[str, ...]:
    """The changed columns, then those the table's UPDATE triggers set (kept as the engine
    keeps them, see data/triggers.py)."""
    by_triggers = [c for cols in triggers.values() for c in cols]
    return tuple(
        dict.fromkeys(c for c in (*spec.changed_columns, *by_triggers) if c not in spec.key)
    )


def _silence(spec: DataSpec, triggers: dict[str, list[str]], dialect: str) -> tuple[str, str]:
    """Around the restoring UPDATE: what keeps the table's UPDATE triggers from firing again,
    or the words for why nothing can."""
    if not triggers:
        return "", ""
    table = quote(spec.table, dialect)
    names = [quote(n, dialect) for n in sorted(triggers)]
    if dialect == "postgresql":
        return (
            "-- run in one transaction: others never see the triggers off (the owner may do this)\n"
            + "".join(f"ALTER TABLE {table} DISABLE TRIGGER {n};\n" for n in names),
            "".join(f"ALTER TABLE {table} ENABLE TRIGGER {n};\n" for n in names),
        )
    listed = ", ".join(sorted(triggers))
    if dialect == "sqlite":
        return (
            f"-- the UPDATE trigger(s) {listed} would fire again: drop them here and create them\n"
            "-- again after the UPDATE from `SELECT sql FROM sqlite_master WHERE type = 'trigger'`\n"
            "-- (`git migrate rollback` does this inside its transaction)\n",
            "",
        )
    return (
        f"-- not exact: the UPDATE trigger(s) {listed} fire again and set their columns anew\n",
        "",
    )


def _join(spec: DataSpec, dialect: str, left: str, right: str) -> str:
    return " AND ".join(
        f"{left}.{quote(k, dialect)} = {right}.{quote(k, dialect)}" for k in spec.key
    )


def _restore(spec: DataSpec, backup: str, dialect: str, kept: tuple[str, ...]) -> str:
    """UPDATE ... FROM the backup, in each dialect's own syntax."""
    table = quote(spec.table, dialect)
    cols = [quote(c, dialect) for c in kept]
    if dialect == "postgresql":
        sets = ", ".join(f"{c} = b.{c}" for c in cols)
        return f"UPDATE {table} AS t SET {sets} FROM {backup} AS b WHERE {_join(spec, dialect, 't', 'b')};\n"
    if dialect == "mysql":
        sets = ", ".join(f"t.{c} = b.{c}" for c in cols)
        return f"UPDATE {table} AS t JOIN {backup} AS b ON {_join(spec, dialect, 't', 'b')} SET {sets};\n"
    # SQLite: a correlated subquery per column (UPDATE ... FROM needs 3.33+)
    match = _join(spec, dialect, table, "b")
    sets = ", ".join(f"{c} = (SELECT b.{c} FROM {backup} AS b WHERE {match})" for c in cols)
    return f"UPDATE {table} SET {sets} WHERE EXISTS (SELECT 1 FROM {backup} AS b WHERE {match});\n"
