"""What can be checked of a copy step when it is written, before it is committed.

Without this a copy from a mistyped source, of a table that is not there, or of a table with no
key to chunk by was committed and failed only at apply. The source is opened read-only (never
created) and reflected; the target is not known yet, so type mapping and existing target tables
are still checked by `plan_copy` at apply.
"""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.core.config import ProjectConfig
from gitmigrate.data.copy_notes import summarize
from gitmigrate.data.copy_plan import CopySpec
from gitmigrate.data.copy_planner import (
    check_where,
    key_of,
    mapped_names,
    plan_from,
    source_tables,
)
from gitmigrate.data.copy_source import read_facts
from gitmigrate.data.options import DataOptions
from gitmigrate.db.connect import check_connection, create_target_engine
from gitmigrate.db.url import redact_url
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import dialect_of, reflect_schema

DIALECTS = ("postgresql", "mysql", "sqlite")


def check_copy_source(config: ProjectConfig, options: DataOptions) -> dict[str, list[str]]:
    """Refuse (UsageError / TargetError with a hint) a copy that cannot run from its source;
    else what the copy will say on each target dialect (copy_notes)."""
    target = config.target(options.source)  # an unknown name is refused here
    url = target.resolve_url()
    shown = target.name if target.name != "(url)" else redact_url(url)
    engine = create_target_engine(url, base_dir=config.root, access="read")
    try:
        check_connection(engine, shown)
        with engine.connect() as conn:
            return check_source(conn, spec_of(options))
    finally:
        engine.dispose()


def spec_of(options: DataOptions) -> CopySpec:
    """The copy request of a step's options (as the copy kind builds it at apply)."""
    return CopySpec(
        tables=options.tables or None,
        mapping=dict(options.mapping or {}),
        where=options.where,
        batch_size=options.batch_size,
        keys=dict(options.keys or {}),
    )


def check_source(source: Connection, spec: CopySpec) -> dict[str, list[str]]:
    """The source-side half of `plan_copy`: tables exist, --map and --where fit, keys usable;
    then, per target dialect, the plan's notes against an empty target (type mappings, what
    that dialect cannot hold), or why that dialect cannot take the copy."""
    schema = reflect_schema(source)
    src = dialect_of(source)
    tables = source_tables(schema, spec.tables)
    mapped_names(schema, spec.mapping, tables)
    check_where(spec.where, src, tables)
    for table in tables:
        key_of(table, spec.keys)
    facts = read_facts(source, src)
    found: dict[str, list[str]] = {}
    for dst in DIALECTS:
        try:
            plan = plan_from(schema, facts, src, Schema(dst), dst, spec, step_id="(new)")
        except UsageError as exc:
            found[dst] = [f"cannot copy to {dst}: {exc}"]
        else:
            found[dst] = summarize(plan.notes)
    return found
