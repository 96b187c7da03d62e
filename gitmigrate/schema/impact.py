"""Rows and duration for a step's impact analysis: live table statistics when a database is at
hand, and a static cost model per kind of work (`gitmigrate.sql.locks` says which work).

The costs are deliberately plain, stated here, and labelled `"estimate_source": "static"` in
the note: a reviewer compares them between steps, nobody schedules a maintenance window on
them (the engine's own estimate prefers the durations of earlier runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

STATEMENT_SECONDS = 0.01  # one round trip and a catalog change
SECONDS_PER_ROW = {
    "scan": 1e-6,  # reads every row (SET NOT NULL, a validation): ~1M rows/s
    "index": 3e-6,  # sorts and writes an index
    "rewrite": 5e-6,  # copies every row into a new table file
    "dml": 1e-5,  # UPDATE/DELETE: writes each row (and its WAL/undo)
}
NO_DATABASE = "unknown (no database at authoring)"


@dataclass(frozen=True)
class TableRows:
    """Row counts per table (lower-cased names) and where they came from."""

    counts: dict[str, int] = field(default_factory=dict)
    source: str = NO_DATABASE

    def rows(self, tables: tuple[str, ...]) -> int | None:
        """Rows of the first table the statement touches, None when it is not known."""
        if not tables or not self.counts:
            return None
        name = tables[0]
        found = self.counts.get(name)
        return found if found is not None else self.counts.get(name.rpartition(".")[2])


def estimate_seconds(work: str, rows: int | None) -> float | None:
    """Static duration of one statement; None when it grows with rows nobody counted."""
    per_row = SECONDS_PER_ROW.get(work)
    if per_row is None:
        return STATEMENT_SECONDS
    if rows is None:
        return None
    return round(STATEMENT_SECONDS + rows * per_row, 3)


def table_rows(url: str, base_dir: Path | None = None) -> TableRows:
    """Row counts of every table in the database `url` names (its default schema), from the
    statistics the server keeps; SQLite keeps none, and is local, so it counts."""
    from sqlalchemy import inspect, text

    from gitmigrate.db.connect import create_target_engine
    from gitmigrate.schema.render import quote

    engine = create_target_engine(url, base_dir=base_dir)
    try:
        with engine.connect() as conn:
            dialect = engine.dialect.name
            if dialect == "postgresql":
                rows = conn.execute(text(
                    "SELECT c.relname, c.reltuples, s.n_live_tup FROM pg_class c "
                    "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
                    "WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace"
                )).all()  # fmt: skip
                # reltuples is -1 until the table is first vacuumed or analyzed
                counts = {r[0].lower(): int(r[1] if r[1] >= 0 else r[2] or 0) for r in rows}
                source = "pg_class.reltuples / pg_stat_user_tables.n_live_tup"
            elif dialect in ("mysql", "mariadb"):
                rows = conn.execute(text(
                    "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
                )).all()  # fmt: skip
                counts = {r[0].lower(): int(r[1] or 0) for r in rows}
                source = "information_schema.TABLES.TABLE_ROWS"
            else:
                names = inspect(conn).get_table_names()
                counts = {
                    n.lower(): int(conn.execute(
                        text(f"SELECT count(*) FROM {quote(n, 'sqlite')}")).scalar_one())
                    for n in names
                }  # fmt: skip
                source = "count(*)"
    finally:
        engine.dispose()
    return TableRows(counts, source)
