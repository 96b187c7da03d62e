"""A config step's [options]: each operation's required options, paths kept inside the tree,
and the step.toml form read back as it was written."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from gitmigrate.core import tomlwrite
from gitmigrate.errors import UsageError
from gitmigrate.kinds.config.options import options_of


@pytest.mark.parametrize(
    "raw",
    [
        {"op": "set", "file": "a.yaml", "key": "a.b", "value": 8080},
        {"op": "set", "file": "a.yaml", "key": "a.b", "null": True},
        {"op": "set", "file": "a.toml", "key": "l", "value": [1, {"x": "y"}]},
        {"op": "unset", "file": "a.json", "key": "a"},
        {"op": "rename", "file": "a.ini", "key": "s.k", "new_key": "k2"},
        {"op": "move", "file": ".env", "key": "A", "new_key": "B", "target": "deployed"},
        {"op": "convert", "file": "a.json", "to": "yaml", "lossy": True},
        {"op": "merge", "sources": ["a.yaml", "b.yaml"], "out": "c.yaml", "schema": "s.json"},
        {"op": "encrypt", "file": "s.yaml", "keys": "^pass", "age": ["age1x"]},
    ],
)
def test_options_survive_step_toml(raw: dict[str, Any]) -> None:
    options = options_of(raw)
    again = options_of(tomllib.loads(tomlwrite.dumps({"options": options.to_toml()}))["options"])
    assert again == options
    assert again.to_toml() == raw


def test_null_is_a_value_of_its_own() -> None:
    options = options_of({"op": "set", "file": "a.yaml", "key": "k", "null": True})
    assert options.value is None and options.has_value


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"op": "frobnicate"}, "op must be one of"),
        ({"op": "set", "file": "a.yaml", "key": "k"}, "needs the option(s) value"),
        ({"op": "rename", "file": "a.yaml", "key": "k"}, "new_key"),
        ({"op": "merge", "sources": ["a.yaml"]}, "out"),
        ({"op": "convert", "file": "a.json", "to": "xml"}, "unknown format 'xml'"),
        ({"op": "unset", "file": "../etc/passwd.ini", "key": "k"}, "outside the repository"),
        ({"op": "unset", "file": "/etc/x.yaml", "key": "k"}, "outside the repository"),
        ({"op": "unset", "file": ".git/config.ini", "key": "k"}, "outside the repository"),
        ({"op": "unset", "file": 3, "key": "k"}, "file must be a string"),
    ],
)
def test_bad_options_name_the_problem(raw: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as caught:
        options_of(raw)
    assert words in caught.value.message


def test_outputs_of_a_convert() -> None:
    replace = options_of({"op": "convert", "file": "conf/app.json", "to": "yaml"})
    assert replace.converted_path == "conf/app.yaml" and replace.replaces_source
    assert replace.outputs == ("conf/app.json", "conf/app.yaml")
    keep = options_of({"op": "convert", "file": "app.json", "to": "toml", "out": "x/app.toml"})
    assert keep.outputs == ("x/app.toml",) and not keep.replaces_source


def test_flags_from_add_config_are_text() -> None:
    raw = {"op": "convert", "file": "a.json", "to": "yaml", "lossy": "false"}
    assert options_of(raw).lossy is False
    assert options_of({**raw, "lossy": "true"}).lossy is True
