"""`api diff` as text (one block per change, the summary last), Markdown (a table per level,
for a pull request comment) and JSON (the report's to_json)."""

from __future__ import annotations

import json

from gitmigrate.openapi.model import SHORT, ApiChange
from gitmigrate.openapi.report import DiffReport

_LEVELS = ("error", "warning", "info")
_HEADINGS = {"error": "Breaking (ERR)", "warning": "Potentially breaking (WARN)",
             "info": "Other changes (INFO)"}  # fmt: skip


def _where(change: ApiChange) -> str:
    return change.operation or "(whole spec)"


def as_text(report: DiffReport) -> str:
    lines: list[str] = []
    for change in report.changes:
        source = f"  ({change.source})" if change.source else ""
        lines.append(f"{SHORT[change.level]:<4} {change.id}  {_where(change)}{source}")
        lines.append(f"     {change.text}")
    if not report.changes:
        lines.append(f"no changes from {report.base} to {report.revision}")
    lines.append(f"{report.base} -> {report.revision}: {report.summary()}")
    if report.blocking:
        lines.append(
            f"{len(report.blocking)} change(s) at or above {SHORT[report.fail_on]} (--fail-on)"
        )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(report: DiffReport) -> str:
    out = [f"## API changes: `{report.base}` → `{report.revision}`", "", report.summary() + ".", ""]
    for level in _LEVELS:
        rows = [c for c in report.changes if c.level == level]
        if not rows:
            continue
        out += [f"### {_HEADINGS[level]}", "", "| operation | id | change |", "|---|---|---|"]
        out += [f"| `{_cell(_where(c))}` | `{c.id}` | {_cell(c.text)} |" for c in rows]
        out.append("")
    if not report.changes:
        out += ["No changes.", ""]
    return "\n".join(out)


def as_json(report: DiffReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str) + "\n"
