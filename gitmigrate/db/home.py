"""Where git-migrate's own tables live in a target (the ledger, the lock row, the meta table),
named with their schema on every statement, and the session put back after a step.

A step may change the session's name resolution: every pg_dump file starts with
`SELECT pg_catalog.set_config('search_path', '', false)`, a MariaDB script may `USE other_db`,
a SQLite step may create a TEMP table that shadows `main`'s. The engine's bookkeeping that
follows on the same connection (the fencing read of the lock row, the ledger record committed
with the step) must still find its tables, so it never relies on the session's defaults:

- PostgreSQL: the schema holding the ledger (the one current on a fresh connection when the
  ledger was created; its place in pg_catalog is the record), else the schema a fresh
  connection resolves to (`current_schema()` when the engine first connected), else `public`;
- MariaDB/MySQL: the URL's database (else the session's default database at first use);
- SQLite: `main`.

After a step the session's name resolution is restored (`reset_session`): PostgreSQL's
`RESET search_path` (the session default: server, database, role or connection option; not
`RESET ALL`/`DISCARD ALL`, which would also drop what a pooler or the engine set up), and
MariaDB's `USE` of the home database.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection, Engine, MetaData, Table, text

LEDGER_TABLE = "gitmigrate_ledger"  # the table whose place decides the home (PostgreSQL)
_HOME: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_COPIES: dict[tuple[str, str], Table] = {}  # (table name, schema) -> the qualified copy


def home_schema(conn: Connection) -> str | None:
    """The schema (MariaDB: database) of git-migrate's tables on `conn`'s target; None where
    there is none to name (a MariaDB URL without a database: the session's default it is)."""
    engine = conn.engine
    if engine not in _HOME:
        _HOME[engine] = _discover(conn) or ""
    return _HOME[engine] or None


def _discover(conn: Connection) -> str:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        return "main"
    if dialect in ("mysql", "mariadb"):
        name = conn.engine.url.database or conn.execute(text("SELECT DATABASE()")).scalar()
        return str(name or "")
    default = conn.dialect.default_schema_name or "public"  # current_schema() at first connect
    places = [
        str(row[0])
        for row in conn.execute(
            text(
                "SELECT n.nspname FROM pg_catalog.pg_class c"
                " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relname = :name AND c.relkind IN ('r', 'p') ORDER BY n.nspname"
            ),
            {"name": LEDGER_TABLE},
        )
    ]
    if default in places or not places:
        return default
    return places[0]


def qualified(table: Table, conn: Connection) -> Table:
    """`table` (defined without a schema) named in the home schema of `conn`'s target."""
    schema = home_schema(conn)
    if schema is None:
        return table
    key = (table.name, schema)
    copy = _COPIES.get(key)
    if copy is None:
        copy = table.to_metadata(MetaData(), schema=schema)
        _COPIES[key] = copy
    return copy


def qualified_name(conn: Connection, name: str) -> str:
    """`schema.name`, quoted for the dialect, for SQL text."""
    prepare = conn.dialect.identifier_preparer
    schema = home_schema(conn)
    if schema is None:
        return prepare.quote(name)
    return f"{prepare.quote_schema(schema)}.{prepare.quote(name)}"


def has_table(conn: Connection, name: str) -> bool:
    """Whether git-migrate's table `name` exists in the home schema (whatever the session's
    search path says)."""
    return bool(conn.dialect.has_table(conn, name, schema=home_schema(conn)))


def reset_session(conn: Connection) -> None:
    """Restore the session's name resolution after a step's own SQL ran on `conn`."""
    dialect = conn.dialect.name
    runner = conn.execution_options(no_parameters=True)
    if dialect == "postgresql":
        runner.exec_driver_sql("RESET search_path")
    elif dialect in ("mysql", "mariadb"):
        home = home_schema(conn)
        if home is not None:
            runner.exec_driver_sql(f"USE {conn.dialect.identifier_preparer.quote(home)}")
