"""Whether a database refused a statement because an object it needs does not exist yet.

Desired schema files are often written (or dumped) out of dependency order: a view before the
table it reads, a foreign key before its parent, a table in a schema created further down.
sqldef and migra reorder such files; the scratch loader retries those statements after the
others instead. Only these errors are retried: a syntax error or a type mismatch is the file's
fault wherever the statement runs, so it is reported at once.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# PostgreSQL SQLSTATEs: undefined table / function / column / object (type, role, ...),
# invalid schema name, no unique constraint matching a foreign key (its key is added later)
_PG_MISSING = frozenset({"42P01", "42883", "42703", "42704", "3F000", "42830"})
# MySQL/MariaDB error numbers: no such table, unknown database, cannot create table (errno 150:
# foreign key), foreign key parent missing or without an index, cannot add foreign key,
# routine does not exist, unknown column, a view referencing a missing table
_MYSQL_MISSING = frozenset({1146, 1049, 1005, 1824, 1822, 1215, 1305, 1054, 1356})
# SQLite says it in words only (its error code is the generic SQLITE_ERROR)
_SQLITE_MISSING = ("no such table", "no such column", "no such function", "unknown database")


def is_missing_object(exc: DBAPIError, dialect: str) -> bool:
    """True when `exc` says the statement uses a table, type, function ... not created yet."""
    orig = exc.orig
    if dialect == "postgresql":
        return getattr(orig, "sqlstate", None) in _PG_MISSING
    if dialect == "mysql":
        args: tuple[object, ...] = getattr(orig, "args", ())
        return bool(args) and isinstance(args[0], int) and args[0] in _MYSQL_MISSING
    message = str(orig).lower()
    return any(message.startswith(words) for words in _SQLITE_MISSING)
