"""Schema migrations: inspect a database, diff it against a desired state, generate ordered
up/down DDL per dialect, lint it.

    model.py          the normalized Schema every source becomes
    reflect.py        reflect_schema(conn) -> Schema (live database)
    compare.py        schema_differences(a, b) -> list[str] (empty = equal)
    scratch.py        throwaway databases and load_sql(url, sql) for DDL files
    sources.py        load_schema(spec, ...) for .sql / URL / target / module:attr; replayed steps
    ops.py            operations that know their reverse (create/drop/alter ...)
    diff.py           diff_schemas(current, desired, ...) -> MigrationPlan (dependency-ordered)
    render.py         DDL text per dialect; sqlite_rebuild.py for ALTERs SQLite lacks
    api.py            the library calls behind `git migrate schema ...`
"""
