"""Facts read from a live target for the artifacts: its ledger, the row counts of the tables the
steps touch, and what each step's kind probes there (a data step: its table's real names and
key, the rows it would change). Read-only: nothing here writes to the target."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.schema.render import quote

Probe = Callable[[Any, str], Mapping[str, Any]]


@dataclass
class LiveFacts:
    ledger: dict[str, LedgerRow] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)  # lower-cased name -> rows
    table_names: dict[str, str] = field(default_factory=dict)  # lower-cased name -> real name
    probed: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # step id -> note["live"]

    def affected(self, step_id: str) -> int | None:
        """Rows the step changes, as its kind's probe counted them."""
        rows = self.probed.get(step_id, {}).get("affected_rows")
        return None if rows is None else int(rows)


def read_live(
    target: DatabaseTarget, objects: Iterable[str], probes: Mapping[str, Probe]
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
        for step_id, probe in sorted(probes.items()):
            facts.probed[step_id] = probe(conn, target.dialect)
            conn.rollback()
    return facts


def _count(conn: Connection, table: str, dialect: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {quote(table, dialect)}")).scalar() or 0)
