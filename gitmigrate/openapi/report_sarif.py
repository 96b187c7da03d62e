"""`api diff` as SARIF 2.1.0 (code scanning, editors), in the style of codemods/sarif.py: the
ids reported are the tool's rules (oasdiff's description from rules.tsv), each change a result
("error" / "warning" / "note"), located at the changed element's file:line:col when the spec
loader knew it, else at the spec file, with the operation as a logical location."""

from __future__ import annotations

import json
from typing import Any

from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.report import DiffReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
TOOL = "git-migrate api diff"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _description(rule_id: str) -> str:
    from gitmigrate.openapi.rules import rule

    try:
        return rule(rule_id).description or rule_id
    except KeyError:
        return rule_id


def _location(change: ApiChange, fallback: str) -> dict[str, Any]:
    uri, region = fallback, None
    if change.source:
        parts = change.source.rsplit(":", 2)
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            uri = parts[0]
            region = {"startLine": max(int(parts[1]), 1), "startColumn": max(int(parts[2]), 1)}
        else:
            uri = change.source
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if change.operation:
        location["logicalLocations"] = [{"name": change.operation, "kind": "function"}]
    return location


def sarif_log(report: DiffReport, version: str = "") -> dict[str, Any]:
    ids = sorted({c.id for c in report.changes})
    order = {rule_id: n for n, rule_id in enumerate(ids)}
    driver: dict[str, Any] = {
        "name": TOOL,
        "informationUri": "https://github.com/git-migrate/git-migrate",
        "rules": [{"id": i, "shortDescription": {"text": _description(i)}} for i in ids],
    }
    if version:
        driver["version"] = version
    fallback = report.revision.split(":", 1)[-1]
    results = [
        {
            "ruleId": c.id,
            "ruleIndex": order[c.id],
            "level": _LEVEL[c.level],
            "message": {"text": f"{c.operation}: {c.text}" if c.operation else c.text},
            "locations": [_location(c, fallback)],
            "properties": {"check": c.check, **({"details": dict(c.details)} if c.details else {})},
        }
        for c in report.changes
    ]
    return {"$schema": SCHEMA, "version": VERSION,
            "runs": [{"tool": {"driver": driver}, "results": results}]}  # fmt: skip


def as_sarif(report: DiffReport) -> str:
    from gitmigrate import __version__

    return (
        json.dumps(sarif_log(report, __version__), indent=2, ensure_ascii=False, default=str) + "\n"
    )
