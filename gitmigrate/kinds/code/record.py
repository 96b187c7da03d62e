"""What a code step did, kept in its findings.json (the table `plan` and `review` show, and the
note is computed from): the files changed with their diff stats, rewrites per rule, every
finding (rewrites and cases flagged for manual review) and the files skipped.

    {"recipe": "pydantic2", "scanned": 40,
     "changed": {"app/models.py": [12, 9]},          # path -> [lines added, lines removed]
     "digests": {"app/models.py": "<sha256>"},       # path -> sha256 of the bytes it became
     "applied": {"BP001": 3},
     "findings": [{"path": ..., "line": ..., "column": ..., "rule": ..., "message": ...,
                   "fixable": true}],
     "skipped": [["app/broken.py", "does not parse: app/broken.py:3:0: ..."]]}
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.codemods.recipe import Finding
from gitmigrate.core.model import Step

FINDINGS_FILE = "findings.json"


@dataclass(frozen=True)
class Recorded:
    recipe: str
    scanned: int
    changed: dict[str, tuple[int, int]]
    applied: dict[str, int]
    findings: tuple[Finding, ...]
    skipped: tuple[tuple[str, str], ...]
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def flagged(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.fixable)

    @property
    def rewrites(self) -> int:
        return sum(self.applied.values())

    def stats(self) -> tuple[int, int]:
        return (sum(a for a, _ in self.changed.values()), sum(r for _, r in self.changed.values()))

    def dump(self) -> bytes:
        body = {
            "recipe": self.recipe,
            "scanned": self.scanned,
            "changed": {p: list(s) for p, s in sorted(self.changed.items())},
            "digests": dict(sorted(self.digests.items())),
            "applied": dict(sorted(self.applied.items())),
            "findings": [f.to_json() for f in self.findings],
            "skipped": [list(s) for s in self.skipped],
        }
        return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def diff_stats(old: str, new: str) -> tuple[int, int]:
    added = removed = 0
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def text_diff(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """The unified diff of the changed files (what `code add --print` shows)."""
    out: list[str] = []
    for path in sorted(new):
        a = old.get(path, "").splitlines(keepends=True)
        b = new[path].splitlines(keepends=True)
        for line in difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def recorded(step: Step) -> Recorded:
    """The step's findings.json (an empty record when the file is missing)."""
    raw = step.files.get(FINDINGS_FILE)
    body: dict[str, Any] = json.loads(raw) if raw else {}
    return Recorded(
        recipe=str(body.get("recipe", step.options.get("recipe", ""))),
        scanned=int(body.get("scanned", 0)),
        changed={p: (int(s[0]), int(s[1])) for p, s in body.get("changed", {}).items()},
        applied={str(k): int(v) for k, v in body.get("applied", {}).items()},
        findings=tuple(
            Finding(
                str(f["path"]),
                int(f["line"]),
                int(f["column"]),
                str(f["rule"]),
                str(f["message"]),
                bool(f["fixable"]),
            )  # fmt: skip
            for f in body.get("findings", [])
        ),
        skipped=tuple((str(p), str(w)) for p, w in body.get("skipped", [])),
        digests={str(p): str(d) for p, d in body.get("digests", {}).items()},
    )
