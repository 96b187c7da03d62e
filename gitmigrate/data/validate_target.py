"""`git migrate data validate` as one library call: rules file + target -> report.

The rules file is read and checked before connecting, and the tables, columns and patterns
it names are checked against the target before any rule runs, so bad input changes nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gitmigrate.core.config import ProjectConfig
from gitmigrate.data.rules import load_rules
from gitmigrate.data.validate import ValidationReport, check_rules_against_schema, validate
from gitmigrate.engine.target import open_database_target


def validate_target(
    config: ProjectConfig,
    target_name: str | None,
    rules_path: Path,
    *,
    threshold: int | None = None,
    sample: int = 5,
) -> ValidationReport:
    """Run the rules of `rules_path` on a target; `threshold` overrides the file's."""
    rules = load_rules(rules_path)
    if threshold is not None:
        rules = rules.with_threshold(threshold)
    target = open_database_target(config, target_name, "read")
    try:
        with target.engine.connect() as conn:
            check_rules_against_schema(conn, rules)
            report = validate(conn, rules, sample=sample)
    finally:
        target.engine.dispose()
    return dataclasses.replace(report, target=target.name)
