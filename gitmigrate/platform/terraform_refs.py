"""References to converted resources (``aws_s3_bucket.logs.arn``) rewritten to the target's.

The rewrite runs over expression text only: comment spans are skipped, so a commented-out
reference stays as written. A reference to an attribute with no recorded equivalent is left and
reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_REF = re.compile(
    r"(?<![\w.\-])(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[[^\]\n]*\])?)(?:\.([A-Za-z_]\w*))?"
)


@dataclass(frozen=True)
class Target:
    """Where references to one converted source resource go."""

    primary: str  # "google_storage_bucket.logs"
    refs: dict[str, str]  # source attribute -> "type.label.attribute"


@dataclass
class RefMap:
    targets: dict[str, Target] = field(default_factory=dict)  # "aws_s3_bucket.logs" -> Target


@dataclass(frozen=True)
class Unresolved:
    offset: int
    reference: str
    reason: str


def rewrite(
    text: str, refs: RefMap, skip: list[tuple[int, int]] | None = None
) -> tuple[str, list[Unresolved]]:
    """``text`` with every known reference rewritten, and the references that could not be."""
    unresolved: list[Unresolved] = []
    spans = skip or []

    def sub(m: re.Match[str]) -> str:
        if any(a <= m.start() < b for a, b in spans):
            return m.group(0)
        target = refs.targets.get(f"{m.group(1)}.{m.group(2)}")
        if target is None:
            return m.group(0)
        index, attr = m.group(3), m.group(4)
        if attr is None:
            return target.primary + index
        mapped = target.refs.get(attr)
        if mapped is None:
            reason = (
                f"no equivalent of .{attr} recorded on {target.primary}: rewrite this reference"
            )
            unresolved.append(Unresolved(m.start(), m.group(0), reason))
            return m.group(0)
        ref_type, label, ref_attr = mapped.split(".")
        return f"{ref_type}.{label}{index}.{ref_attr}"

    return _REF.sub(sub, text), unresolved
