"""What an api step found when it was authored, kept in its findings.json so plan, review and
the pre-push hook read a step's breaking changes without loading a spec:

    {"base": "main:openapi.yaml", "revision": "openapi.yaml",
     "changes": [<ApiChange.to_json()>, ...],       # every change diff_specs reported
     "manual": ["api-removed-without-deprecation at GET /pets/{id}", ...],   # adapter: unmapped
     "outputs": {"docs/api/guide.md": "<sha256>"},  # the bytes each project file became
     "deprecated": {"where": "paths./pets/{id}.get", "operation": "GET /pets/{id}"}}

An adapter step also keeps a copy of what it wrote under outputs/ (`<path>.out`; a guide step its
guide),
so `apply --target TREE` writes the same bytes into an outside tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.model import Step

FINDINGS_FILE = "findings.json"
OUTPUTS_DIR = "outputs/"
# copies end in .out so test runners and linters of the project never pick them up
COPY_SUFFIX = ".out"


@dataclass(frozen=True)
class RecordedChange:
    """One change as recorded (the JSON of an ApiChange: no spec needed to read it back)."""

    id: str
    level: str
    text: str
    operation: str = ""
    path: str = ""

    @property
    def key(self) -> str:
        return f"{self.id} at {self.operation or self.path or '*'}"


@dataclass(frozen=True)
class Recorded:
    base: str = ""
    revision: str = ""
    changes: tuple[RecordedChange, ...] = ()
    raw_changes: tuple[dict[str, Any], ...] = ()
    manual: tuple[str, ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)
    deprecated: dict[str, str] = field(default_factory=dict)

    @property
    def breaking(self) -> tuple[RecordedChange, ...]:
        return tuple(c for c in self.changes if c.level == "error")

    def dump(self) -> bytes:
        body = {
            "base": self.base,
            "revision": self.revision,
            "changes": list(self.raw_changes),
            "manual": list(self.manual),
            "outputs": dict(sorted(self.outputs.items())),
            "deprecated": self.deprecated,
        }
        return (json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n").encode()


def changes_of(raw: list[dict[str, Any]]) -> tuple[RecordedChange, ...]:
    return tuple(
        RecordedChange(
            str(c.get("id", "")),
            str(c.get("level", "info")),
            str(c.get("text", "")),
            str(c.get("operation", "")),
            str(c.get("path", "")),
        )  # fmt: skip
        for c in raw
    )


def recorded(step: Step) -> Recorded:
    """The step's findings.json (an empty record when the file is missing)."""
    raw = step.files.get(FINDINGS_FILE)
    body: dict[str, Any] = json.loads(raw) if raw else {}
    changes = [c for c in body.get("changes", []) if isinstance(c, dict)]
    return Recorded(
        base=str(body.get("base", "")),
        revision=str(body.get("revision", "")),
        changes=changes_of(changes),
        raw_changes=tuple(changes),
        manual=tuple(str(m) for m in body.get("manual", [])),
        outputs={str(p): str(d) for p, d in body.get("outputs", {}).items()},
        deprecated={str(k): str(v) for k, v in (body.get("deprecated") or {}).items()},
    )


def copy_name(path: str) -> str:
    """The step file that keeps a copy of project file `path`."""
    return f"{OUTPUTS_DIR}{path}{COPY_SUFFIX}"


def output_copies(step: Step) -> dict[str, bytes]:
    """The copies of the written files kept in the step (path in the project -> bytes)."""
    return {
        name[len(OUTPUTS_DIR) : -len(COPY_SUFFIX)]: body
        for name, body in step.files.items()
        if name.startswith(OUTPUTS_DIR) and name.endswith(COPY_SUFFIX)
    }
