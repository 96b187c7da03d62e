"""The public Python API of git-migrate: plain functions, one per command (as alembic's
`command.py`), each returning a value with `to_json()`; the CLI is a thin layer over them.

    from gitmigrate import api

    api.start(repo, "add-users")
    api.add_sql(repo, summary="users table", up="CREATE TABLE users (id INTEGER PRIMARY KEY)",
                down="DROP TABLE users")
    report = api.apply(repo, target="dev", progress=print)
    print(api.status(repo, target="dev").to_json())

`repo` is a path, a `GitRepo` or None (the current directory). Failures raise
`gitmigrate.errors.GitMigrateError` subclasses carrying a message, a hint and an exit code.
Heavy dependencies (SQLAlchemy, GitPython, rich) load inside the functions that need them,
so importing this package stays cheap. See docs/api.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.authoring import (
    Initialised,
    Started,
    StepAdded,
    add_data,
    add_sql,
    add_step,
    copy_data,
    init,
    kinds,
    start,
)
from gitmigrate.api.data import DataVerification, data_validate, data_verify
from gitmigrate.api.planning import (
    PlanReport,
    PrePushReport,
    Review,
    Synced,
    fetch,
    plan,
    pre_push,
    push,
    review,
)
from gitmigrate.api.progress import CallbackReporter, Progress, ProgressCallback, ProgressEvent
from gitmigrate.api.reading import (
    MigrationList,
    StepDetail,
    StepDiff,
    StepLog,
    diff,
    list_migrations,
    log,
    show,
)
from gitmigrate.api.repairing import RepairReport, repair
from gitmigrate.api.running import (
    CleanupReport,
    Confirm,
    RunReport,
    StatusReport,
    VerifyReport,
    apply,
    cleanup,
    resume,
    rollback,
    status,
    verify,
    watch_status,
)
from gitmigrate.api.schema import (
    InspectedSchema,
    LintResult,
    SchemaDiff,
    schema_diff,
    schema_drift,
    schema_inspect,
    schema_lint,
)
from gitmigrate.core.authoring import SqlSource
from gitmigrate.core.findings import LintFinding
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import NullReporter, Reporter
from gitmigrate.data.options import DEFAULT_BATCH

if (
    TYPE_CHECKING
):  # types of fields of the values above, loaded on first use (they import SQLAlchemy)
    from gitmigrate.data.validate import RuleResult, ValidationReport
    from gitmigrate.data.verify import TableVerification
    from gitmigrate.engine.status import StepState, TargetStatus

_LAZY_TYPES = {
    "RuleResult": "gitmigrate.data.validate",
    "ValidationReport": "gitmigrate.data.validate",
    "TableVerification": "gitmigrate.data.verify",
    "StepState": "gitmigrate.engine.status",
    "TargetStatus": "gitmigrate.engine.status",
}


def __getattr__(name: str) -> Any:
    module = _LAZY_TYPES.get(name)
    if module is None:
        raise AttributeError(f"module 'gitmigrate.api' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "DEFAULT_BATCH",
    "CallbackReporter",
    "CleanupReport",
    "Confirm",
    "DataVerification",
    "Initialised",
    "InspectedSchema",
    "LintFinding",
    "LintResult",
    "MigrationList",
    "NullReporter",
    "PlanReport",
    "PrePushReport",
    "Progress",
    "ProgressCallback",
    "ProgressEvent",
    "RepoLike",
    "Reporter",
    "RepairReport",
    "Review",
    "RuleResult",
    "RunReport",
    "SchemaDiff",
    "SqlSource",
    "Started",
    "StatusReport",
    "Step",
    "StepAdded",
    "StepDetail",
    "StepDiff",
    "StepState",
    "StepLog",
    "Synced",
    "TableVerification",
    "TargetStatus",
    "ValidationReport",
    "VerifyReport",
    "add_data",
    "add_sql",
    "add_step",
    "apply",
    "cleanup",
    "copy_data",
    "data_validate",
    "data_verify",
    "diff",
    "fetch",
    "init",
    "kinds",
    "list_migrations",
    "log",
    "open_repo",
    "plan",
    "pre_push",
    "push",
    "repair",
    "resume",
    "review",
    "rollback",
    "schema_diff",
    "schema_drift",
    "schema_inspect",
    "schema_lint",
    "show",
    "start",
    "status",
    "verify",
    "watch_status",
]
