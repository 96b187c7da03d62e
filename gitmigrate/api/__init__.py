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

from gitmigrate.api._lazy import LAZY_NAMES, SUBMODULES
from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:  # every name below is loaded on first use, so importing the API stays cheap
    from gitmigrate.api.api_reports import ApiNotices, api_diff, api_notices
    from gitmigrate.api.api_steps import ApiStep, api_adapter_step, api_deprecate, api_guide
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
    from gitmigrate.api.code import (
        CodeScan,
        CodeStep,
        RecipeScan,
        VerifyCommandFailed,
        author_code_step,
        code_verify_commands,
        list_recipes,
        scan_code,
    )
    from gitmigrate.api.config import (
        ConfigStep,
        config_convert,
        config_encrypt,
        config_merge,
        config_move,
        config_rename,
        config_rotate,
        config_set,
        config_unset,
        config_update_keys,
    )
    from gitmigrate.api.config_query import (
        ConfigChange,
        ConfigDiff,
        ConfigHistory,
        ConfigProblem,
        ConfigValidation,
        Explanation,
        LayerValue,
        config_diff,
        config_explain,
        config_history,
        config_validate,
    )
    from gitmigrate.api.config_secrets import (
        Decrypted,
        config_decrypt,
        config_migrate_secrets,
        config_secrets_encrypt,
        config_secrets_rotate,
    )
    from gitmigrate.api.data import DataVerification, data_validate, data_verify
    from gitmigrate.api.env_checks import add_env_step, env_health
    from gitmigrate.api.env_drift import EnvSync, env_diff, env_sync
    from gitmigrate.api.env_secrets import SecretsCopy, env_secrets_check, env_secrets_copy
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
    from gitmigrate.api.platform_boundaries import platform_split
    from gitmigrate.api.platform_inventory import platform_map, platform_scan
    from gitmigrate.api.platform_steps import (
        PlatformStepAdded,
        platform_convert_compose,
        platform_convert_terraform,
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
    from gitmigrate.api.subsets import SubsetResult, env_subset
    from gitmigrate.core.authoring import SqlSource
    from gitmigrate.core.findings import LintFinding
    from gitmigrate.core.model import Step
    from gitmigrate.core.reporter import NullReporter, Reporter
    from gitmigrate.data.options import DEFAULT_BATCH
    from gitmigrate.data.validate import RuleResult, ValidationReport
    from gitmigrate.data.verify import TableVerification
    from gitmigrate.engine.status import StepState, TargetStatus
    from gitmigrate.envs.drift_model import EnvDiff
    from gitmigrate.envs.health import HealthReport
    from gitmigrate.envs.secrets import SecretsCheck
    from gitmigrate.platform.split_model import SplitReport


def __getattr__(name: str) -> Any:
    """The API's names, each imported from its module on first use (PEP 562): a command that
    calls one function loads only what that function needs."""
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'gitmigrate.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "SplitReport",
    "platform_split",
    "HealthReport",
    "SecretsCheck",
    "SecretsCopy",
    "add_env_step",
    "env_health",
    "env_secrets_check",
    "env_secrets_copy",
    "ApiNotices",
    "ApiStep",
    "api_adapter_step",
    "api_deprecate",
    "api_diff",
    "api_guide",
    "api_notices",
    "DEFAULT_BATCH",
    "CallbackReporter",
    "CleanupReport",
    "ConfigStep",
    "Confirm",
    "DataVerification",
    "EnvDiff",
    "EnvSync",
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
    "CodeScan",
    "CodeStep",
    "RecipeScan",
    "VerifyCommandFailed",
    "author_code_step",
    "code_verify_commands",
    "list_recipes",
    "scan_code",
    "config_convert",
    "config_encrypt",
    "config_merge",
    "config_move",
    "config_rename",
    "config_rotate",
    "config_set",
    "config_unset",
    "config_update_keys",
    "ConfigHistory",
    "ConfigDiff",
    "ConfigChange",
    "Explanation",
    "LayerValue",
    "ConfigValidation",
    "ConfigProblem",
    "config_history",
    "config_diff",
    "config_explain",
    "config_validate",
    "Decrypted",
    "config_secrets_encrypt",
    "config_secrets_rotate",
    "config_migrate_secrets",
    "config_decrypt",
    "copy_data",
    "env_subset",
    "SubsetResult",
    "data_validate",
    "data_verify",
    "diff",
    "env_diff",
    "env_sync",
    "fetch",
    "init",
    "platform_map",
    "platform_scan",
    "kinds",
    "list_migrations",
    "log",
    "open_repo",
    "plan",
    "PlatformStepAdded",
    "platform_convert_compose",
    "platform_convert_terraform",
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
