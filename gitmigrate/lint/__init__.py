"""Migration linter: findings per statement with rule id, severity, why and the safe way.

    from gitmigrate.lint import lint_sql, lint_step, blocking, LintOptions
    findings = lint_sql(sql, "postgresql", options=LintOptions(pg_version=16))

Rules live in `gitmigrate.lint.rules` (one module per family) and are listed in
`gitmigrate.lint.registry`; docs/lint-rules.md describes every rule and docs/lint-mapping.md maps
Squawk's and Bytebase's rule ids to ours. No database connection is ever used.
"""

from __future__ import annotations

from gitmigrate.lint.engine import active_rules, blocking, lint_sql, lint_step, runs_in_transaction
from gitmigrate.lint.model import LintFinding, LintOptions, Rule
from gitmigrate.lint.registry import all_rules

__all__ = [
    "LintFinding",
    "LintOptions",
    "Rule",
    "active_rules",
    "all_rules",
    "blocking",
    "lint_sql",
    "lint_step",
    "runs_in_transaction",
]
