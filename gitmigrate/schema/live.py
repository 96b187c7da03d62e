"""The library calls behind `git migrate schema inspect` and `schema drift`.

Drift is the difference between what a target's ledger says was applied and what the target
actually holds: the applied steps' up.sql are replayed, in plan order, into a scratch database
on the same server (a temp file for SQLite) and both schemas are reflected and compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.db.ledger import Ledger
from gitmigrate.engine.target import open_database_target
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS, SchemaScope, check_scope
from gitmigrate.schema.sources import replay_steps, replayed_schema


@dataclass(frozen=True)
class Inspected:
    target: str  # name or redacted URL
    schema: Schema


@dataclass
class DriftReport:
    target: str
    dialect: str
    applied: list[str] = field(default_factory=list)  # step ids replayed as the expectation
    unknown: list[str] = field(default_factory=list)  # applied on the target, not in this tree
    differences: list[str] = field(default_factory=list)  # expected (replayed) vs live

    @property
    def clean(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "dialect": self.dialect,
            "clean": self.clean,
            "applied_steps": self.applied,
            "unknown_steps": self.unknown,
            "differences": self.differences,
        }


def inspect_target(
    repo: GitRepo, target_name: str | None, scope: SchemaScope = ALL_SCHEMAS
) -> Inspected:
    """The live schema of a target (default: the project's default target); on PostgreSQL
    the user schemas `scope` covers."""
    target = open_database_target(load_config(repo), target_name, "read")
    try:
        check_scope(scope, target.dialect)
        with target.engine.connect() as conn:
            return Inspected(target.name, reflect_schema(conn, scope=scope))
    finally:
        target.engine.dispose()


def schema_drift(
    repo: GitRepo, target_name: str | None, scope: SchemaScope = ALL_SCHEMAS
) -> DriftReport:
    """Compare the target's live schema with the schema its applied steps produce."""
    config = load_config(repo)
    target = open_database_target(config, target_name, "read")
    try:
        check_scope(scope, target.dialect)
        with target.engine.connect() as conn:
            live = reflect_schema(conn, scope=scope)
            rows = Ledger(target.engine).rows(conn)
        server_url = target.engine.url.render_as_string(hide_password=False)
    finally:
        target.engine.dispose()
    applied = {step_id for step_id, row in rows.items() if row.status == "applied"}
    in_tree = [step.id for step in replay_steps(repo)]
    report = DriftReport(target.name, target.dialect)
    report.applied = [step_id for step_id in in_tree if step_id in applied]
    report.unknown = sorted(applied - set(in_tree))
    scratch_server = None if target.dialect == "sqlite" else server_url
    expected = replayed_schema(
        repo, target.dialect, scratch_server, only=set(report.applied), scope=scope
    )
    report.differences = schema_differences(expected, live)
    return report
