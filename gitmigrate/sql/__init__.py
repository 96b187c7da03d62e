"""Pure functions over SQL text: dialect names, statement splitting, validation, classification.

No database is needed; the execution engine, `git migrate add sql` and the linter share them.
"""

from __future__ import annotations

from gitmigrate.sql.classify import StatementInfo, classify, classify_script
from gitmigrate.sql.dialects import DIALECTS, dialect_of_url, normalize_dialect, sqlglot_dialect
from gitmigrate.sql.parse import Statement, split_statements, validate_sql

__all__ = [
    "DIALECTS",
    "Statement",
    "StatementInfo",
    "classify",
    "classify_script",
    "dialect_of_url",
    "normalize_dialect",
    "split_statements",
    "sqlglot_dialect",
    "validate_sql",
]
