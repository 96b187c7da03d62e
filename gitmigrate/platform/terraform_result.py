"""What ``convert_terraform`` returns: the new texts, what converted, what a person must decide."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Converted:
    """One source resource and the target resources written for it."""

    source: str  # "aws_s3_bucket.logs"
    targets: tuple[str, ...]  # ("google_storage_bucket.logs",)
    where: str  # "main.tf:3:1"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "targets": list(self.targets), "where": self.where}


@dataclass(frozen=True)
class NeedsPerson:
    """Something not converted, or converted with a guess, and why: for a person to decide."""

    where: str
    resource: str
    item: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {
            "where": self.where,
            "resource": self.resource,
            "item": self.item,
            "reason": self.reason,
        }


@dataclass
class TerraformConversion:
    """The result: new texts of the changed files (paths relative to the root given), the lists."""

    files: dict[str, str]  # path relative to root -> new text (changed files only)
    converted: list[Converted] = field(default_factory=list)
    needs_person: list[NeedsPerson] = field(default_factory=list)
    untouched_blocks: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": sorted(self.files),
            "converted": [c.to_json() for c in self.converted],
            "needs_person": [n.to_json() for n in self.needs_person],
            "untouched_blocks": self.untouched_blocks,
        }
