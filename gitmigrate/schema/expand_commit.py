"""Render an expand/contract plan (`expand.py`) as steps and commit them, in this order:

1. expand: add the new column(s) nullable; on PostgreSQL and MariaDB a trigger copies the old
   column into the new one on every write that does not set the new one itself;
2. backfill: one data step per moved column (mode "set", run by the data executor in keyset
   chunks): `new = old`, with a CAST for a type change;
3. switch: a no-op SQL step whose verify.sql checks that no row was missed; deploy the
   application that reads and writes the new column before applying further;
4. contract: drop the trigger and the old column, then give the new one its NOT NULL, default,
   indexes and constraints (a type change's new column is renamed into the old name).

Every SQL script is validated before the first commit; each down.sql is its up's exact inverse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from gitmigrate.core.authoring import SqlSource
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.authoring import author_step
from gitmigrate.schema.expand import ExpandContract, Move
from gitmigrate.schema.render import is_simple_name, quote

BATCH_SIZE = 10000
SWAP_IGNORE = "-- gitmigrate-ignore renaming-column"
SWITCH_UNDO = "-- switch reads/writes back to the old column(s) before rolling back further"


@dataclass(frozen=True)
class PlannedStep:
    """One step of the sequence: SQL (up/down statements, optional verify) or data (options)."""

    kind: str
    summary: str
    up: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    transactional: bool = True
    verify: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    comment: str = ""  # leads up.sql (the switch step's instruction)


def trigger_name(move: Move, suffix: str = "") -> str:
    name = f"gm_sync_{move.table}_{move.temp}".lower()
    if len(name) + len(suffix) > 60:
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = f"{name[: 50 - len(suffix)]}_{digest}"
    return name + suffix


def _value(move: Move, dialect: str, row: str = "") -> str:
    """The old column's value as the new column's type (MariaDB converts on assignment)."""
    old = row + quote(move.old.name, dialect)
    if move.retyped and dialect != "mysql":
        return f"CAST({old} AS {move.new.type})"
    return old


def sync_trigger(move: Move, dialect: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements of the trigger keeping the new column = the old one."""
    t, new, old = (quote(n, dialect) for n in (move.table, move.temp, move.old.name))
    if dialect == "postgresql":
        name = quote(trigger_name(move), dialect)
        body = (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  IF (TG_OP = 'INSERT' AND NEW.{new} IS NULL)\n"
            f"     OR (TG_OP = 'UPDATE' AND NEW.{old} IS DISTINCT FROM OLD.{old}) THEN\n"
            f"    NEW.{new} := {_value(move, dialect, 'NEW.')};\n  END IF;\n  RETURN NEW;\nEND\n$$"
        )
        create = f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {name}()"
        return [body, create], [f"DROP TRIGGER {name} ON {t}", f"DROP FUNCTION {name}()"]
    if dialect == "mysql":
        ins, upd = (quote(trigger_name(move, s), dialect) for s in ("_i", "_u"))
        value = _value(move, dialect, "NEW.")
        return [
            f"CREATE TRIGGER {ins} BEFORE INSERT ON {t} FOR EACH ROW "
            f"SET NEW.{new} = COALESCE(NEW.{new}, {value})",
            f"CREATE TRIGGER {upd} BEFORE UPDATE ON {t} FOR EACH ROW "
            f"SET NEW.{new} = IF(NEW.{old} <=> OLD.{old}, NEW.{new}, {value})",
        ], [f"DROP TRIGGER {upd}", f"DROP TRIGGER {ins}"]
    return [], []  # SQLite: no trigger; the backfill's WHERE catches rows written meanwhile


def _name(name: str, dialect: str) -> str:
    """Bare where the name needs no quotes (PostgreSQL folds bare names to lower case)."""
    bare = is_simple_name(name) and (dialect != "postgresql" or name == name.lower())
    return name if bare else quote(name, dialect)


def backfill_options(move: Move, key: tuple[str, ...], dialect: str) -> dict[str, Any]:
    """The data step (mode "set") that copies old into new, per /docs data step format."""
    new, old = _name(move.temp, dialect), _name(move.old.name, dialect)
    value = f"CAST({old} AS {move.new.type})" if move.retyped and dialect != "mysql" else old
    options: dict[str, Any] = {"mode": "set", "table": move.table}
    if key:
        options["key"] = list(key)
    options.update(
        set=[f"{new} = {value}"],
        where=f"{new} IS NULL AND {old} IS NOT NULL",
        batch_size=BATCH_SIZE,
        backup=True,
    )
    return options


def _switch(moves: tuple[Move, ...], dialect: str) -> PlannedStep:
    lines = [
        f"-- switch reads/writes to {m.table}.{m.temp}; deploy the app before the next step"
        if m.renamed else
        f"-- switch reads/writes to {m.table}.{m.new.name} as {m.new.type} (held in {m.temp} "
        f"until the next step swaps it in under that name); deploy the app before the next step"
        for m in moves
    ]  # fmt: skip
    checks = [
        f"(SELECT COUNT(*) FROM {quote(m.table, dialect)} WHERE {quote(m.temp, dialect)} IS NULL"
        f" AND {quote(m.old.name, dialect)} IS NOT NULL) = 0"
        for m in moves
    ]
    verify = (
        f"-- every row the backfill had to copy holds a value\nSELECT {' AND '.join(checks)};\n"
    )
    return PlannedStep("sql", "switch", ("SELECT 1",), ("SELECT 1",), True, verify,
                       comment="\n".join(lines) + "\n")  # fmt: skip


