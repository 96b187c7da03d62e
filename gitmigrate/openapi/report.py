"""An `api diff` result and its renderings: text (people), markdown (pull requests), json
(scripts), junit (CI test reports), sarif (code scanning). Each renderer is a pure function of
the report, in its own module; `render` picks one by name.

    report = DiffReport("main:openapi.yaml", "openapi.yaml", tuple(changes), fail_on="error")
    print(render(report, "markdown")); sys.exit(3 if report.blocking else 0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.openapi.model import LEVEL_RANK, SHORT, ApiChange, Level

FORMATS = ("text", "markdown", "json", "junit", "sarif")


@dataclass(frozen=True)
class DiffReport:
    """The changes from `base` to `revision` (as the user named them), sorted as diff_specs
    sorts them, and the level at which they block (`fail_on`)."""

    base: str
    revision: str
    changes: tuple[ApiChange, ...]
    fail_on: Level = "error"

    @property
    def blocking(self) -> tuple[ApiChange, ...]:
        rank = LEVEL_RANK[self.fail_on]
        return tuple(c for c in self.changes if LEVEL_RANK[c.level] >= rank)

    def count(self, level: str) -> int:
        return sum(1 for c in self.changes if c.level == level)

    def summary(self) -> str:
        return (
            f"{self.count('error')} breaking (ERR), {self.count('warning')} potentially breaking"
            f" (WARN), {self.count('info')} other (INFO)"
        )

    def render(self, fmt: str) -> str:
        return render(self, fmt)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "revision": self.revision,
            "fail_on": SHORT[self.fail_on],
            "blocked": bool(self.blocking),
            "counts": {SHORT[lv]: self.count(lv) for lv in ("error", "warning", "info")},
            "changes": [c.to_json() for c in self.changes],
        }


def render(report: DiffReport, fmt: str) -> str:
    """The report in format `fmt` (one of FORMATS), as text ending in a newline."""
    renderers: dict[str, Callable[[DiffReport], str]]
    from gitmigrate.openapi.report_formats import as_json, as_markdown, as_text
    from gitmigrate.openapi.report_junit import as_junit
    from gitmigrate.openapi.report_sarif import as_sarif

    renderers = {"text": as_text, "markdown": as_markdown, "json": as_json, "junit": as_junit,
                 "sarif": as_sarif}  # fmt: skip
    if fmt not in renderers:
        raise UsageError(f"unknown format {fmt!r}", f"give one of {', '.join(FORMATS)}")
    return renderers[fmt](report)
