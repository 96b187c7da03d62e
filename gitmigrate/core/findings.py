"""A lint finding as a plain value, in a module that imports nothing heavy: the pre-push hook
and `review` read cached findings without loading the linter (whose import loads sqlglot)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class LintFinding:
    """One problem in one statement. `statement` is its first 80 characters."""

    rule: str
    severity: Severity
    line: int
    column: int
    statement: str
    message: str
    fix: str
    file: str = "<sql>"
    allowed: bool = False

    @property
    def blocking(self) -> bool:
        return self.severity == "error" and not self.allowed

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "statement": self.statement,
            "message": self.message,
            "fix": self.fix,
            "allowed": self.allowed,
            "blocking": self.blocking,
        }
