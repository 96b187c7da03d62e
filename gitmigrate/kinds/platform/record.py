"""What a platform step generated, kept in its findings.json so plan, review and verify read it
without running a converter again:

    {"op": "compose-to-k8s",
     "outputs": {"k8s/web-deployment.yaml": "<sha256>"},   # the bytes each file became
     "created": ["k8s/web-deployment.yaml"],               # files that did not exist before
     "resources": ["Deployment/web", "Service/web"],        # compose-to-k8s: what was generated
     "dropped": [{"key": "services.web.cap_add", "where": "docker-compose.yml:7:5",
                  "reason": "..."}],                        # every Compose key not converted
     "notes": ["depends_on -> an init container that waits for db:5432"],
     "converted": ["aws_s3_bucket.assets -> google_storage_bucket.assets"],   # terraform
     "needs_person": ["aws_iam_role.app: IAM is not mapped"],
     "untouched_blocks": 12}

The step also keeps a copy of each file it wrote under outputs/ (`<path>.out`), so
`apply --target TREE` writes the same bytes into an outside tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.model import Step

FINDINGS_FILE = "findings.json"
OUTPUTS_DIR = "outputs/"
COPY_SUFFIX = ".out"  # so kubectl, terraform and linters of the project never pick a copy up


@dataclass(frozen=True)
class DroppedKey:
    key: str
    where: str
    reason: str

    def text(self) -> str:
        return (
            f"{self.key} ({self.where}): {self.reason}"
            if self.where
            else f"{self.key}: {self.reason}"
        )


@dataclass(frozen=True)
class Recorded:
    op: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    created: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    dropped: tuple[DroppedKey, ...] = ()
    notes: tuple[str, ...] = ()
    converted: tuple[str, ...] = ()
    needs_person: tuple[str, ...] = ()
    untouched_blocks: int | None = None

    def dump(self) -> bytes:
        body: dict[str, Any] = {
            "op": self.op,
            "outputs": dict(sorted(self.outputs.items())),
            "created": sorted(self.created),
            "resources": list(self.resources),
            "dropped": [{"key": d.key, "where": d.where, "reason": d.reason} for d in self.dropped],
            "notes": list(self.notes),
            "converted": list(self.converted),
            "needs_person": list(self.needs_person),
        }
        if self.untouched_blocks is not None:
            body["untouched_blocks"] = self.untouched_blocks
        return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def recorded(step: Step) -> Recorded:
    """The step's findings.json (an empty record when the file is missing)."""
    raw = step.files.get(FINDINGS_FILE)
    body: dict[str, Any] = json.loads(raw) if raw else {}
    untouched = body.get("untouched_blocks")
    return Recorded(
        op=str(body.get("op", step.options.get("op", ""))),
        outputs={str(p): str(d) for p, d in body.get("outputs", {}).items()},
        created=tuple(str(p) for p in body.get("created", [])),
        resources=tuple(str(r) for r in body.get("resources", [])),
        dropped=tuple(
            DroppedKey(str(d.get("key", "")), str(d.get("where", "")), str(d.get("reason", "")))
            for d in body.get("dropped", [])
            if isinstance(d, dict)
        ),  # fmt: skip
        notes=tuple(str(n) for n in body.get("notes", [])),
        converted=tuple(str(c) for c in body.get("converted", [])),
        needs_person=tuple(str(n) for n in body.get("needs_person", [])),
        untouched_blocks=int(untouched) if isinstance(untouched, int) else None,
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
