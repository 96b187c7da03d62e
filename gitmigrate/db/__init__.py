"""Everything the execution engine needs to talk to a target database.

    url       redact_url, dialect_name (no SQLAlchemy import: safe for logging and config)
    connect   create_target_engine, check_connection, supports_transactional_ddl
    locks     target_lock: one run per target across processes
    ledger    Ledger, LedgerRow: the in-database record of applied steps
    snapshot  schema_snapshot, diff_snapshots: compare schemas before/after (rollback checks)

Only `url` is re-exported here, so importing this package stays cheap; import the others from
their modules.
"""

from __future__ import annotations

from gitmigrate.db.url import dialect_name, redact_url

__all__ = ["dialect_name", "redact_url"]
