"""The repository stands alone: what its tests and docs need lives in it (issue 12, defect 12).

A user's clone has no `../shared/` beside it. Only the peers' conformance cases may live there,
and the tests that use them skip with a reason when it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests import chinook

REPO = Path(__file__).resolve().parents[2]
# anything that climbs out of the repository to the peers' folder
OUTSIDE = re.compile(r"\.\./shared\b|parents\[\d\]\s*/\s*\"shared\"|\.parent\s*/\s*\"shared\"")


def test_chinook_lives_in_the_repository_with_its_license() -> None:
    assert chinook.DATASET.is_relative_to(REPO)
    for script in chinook.SCRIPTS.values():
        assert (chinook.DATASET / script).is_file(), script
    assert "MIT" in (chinook.DATASET / "LICENSE.md").read_text(encoding="utf-8")


def test_no_doc_points_outside_the_repository() -> None:
    docs = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in docs
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "../shared" in line and "conformance" not in line
    ]
    assert offenders == []


def test_only_the_conformance_cases_are_read_from_outside() -> None:
    """Test code may look for `../shared/conformance` (and skip without it), nothing else."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "tests").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line) and "conformance" not in line and path.name != Path(__file__).name
    ]
    assert offenders == []
