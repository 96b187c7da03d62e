"""A digest of a database's schema, taken before each DDL statement of a step that runs without
a transaction (MariaDB/MySQL, `transaction = false`).

Such a statement commits by itself, so a crash between it and its ledger update leaves it done
but unrecorded. The engine records "about to run statement N, schema digest D" first (the sql
kind's compensator, compensation.py, gives it the digest); on resume, a digest that differs
from D means statement N ran (DDL is atomic on MariaDB 10.6+), an equal one that it did not. Only the schema is hashed, never data or counters (AUTO_INCREMENT, row counts),
so application writes between the crash and the resume do not look like the statement's effect.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.db.snapshot import schema_snapshot
from gitmigrate.sql.classify import classify

# information_schema of the current database, gitmigrate's own tables left out; one query per
# kind of object, every column that a DDL statement can change
_MYSQL_QUERIES = (
    "SELECT table_name, table_type, engine, table_comment FROM information_schema.tables"
    " WHERE table_schema = DATABASE()",
    "SELECT table_name, column_name, ordinal_position, column_type, is_nullable,"
    " column_default, extra, column_comment, collation_name FROM information_schema.columns"
    " WHERE table_schema = DATABASE()",
    "SELECT table_name, index_name, seq_in_index, column_name, non_unique, sub_part,"
    " index_type FROM information_schema.statistics WHERE table_schema = DATABASE()",
    "SELECT table_name, constraint_name, constraint_type"
    " FROM information_schema.table_constraints WHERE constraint_schema = DATABASE()",
    "SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints"
    " WHERE constraint_schema = DATABASE()",
    "SELECT table_name, constraint_name, column_name, referenced_table_name,"
    " referenced_column_name FROM information_schema.key_column_usage"
    " WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL",
    "SELECT table_name, view_definition FROM information_schema.views"
    " WHERE table_schema = DATABASE()",
    "SELECT trigger_name, event_object_table, action_timing, event_manipulation,"
    " action_statement FROM information_schema.triggers WHERE trigger_schema = DATABASE()",
    "SELECT routine_name, routine_type, routine_definition FROM information_schema.routines"
    " WHERE routine_schema = DATABASE()",
    "SELECT event_name FROM information_schema.events WHERE event_schema = DATABASE()",
)
_OWN_PREFIX = "gitmigrate_"


def statement_objects(sql: str, dialect: str) -> list[str]:
    """The unqualified, lower-cased names of the objects a statement touches ([] = unknown)."""
    return sorted({name.rsplit(".", 1)[-1] for name in classify(sql, dialect).objects})


def schema_digest(conn: Connection, objects: Iterable[str] = ()) -> str:
    """The digest of the schema `conn` sees, limited on MariaDB/MySQL to the rows that name one
    of `objects` (a table, index, view, trigger ...) when given, so that unrelated schema
    changes between a crash and the resume do not count. The caller rolls back its reads."""
    wanted = {o.lower() for o in objects}

    def keep(row: Sequence[Any]) -> bool:
        names = [str(v).lower() for v in row[:2]]
        if names[0].startswith(_OWN_PREFIX):
            return False
        return not wanted or any(n in wanted for n in names)

    if conn.dialect.name in ("mysql", "mariadb"):
        parts: list[Any] = []
        for query in _MYSQL_QUERIES:
            rows = [
                [None if v is None else str(v) for v in row]
                for row in conn.execute(text(query))
                if keep(row)
            ]
            parts.append(sorted(rows, key=lambda r: [v or "" for v in r]))
    else:
        parts = [schema_snapshot(conn)]
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()
