"""Generated data with awkward strings, keys and values, rendered in each format: the output
always parses (lossy mode writes a readable file, whatever it had to give up), and every value
that reads back different is under a reported loss (or under a name a loss says it wrote)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from gitmigrate.files.convert import render_data
from gitmigrate.files.diff import diff_data
from gitmigrate.files.document import loads
from gitmigrate.files.formats import FORMATS

STRINGS = [
    "", " lead", "trail ", "a: b", "a #b", "#x", "- x", "yes", "No", "null", "~", "1", "1.5",
    "0x1f", "1e3", "2024-01-02", "line\nline", "line\n", "\nlead", "tab\there", "quote'",
    'dq"', "back\\slash", "ünï", "emoji 😀", "[x]", "{y}", "a,b", "*star", "&amp", "!bang",
    "%pct", "@at", "x=y", "  ", "\u2028", "ctrl\x01", "$HOME", "${X}", "'q'", '"dq"', ".inf",
    "-", "?", ":", "=", "<<", "true", "a;b", "x # y",
]  # fmt: skip
KEYS = ["a", "b.c", "with space", "ü", "1", "true", "x-y", "UPPER", "a=b", "k:v", "[s]", "#h"]
OTHER = [0, -1, 2**70, 1.5, float("inf"), True, False, None, dt.date(2024, 1, 2)]


def _tree(rng: random.Random, depth: int) -> Any:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(STRINGS) if rng.random() < 0.6 else rng.choice(OTHER)
    if rng.random() < 0.5:
        return [_tree(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(KEYS): _tree(rng, depth - 1) for _ in range(rng.randint(0, 4))}


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("to", FORMATS)
def test_generated_data_reads_back_except_where_a_loss_says(seed: int, to: str) -> None:
    rng = random.Random(seed)
    data = {rng.choice(KEYS): _tree(rng, 3) for _ in range(4)}
    out = render_data(data, to, lossy=True)
    back = loads(out.text, to).data
    lost = [loss.path for loss in out.losses]
    reasons = " ".join(loss.reason for loss in out.losses)
    for change in diff_data(data, back):
        covered = any(
            change.path[: len(p)] == p or p[: len(change.path)] == change.path for p in lost
        )
        renamed = change.what == "added" and any(str(part) in reasons for part in change.path)
        assert covered or renamed, f"{change} not reported; {to} text:\n{out.text}"
