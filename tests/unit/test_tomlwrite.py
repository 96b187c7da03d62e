"""tomlwrite writes what tomllib reads back unchanged."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from gitmigrate.core import tomlwrite

DOCUMENTS: list[dict[str, Any]] = [
    {"name": "users", "description": "", "created": "2024-01-02T03:04:05+00:00"},
    {"kind": "sql", "summary": 'quotes " and \\ backslash\nnewline\ttab', "irreversible": "é ✓"},
    {"n": 3, "f": 1.5, "yes": True, "no": False, "list": ["a", "b"], "nums": [1, 2]},
    {"migrate": {"default_target": "dev", "dialect": "sqlite"}, "top": "x"},
    {"weird key": 1, "dotted.key": "v", "table": {"inner key": "w"}},
    {"targets.dev": {"url": "sqlite:///.gitmigrate/dev.db"}},
    {"kind": "data", "options": {"map": {"Album": "album", "a b": "c"}, "keys": {"t": ["k"]}}},
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_round_trip(document: dict[str, Any]) -> None:
    assert tomllib.loads(tomlwrite.dumps(document)) == document


def test_none_values_are_left_out() -> None:
    assert tomllib.loads(tomlwrite.dumps({"a": None, "b": 1, "t": {"c": None}})) == {
        "b": 1,
        "t": {},
    }


def test_unsupported_types_are_refused() -> None:
    with pytest.raises(TypeError):
        tomlwrite.dumps({"a": object()})
