"""Characters Python calls unprintable are escaped in YAML double-quoted and TOML basic strings;
past U+FFFF the escape needs eight hex digits (\\U), or the reader sees a BMP character and a
stray digit (found by tests/unit/test_files_property.py)."""

from __future__ import annotations

import pytest

from gitmigrate.files.document import loads
from gitmigrate.files.scalars import render_scalar

TEXTS = ["\U00018cd6", "a\u200bb", "\x7f", "\x85x", "\U000e0001 tag"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("format", "prefix"), [("yaml", "k: "), ("toml", "k = ")])
def test_files_escapes_read_back(text: str, format: str, prefix: str) -> None:
    literal = render_scalar(text, format)
    assert loads(f"{prefix}{literal}\n", format).data["k"] == text
