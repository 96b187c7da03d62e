"""The loss report is exact on files in any layout (not only the canonical one): converting
each config fixture to every other format and back parses, and every value that came back
different sits under a reported loss; comments come back unless a loss says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.files.convert import convert
from gitmigrate.files.diff import diff_data
from gitmigrate.files.document import load, loads
from gitmigrate.files.formats import FORMATS, format_of

CONFIG = Path(__file__).resolve().parents[2] / "fixtures" / "config"
SOURCES = sorted(
    p
    for p in [
        *CONFIG.glob("formats/*.*"),
        *CONFIG.glob("layers/*.*"),
        *CONFIG.glob("roundtrip/*.*"),
    ]
    if p.suffix in (".yaml", ".json", ".toml", ".ini", ".env")
)
CASES = [(path, to) for path in SOURCES for to in FORMATS if to != format_of(path)]


@pytest.mark.parametrize(
    ("path", "to"), CASES, ids=[f"{p.parent.name}/{p.name}->{to}" for p, to in CASES]
)
def test_every_difference_is_a_reported_loss(path: Path, to: str) -> None:
    original = load(path)
    there = convert(original, to, lossy=True)
    back = convert(loads(there.text, to), original.format, lossy=True)
    returned = loads(back.text, original.format)
    lost = [loss.path for loss in there.losses]
    reasons = " ".join(loss.reason for loss in (*there.losses, *back.losses))
    for change in diff_data(original.data, returned.data):
        covered = any(
            change.path[: len(p)] == p or p[: len(change.path)] == change.path for p in lost
        )
        flattened = change.what == "added" and str(change.path[-1]) in reasons
        assert covered or flattened, f"{change} not reported converting {path.name} to {to}"
    if "comment" not in reasons:
        assert sorted(c.text.strip() for c in returned.comments) == sorted(
            c.text.strip() for c in original.comments
        )
