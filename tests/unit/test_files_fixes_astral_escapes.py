"""A character outside the Basic Multilingual Plane that is not printable (an unassigned code
point, a plane-14 tag) is escaped as \\UXXXXXXXX: \\uXXXX takes four hex digits, so `\\u18cd6`
read back as U+18CD followed by "6"."""

from __future__ import annotations

import tomllib

import pytest

from gitmigrate.files import edit
from gitmigrate.files.document import loads
from gitmigrate.files.scalars import render_scalar

ODD = ["\U00018cd6", "a\U000e0001b", "\x7f\U0010fffe"]


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_set_writes_what_reads_back(value: str, fmt: str) -> None:
    doc = loads('k = "0"\n' if fmt == "toml" else 'k: "0"\n', fmt)
    after = edit.set_value(doc, ("k",), value)
    assert loads(after, fmt).get(("k",)) == value


@pytest.mark.parametrize("value", ODD)
def test_toml_literal_is_what_tomllib_reads(value: str) -> None:
    assert tomllib.loads("v = " + render_scalar(value, "toml"))["v"] == value