def _with_statements(
    step: PlannedStep, up_first: list[str], down_last: list[str], *, after: bool = False
) -> PlannedStep:
    """Add statements to a step (after its SET lock_timeout), keeping down the exact inverse."""
    up, down = list(step.up), list(step.down)
    lead = 1 if up and up[0].startswith("SET lock_timeout") else 0
    if after:  # the expand: create after the column exists, drop before it goes
        up += up_first
        down[lead:lead] = down_last
    else:  # the contract: drop before the old column goes, create after it is back
        up[lead:lead] = up_first
        down += down_last
    return replace(step, up=tuple(up), down=tuple(down))


def expand_contract_steps(plan: ExpandContract, dialect: str) -> list[PlannedStep]:
    from gitmigrate.schema.api import plan_steps

    creates = [s for m in plan.moves for s in sync_trigger(m, dialect)[0]]
    drops = [s for m in reversed(plan.moves) for s in sync_trigger(m, dialect)[1]]
    expand = [PlannedStep("sql", "expand", tuple(p.up), tuple(p.down), p.transactional)
              for p in plan_steps(plan.expand, dialect)]  # fmt: skip
    if creates:
        added = [quote(m.temp, dialect) for m in plan.moves]
        at = next((i for i, p in enumerate(expand) if p.transactional
                   and any("ADD COLUMN" in s and a in s for s in p.up for a in added)),
                  len(expand) - 1)  # fmt: skip
        expand[at] = _with_statements(expand[at], creates, drops, after=True)
    backfills = [
        PlannedStep("data", f"backfill {m.table}.{m.temp}",
                    options=backfill_options(m, plan.keys.get(m.table, ()), dialect))
        for m in plan.moves
    ]  # fmt: skip
    contract = [PlannedStep("sql", "contract", tuple(p.up), tuple(p.down), p.transactional)
                for p in plan_steps(plan.contract, dialect)]  # fmt: skip
    if drops:
        contract[0] = _with_statements(contract[0], drops, creates)
    contract = [replace(p, up=tuple(_swap_note(s, plan.moves, dialect) for s in p.up))
                for p in contract]  # fmt: skip
    return [*expand, *backfills, _switch(plan.moves, dialect), *contract]


def _swap_note(statement: str, moves: tuple[Move, ...], dialect: str) -> str:
    """Mark the contract's rename of a type change's new column as intended for the linter."""
    for m in moves:
        if not m.renamed and f"RENAME COLUMN {quote(m.temp, dialect)} TO" in statement:
            return f"-- {m.temp} takes the name {m.new.name}\n{SWAP_IGNORE}\n{statement}"
    return statement


def _titled(steps: list[PlannedStep], summary: str) -> list[PlannedStep]:
    counts = {s.summary: sum(1 for t in steps if t.summary == s.summary) for s in steps}
    seen: dict[str, int] = {}
    titled = []
    for step in steps:
        seen[step.summary] = seen.get(step.summary, 0) + 1
        part = f" {seen[step.summary]}/{counts[step.summary]}" if counts[step.summary] > 1 else ""
        titled.append(replace(step, summary=f"{summary} ({step.summary}{part})"))
    return titled


def sql_files(step: PlannedStep) -> tuple[str, str, str | None]:
    from gitmigrate.schema.api import NOTHING_TO_UNDO, script

    up = step.comment + script(list(step.up))
    down = script(list(step.down)) if step.down else NOTHING_TO_UNDO
    if step.comment:  # the switch step
        down = f"{SWITCH_UNDO}\n{down}"
    return up, down, step.verify


def printed(step: PlannedStep) -> str:
    """What `schema diff --online --print` shows of one planned step, SQL or data."""
    if step.kind != "sql":
        o = step.options
        return (
            f"-- data step: set {', '.join(o['set'])} where {o['where']} "
            f"(table {o['table']}, key {', '.join(o.get('key', [])) or 'found at apply'}, "
            f"batches of {o['batch_size']})\n"
        )
    up, down, verify = sql_files(step)
    return f"{up}-- down\n{down}" + (f"-- verify\n{verify}" if verify else "")


def commit_expand_contract(
    repo: GitRepo, plan: ExpandContract, dialect: str, summary: str
) -> tuple[list[Step], list[PlannedStep]]:
    """Validate every script, then commit the sequence on the current migration branch."""
    from gitmigrate.sql.parse import validate_sql

    planned = _titled(expand_contract_steps(plan, dialect), summary)
    for step in planned:
        if step.kind == "sql":
            for name, text in zip(("up", "down", "verify"), sql_files(step), strict=True):
                if text is not None:
                    validate_sql(text, dialect, f"{step.summary} ({name})")
    committed = [
        author_step(repo, step.kind, step.summary, _author_options(step), dialect=dialect)
        for step in planned
    ]
    return committed, planned


def _author_options(step: PlannedStep) -> dict[str, Any]:
    """The options the step's kind authors it from (data: `data add`'s own, validated the
    same way)."""
    if step.kind != "sql":
        return {"data": step.options}
    up, down, verify = sql_files(step)
    return {
        "up": SqlSource(up, f"{step.summary} (up)"),
        "down": SqlSource(down, f"{step.summary} (down)"),
        "verify": SqlSource(verify, f"{step.summary} (verify)") if verify else None,
        "options": None if step.transactional else {"transaction": False},
    }
