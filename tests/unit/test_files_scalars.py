"""CLI values read as YAML 1.2 core schema, scalar literals per format (keeping the quoting
of the literal they replace), and block rendering of new values, each read back by the
format's own parser."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.document import loads
from gitmigrate.files.render import render_value
from gitmigrate.files.scalars import parse_cli_value, render_key, render_scalar


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8080", 8080),
        ("-3", -3),
        ("0x1F", 31),
        ("0o17", 15),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("yes", "yes"),  # YAML 1.2: a string
        ("007x", "007x"),
        ("[1, 2]", [1, 2]),
        ('{"a": {"b": null}}', {"a": {"b": None}}),
        ("hello world", "hello world"),
        ("2024-01-02", "2024-01-02"),
    ],
)
def test_parse_cli_value(text: str, value: Any) -> None:
    assert parse_cli_value(text, "yaml") == value
    assert type(parse_cli_value(text, "toml")) is type(value)
    assert parse_cli_value(text, "env") == text
    assert parse_cli_value(text, "ini") == text


def test_parse_cli_value_special_floats_and_bad_json() -> None:
    assert parse_cli_value(".inf", "yaml") == math.inf
    assert parse_cli_value("-.inf", "yaml") == -math.inf
    assert math.isnan(parse_cli_value(".nan", "yaml"))
    with pytest.raises(UsageError, match="not valid JSON"):
        parse_cli_value("[1, 2", "yaml")


VALUES: list[Any] = [
    "plain",
    "with: colon",
    "# hash",
    "yes",
    "123",
    "1.0",
    "",
    " padded ",
    "it's",
    'say "hi"',
    "multi\nline\n",
    "tab\tin",
    "Grüß 你好",
    "null",
    "-dash",
    "@at",
    42,
    12345678901234567890,
    -1.25,
    True,
    False,
    dt.date(2024, 1, 2),
    dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml", "env"])
def test_render_scalar_reads_back(fmt: str, value: Any) -> None:
    literal = render_scalar(value, fmt)
    if fmt == "yaml":
        read = loads(f"k: {literal}\n", "yaml").data["k"]
    elif fmt == "json":
        read = loads(f'{{"k": {literal}}}', "json").data["k"]
        value = value.isoformat() if isinstance(value, dt.date) else value
    elif fmt == "toml":
        read = loads(f"k = {literal}\n", "toml").data["k"]
    else:
        read = loads(f"K={literal}\n", "env").data["K"]
        value = ("true" if value else "false") if isinstance(value, bool) else str(value)
    assert read == value, literal


@pytest.mark.parametrize(
    ("fmt", "value", "like", "literal"),
    [
        ("yaml", "new", "'old'", "'new'"),
        ("yaml", "new", '"old"', '"new"'),
        ("yaml", "new", "old", "new"),
        ("yaml", None, "~", "~"),
        ("yaml", True, "True", "True"),
        ("yaml", "a\nb\n", "|\n    x\n    y", "|\n    a\n    b"),
        ("yaml", "a\nb", "|-\n  x", "|-\n  a\n  b"),
        ("toml", "new", "'old'", "'new'"),
        ("toml", "new", '"old"', '"new"'),
        ("toml", "it's", "'old'", '"it\'s"'),
        ("env", "new", "'old'", "'new'"),
        ("env", "new", '"old"', '"new"'),
        ("env", "new", "old", "new"),
    ],
)
def test_render_scalar_keeps_the_quoting_style(
    fmt: str, value: Any, like: str, literal: str
) -> None:
    assert render_scalar(value, fmt, like=like) == literal


def test_render_scalar_refusals() -> None:
    with pytest.raises(UsageError, match="TOML has no null"):
        render_scalar(None, "toml")
    with pytest.raises(UsageError, match="JSON cannot hold"):
        render_scalar(math.inf, "json")
    with pytest.raises(UsageError, match="blanks"):
        render_scalar(" x", "ini")


def test_render_key() -> None:
    assert render_key("plain", "yaml") == "plain"
    assert render_key("a: b", "yaml") == "'a: b'"
    assert render_key("true", "yaml") == "'true'"
    assert render_key("a.b", "toml") == '"a.b"'
    assert render_key("ok_key-1", "toml") == "ok_key-1"
    assert render_key("k", "json") == '"k"'


NESTED = {"name": "x", "ports": [80, 443], "tls": {"on": True, "ciphers": ["a", "b"]}, "e": {}}


def test_render_value_block_yaml_reads_back_at_any_indent() -> None:
    for indent in (0, 2, 4):
        block = render_value(NESTED, "yaml", indent)
        assert all(line.startswith(" " * indent) for line in block.splitlines())
        assert loads("k:\n" + block if indent else block, "yaml").data == (
            {"k": NESTED} if indent else NESTED
        )
    items = render_value([{"a": 1, "b": [1]}, [2, 3], "s"], "yaml", 0)
    assert items == "- a: 1\n  b:\n    - 1\n- - 2\n  - 3\n- s\n"


def test_render_value_json_and_toml() -> None:
    text = render_value(NESTED, "json", 4)
    assert loads(text, "json").data == NESTED
    assert text.splitlines()[1].startswith("      ")
    literal = render_value(NESTED, "toml", 0)
    assert loads(f"k = {literal}\n", "toml").data["k"] == NESTED
    with pytest.raises(UsageError):
        render_value({"a": 1}, "env", 0)
