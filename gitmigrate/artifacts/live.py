"""Facts read from a live target for the artifacts: its ledger, the row counts of the tables the
steps touch, data steps' real names and keys, and the rows each data step would change.
Read-only: nothing here writes to the target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from gitmigrate.artifacts.dataspec import DataSpec, resolve
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.errors import GitMigrateError
from gitmigrate.schema.render import quote


@dataclass
class LiveFacts:
    ledger: dict[str, LedgerRow] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)  # lower-cased name -> rows
    table_names: dict[str, str] = field(default_factory=dict)  # lower-cased name -> real name
    specs: dict[str, DataSpec] = field(default_factory=dict)  # step id -> resolved spec
    affected: dict[str, int] = field(default_factory=dict)  # step id -> rows a data step changes
    problems: dict[str, str] = field(default_factory=dict)  # step id -> why a fact is missing


def read_live(
    target: DatabaseTarget, objects: Iterable[str], specs: dict[str, DataSpec]
) -> LiveFacts:
    facts = LiveFacts()
    with target.engine.connect() as conn:
        facts.ledger = Ledger(target.engine).rows(conn)
        real = {
            name.lower(): name
            for name in inspect(conn).get_table_names()
            if not name.lower().startswith("gitmigrate_")
        }
        for obj in sorted(set(objects)):
            bare = obj.rsplit(".", 1)[-1].lower()
            if bare in real and bare not in facts.table_rows:
                facts.table_names[bare] = real[bare]
                facts.table_rows[bare] = _count(conn, real[bare], target.dialect)
        for step_id, spec in sorted(specs.items()):
            _data_facts(conn, target.dialect, step_id, spec, facts)
            conn.rollback()
    return facts


def _data_facts(
    conn: Connection, dialect: str, step_id: str, spec: DataSpec, facts: LiveFacts
) -> None:
    if spec.mode == "copy" or not spec.table:
        return
    try:
        resolved = resolve(spec, conn, dialect)
    except GitMigrateError as exc:
        facts.problems[step_id] = exc.message
        return
    facts.specs[step_id] = resolved
    where = f" WHERE {spec.where}" if spec.where else ""
    try:
        count = conn.exec_driver_sql(
            f"SELECT count(*) FROM {quote(resolved.table, dialect)}{where}"
        ).scalar()
    except Exception as exc:  # noqa: BLE001 - a filter that does not run is a finding
        facts.problems[step_id] = f"its row filter does not run: {str(exc).splitlines()[0]}"
        return
    facts.affected[step_id] = int(count or 0)


def _count(conn: Connection, table: str, dialect: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {quote(table, dialect)}")).scalar() or 0)
