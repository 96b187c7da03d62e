"""The canonical renderers: each output reads back (with the format's reference reader) as the
data, except where a loss was reported."""

from __future__ import annotations

import configparser
import datetime as dt
import json
import tomllib
from typing import Any

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.convert import Model, Notes, render_data, render_model

UTC = dt.UTC
DATA: dict[str, Any] = {
    "name": "Zoë's shop ☕",
    "port": 8080,
    "ratio": 0.25,
    "debug": False,
    "motd": "Welcome!\nsecond line\n",
    "quote": 'say "hi" \\ bye',
    "looks_like_int": "8080",
    "yes_word": "yes",
    "db": {"host": "h", "pool": {"max": 5}},
    "servers": [{"name": "a", "weight": 1}, {"name": "b", "weight": 2}],
    "tags": ["x", "y"],
}


def test_yaml_reads_back_as_the_data_with_comments() -> None:
    from ruamel.yaml import YAML

    model = Model(DATA, notes={("port",): Notes(["# the port", None], ("  ", "# inline"))})
    out = render_model(model, "yaml", "\n")
    assert out.losses == ()
    assert YAML(typ="safe", pure=True).load(out.text) == DATA
    assert "# the port\n\nport: 8080  # inline\n" in out.text
    assert "motd: |\n  Welcome!\n  second line\n" in out.text
    assert 'looks_like_int: "8080"\n' in out.text and 'yes_word: "yes"\n' in out.text


def test_json_is_json_dumps_indent_2_and_loses_comments_and_dates() -> None:
    out = render_data(DATA, "json")
    assert out.text == json.dumps(DATA, indent=2, ensure_ascii=False) + "\n"
    model = Model({"a": dt.date(2024, 1, 2), "b": 1}, notes={("b",): Notes(["# c"])})
    lossy = render_model(model, "json", "\n")
    assert [str(loss) for loss in lossy.losses] == [
        "a: date written as the string '2024-01-02': JSON has no dates",
        "b: comment dropped: JSON has no comments",
    ]


def test_toml_reads_back_with_tables_arrays_of_tables_and_dates() -> None:
    data = {**DATA, "at": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "day": dt.date(2024, 1, 2)}
    out = render_data(data, "toml")
    assert out.losses == ()
    assert tomllib.loads(out.text) == data
    assert '[[servers]]\nname = "a"\n' in out.text
    assert 'motd = """\nWelcome!\nsecond line\n"""\n' in out.text


def test_toml_losses_name_each_key_path() -> None:
    model = Model({"big": 2**70, "none": None, "t": {"x": 1}, "late": 2, "ok": [1, None]})
    out = render_model(model, "toml", "\n")
    assert [str(loss) for loss in out.losses] == [
        "big: integer outside 64 bits written as a string: TOML integers are 64-bit",
        "none: null left out: TOML has no null",
        "late: moved before the sub-tables: TOML writes a table's plain keys first",
        "ok: moved before the sub-tables: TOML writes a table's plain keys first",
        "ok: null item [1] left out: TOML has no null",
    ]
    assert tomllib.loads(out.text) == {"big": str(2**70), "late": 2, "ok": [1], "t": {"x": 1}}
    # merged data has no order of the user's to keep: only the real losses count
    with pytest.raises(UsageError, match=r"without losing 3 thing\(s\): big: integer"):
        render_data({"big": 2**70, "none": None, "t": {"x": 1}, "ok": [1, None]}, "toml")


def test_ini_reads_back_with_configparser() -> None:
    data = {
        "app": {"name": "Zoë", "motd": "Welcome!\nsecond line", "port": "8080"},
        "db": {"host": "h"},
    }
    out = render_data(data, "ini")
    assert out.losses == ()
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(out.text)
    assert {s: dict(parser[s]) for s in parser.sections()} == data
    lossy = render_data(
        {"top": 1, "app": {"n": 2, "deep": {"x": "y"}, "none": None}}, "ini", lossy=True
    )
    assert [str(loss) for loss in lossy.losses] == [
        "top: integer outside any section left out: INI keeps keys in sections",
        "app.n: integer written as the text '2': INI values are strings",
        "app.deep.x: nested mapping flattened to the key 'deep.x': INI has one level of keys",
        "app.none: null left out: INI has no null",
    ]


def test_env_quotes_what_needs_it() -> None:
    out = render_data({"A": "plain", "B": "two words", "C": "it's\nmulti", "D": ""}, "env")
    assert out.text == "A=plain\nB='two words'\nC=\"it's\\nmulti\"\nD=\n"
    lossy = render_data({"db": {"host": "h"}, "n": 1}, "env", lossy=True)
    assert [str(loss) for loss in lossy.losses] == [
        "db.host: nested mapping flattened to the variable db__host: .env has no nesting",
        "n: integer written as the text '1': .env values are strings",
    ]


def test_crlf_documents_convert_to_crlf() -> None:
    out = render_model(Model({"a": 1, "b": [1], "c": [{"x": 1}]}), "yaml", "\r\n")
    assert out.text == "a: 1\r\nb: [1]\r\nc:\r\n  - x: 1\r\n"


def test_ini_keys_and_sections_that_cannot_be_written_are_renamed_and_reported() -> None:
    data = {"[s]": {"a=b": "1", "#h": "2", "a_b": "3"}}
    out = render_data(data, "ini", lossy=True)
    assert out.text == "[_s_]\na_b = 1\n_#h = 2\n"
    assert [str(loss) for loss in out.losses] == [
        "\"[s]\": section '[s]' written as [_s_]: INI section names cannot hold brackets",
        "\"[s]\".a=b: key 'a=b' written as 'a_b': INI keys cannot hold '=' or ':', edge spaces, or start with '#', ';' or '['",
        "\"[s]\".#h: key '#h' written as '_#h': INI keys cannot hold '=' or ':', edge spaces, or start with '#', ';' or '['",
        "\"[s]\".a_b: left out: the key 'a_b' is already in its section",
    ]
