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

_LAZY = {
    "ApiNotices": "gitmigrate.api.api_reports",
    "ApiStep": "gitmigrate.api.api_steps",
    "api_adapter_step": "gitmigrate.api.api_steps",
    "api_deprecate": "gitmigrate.api.api_steps",
    "api_diff": "gitmigrate.api.api_reports",
    "api_guide": "gitmigrate.api.api_steps",
    "api_notices": "gitmigrate.api.api_reports",
    "CallbackReporter": "gitmigrate.api.progress",
    "CleanupReport": "gitmigrate.api.running",
    "CodeScan": "gitmigrate.api.code",
    "CodeStep": "gitmigrate.api.code",
    "RecipeScan": "gitmigrate.api.code",
    "VerifyCommandFailed": "gitmigrate.api.code",
    "author_code_step": "gitmigrate.api.code",
    "code_verify_commands": "gitmigrate.api.code",
    "list_recipes": "gitmigrate.api.code",
    "scan_code": "gitmigrate.api.code",
    "ConfigStep": "gitmigrate.api.config",
    "Confirm": "gitmigrate.api.running",
    "DEFAULT_BATCH": "gitmigrate.data.options",
    "DataVerification": "gitmigrate.api.data",
    "EnvDiff": "gitmigrate.envs.drift_model",
    "EnvSync": "gitmigrate.api.env_drift",
    "env_diff": "gitmigrate.api.env_drift",
    "env_sync": "gitmigrate.api.env_drift",
    "Initialised": "gitmigrate.api.authoring",
    "InspectedSchema": "gitmigrate.api.schema",
    "LintFinding": "gitmigrate.core.findings",
    "LintResult": "gitmigrate.api.schema",
    "MigrationList": "gitmigrate.api.reading",
    "NullReporter": "gitmigrate.core.reporter",
    "PlanReport": "gitmigrate.api.planning",
    "PrePushReport": "gitmigrate.api.planning",
    "Progress": "gitmigrate.api.progress",
    "ProgressCallback": "gitmigrate.api.progress",
    "ProgressEvent": "gitmigrate.api.progress",
    "RepairReport": "gitmigrate.api.repairing",
    "Reporter": "gitmigrate.core.reporter",
    "Review": "gitmigrate.api.planning",
    "RuleResult": "gitmigrate.data.validate",
    "RunReport": "gitmigrate.api.running",
    "SchemaDiff": "gitmigrate.api.schema",
    "SqlSource": "gitmigrate.core.authoring",
    "Started": "gitmigrate.api.authoring",
    "StatusReport": "gitmigrate.api.running",
    "Step": "gitmigrate.core.model",
    "StepAdded": "gitmigrate.api.authoring",
    "StepDetail": "gitmigrate.api.reading",
    "StepDiff": "gitmigrate.api.reading",
    "StepLog": "gitmigrate.api.reading",
    "StepState": "gitmigrate.engine.status",
    "Synced": "gitmigrate.api.planning",
    "TableVerification": "gitmigrate.data.verify",
    "TargetStatus": "gitmigrate.engine.status",
    "ValidationReport": "gitmigrate.data.validate",
    "VerifyReport": "gitmigrate.api.running",
    "platform_map": "gitmigrate.api.platform_inventory",
    "platform_scan": "gitmigrate.api.platform_inventory",
    "add_data": "gitmigrate.api.authoring",
    "add_sql": "gitmigrate.api.authoring",
    "add_step": "gitmigrate.api.authoring",
    "apply": "gitmigrate.api.running",
    "cleanup": "gitmigrate.api.running",
    "config_convert": "gitmigrate.api.config",
    "config_encrypt": "gitmigrate.api.config",
    "config_rotate": "gitmigrate.api.config",
    "config_update_keys": "gitmigrate.api.config",
    "config_merge": "gitmigrate.api.config",
    "config_move": "gitmigrate.api.config",
    "config_rename": "gitmigrate.api.config",
    "config_set": "gitmigrate.api.config",
    "config_unset": "gitmigrate.api.config",
    "ConfigHistory": "gitmigrate.api.config_query",
    "ConfigDiff": "gitmigrate.api.config_query",
    "ConfigChange": "gitmigrate.api.config_query",
    "Explanation": "gitmigrate.api.config_query",
    "LayerValue": "gitmigrate.api.config_query",
    "ConfigValidation": "gitmigrate.api.config_query",
    "ConfigProblem": "gitmigrate.api.config_query",
    "config_history": "gitmigrate.api.config_query",
    "config_diff": "gitmigrate.api.config_query",
    "config_explain": "gitmigrate.api.config_query",
    "config_validate": "gitmigrate.api.config_query",
    "Decrypted": "gitmigrate.api.config_secrets",
    "config_secrets_encrypt": "gitmigrate.api.config_secrets",
    "config_secrets_rotate": "gitmigrate.api.config_secrets",
    "config_migrate_secrets": "gitmigrate.api.config_secrets",
    "config_decrypt": "gitmigrate.api.config_secrets",
    "copy_data": "gitmigrate.api.authoring",
    "env_subset": "gitmigrate.api.subsets",
    "SubsetResult": "gitmigrate.api.subsets",
    "data_validate": "gitmigrate.api.data",
    "data_verify": "gitmigrate.api.data",
    "diff": "gitmigrate.api.reading",
    "fetch": "gitmigrate.api.planning",
    "init": "gitmigrate.api.authoring",
    "kinds": "gitmigrate.api.authoring",
    "list_migrations": "gitmigrate.api.reading",
    "log": "gitmigrate.api.reading",
    "plan": "gitmigrate.api.planning",
    "PlatformStepAdded": "gitmigrate.api.platform_steps",
    "platform_convert_compose": "gitmigrate.api.platform_steps",
    "platform_convert_terraform": "gitmigrate.api.platform_steps",
    "pre_push": "gitmigrate.api.planning",
    "push": "gitmigrate.api.planning",
    "repair": "gitmigrate.api.repairing",
    "resume": "gitmigrate.api.running",
    "review": "gitmigrate.api.planning",
    "rollback": "gitmigrate.api.running",
    "schema_diff": "gitmigrate.api.schema",
    "schema_drift": "gitmigrate.api.schema",
    "schema_inspect": "gitmigrate.api.schema",
    "schema_lint": "gitmigrate.api.schema",
    "show": "gitmigrate.api.reading",
    "start": "gitmigrate.api.authoring",
    "status": "gitmigrate.api.running",
    "verify": "gitmigrate.api.running",
    "watch_status": "gitmigrate.api.running",
    "HealthReport": "gitmigrate.envs.health",
    "SecretsCheck": "gitmigrate.envs.secrets",
    "SecretsCopy": "gitmigrate.api.env_secrets",
    "env_secrets_check": "gitmigrate.api.env_secrets",
    "env_secrets_copy": "gitmigrate.api.env_secrets",
    "SplitReport": "gitmigrate.platform.split_model",
    "platform_split": "gitmigrate.api.platform_boundaries",
}

_SUBMODULES = frozenset(
    {
        "api_reports",
        "api_steps",
        "authoring",
        "config",
        "config_query",
        "config_secrets",
        "data",
        "env_drift",
        "interrupts",
        "planning",
        "platform_boundaries",
        "platform_inventory",
        "platform_steps",
        "progress",
        "reading",
        "repairing",
        "running",
        "schema",
    }
)

# its module has the function's name: bound now (the module imports nothing heavy), since a
# lazy name would be shadowed by the submodule once anything imports it
from gitmigrate.api.env_checks import add_env_step, env_health  # noqa: E402


def __getattr__(name: str) -> Any:
    """The API's names, each imported from its module on first use (PEP 562): a command that
    calls one function loads only what that function needs."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _LAZY.get(name)
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
