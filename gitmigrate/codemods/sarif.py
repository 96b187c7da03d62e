"""Findings as SARIF 2.1.0 (what GitHub code scanning and editors read): one run per recipe,
its rules as the tool's rules, each finding a result ("warning" when a rule can rewrite it,
"error" when a person must decide), locations 1-based as SARIF wants (columns too)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gitmigrate.codemods.recipe import Finding, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
TOOL = "git-migrate code"


def sarif_log(
    runs: Sequence[tuple[str, Iterable[Rule], Iterable[Finding]]], version: str = ""
) -> dict[str, Any]:
    """(recipe name, its rules, its findings) per run -> a SARIF log (JSON-able)."""
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [_run(name, rules, findings, version) for name, rules, findings in runs],
    }


def _run(name: str, rules: Iterable[Rule], findings: Iterable[Finding], version: str) -> Any:
    listed = list(rules)
    order = {rule.id: number for number, rule in enumerate(listed)}
    driver: dict[str, Any] = {
        "name": f"{TOOL} ({name})",
        "informationUri": "https://github.com/git-migrate/git-migrate",
        "rules": [
            {
                "id": rule.id,
                "shortDescription": {"text": rule.summary},
                "properties": {"fixable": rule.fixable, "optIn": rule.opt_in},
            }
            for rule in listed
        ],
    }
    if version:
        driver["version"] = version
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": "warning" if finding.fixable else "error",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": max(finding.line, 1),
                            "startColumn": finding.column + 1,
                        },
                    }
                }
            ],
            "properties": {"fixable": finding.fixable},
        }
        if finding.rule in order:
            result["ruleIndex"] = order[finding.rule]
        results.append(result)
    return {"tool": {"driver": driver}, "results": results}
