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

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.authoring import (
    Initialised,
    Started,
    StepAdded,
    add_data,
    add_sql,
    copy_data,
    init,
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
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import NullReporter, Reporter
from gitmigrate.data.options import DEFAULT_BATCH

__all__ = [
    "DEFAULT_BATCH",
    "CallbackReporter",
    "CleanupReport",
    "Confirm",
    "DataVerification",
    "Initialised",
    "InspectedSchema",
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
    "Review",
    "RunReport",
    "SchemaDiff",
    "SqlSource",
    "Started",
    "StatusReport",
    "Step",
    "StepAdded",
    "StepDetail",
    "StepDiff",
    "StepLog",
    "Synced",
    "VerifyReport",
    "add_data",
    "add_sql",
    "apply",
    "cleanup",
    "copy_data",
    "data_validate",
    "data_verify",
    "diff",
    "fetch",
    "init",
    "list_migrations",
    "log",
    "open_repo",
    "plan",
    "pre_push",
    "push",
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
