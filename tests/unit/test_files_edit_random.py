"""Random documents (fixed seeds) dumped by ruamel.yaml in block, flow and mixed styles, by
json with several indents and by tomlkit, some with CRLF line endings; every key path of each
is set, unset and inserted under, and each result must parse, hold the value and leave every
other line alone. The layouts are the ones those dumpers write, not ones we chose."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files import edit
from gitmigrate.files.document import loads
from gitmigrate.files.keypath import format_key
from tests.unit.test_files_edit import changed_lines, changed_value, lines_of

STRINGS = ["plain", "with space", "a: b", "# x", "it's", 'q"q', "yes", "123", "", "ünï 你"]
STRINGS += ["multi\nline", "-x", "[x]", "{y}", "a #b", "x,y"]


def scalar(r: random.Random, fmt: str) -> Any:
    choice = r.randrange(7)
    if choice == 0:
        return r.randrange(-5, 10 ** r.randrange(1, 25))
    if choice == 1:
        return r.choice([True, False])
    if choice == 2:
        return r.choice(STRINGS)
    if choice == 3:
        return r.choice([1.5, -0.25, 1e20])
    if choice == 4 and fmt != "toml":
        return None
    return f"s{r.randrange(100)}"


def data(r: random.Random, fmt: str, depth: int = 0) -> Any:
    if depth > 3 or r.random() < 0.3:
        return scalar(r, fmt)
    if r.random() < 0.6:
        return {
            (f"k{i}" if r.random() < 0.9 else f"k.{i}"): data(r, fmt, depth + 1)
            for i in range(r.randrange(0, 4))
        }
    return [data(r, fmt, depth + 1) for _ in range(r.randrange(0, 4))]


def dump(r: random.Random, fmt: str, value: Any) -> str:
    if fmt == "json":
        return json.dumps(value, indent=r.choice([None, 2, 4]), ensure_ascii=r.random() < 0.5)
    if fmt == "yaml":
        from ruamel.yaml import YAML

        yaml = YAML(typ="rt")
        yaml.default_flow_style = r.choice([False, None, True])
        if r.random() < 0.5:
            yaml.indent(mapping=2, sequence=4, offset=2)
        out = io.StringIO()
        yaml.dump(value, out)
        return out.getvalue()
    import tomlkit

    return tomlkit.dumps(value)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


@pytest.mark.parametrize("seed", range(60))
def test_random_documents(seed: int) -> None:
    r = random.Random(seed)
    fmt = r.choice(["yaml", "json", "toml"])
    value = {"root": data(r, fmt), "other": data(r, fmt)}
    if fmt == "toml":
        value = _drop_none(value)
    text = dump(r, fmt, value)
    if r.random() < 0.3:
        text = text.replace("\n", "\r\n")
    doc = loads(text, fmt)
    assert doc.data == loads(text.replace("\r\n", "\n"), fmt).data
    for path, node in doc.nodes.items():
        if not path:
            continue
        where = format_key(path)
        if node.is_leaf:
            new = changed_value(node.value) if node.value is not None else "set"
            out = edit.set_value(doc, path, new)
            if text.count(text[node.entry.start : node.entry.end]) == 1:  # difflib can align
                assert changed_lines(text, out) <= lines_of(doc, node.entry), where
        assert not loads(edit.unset(doc, path), fmt).has(path) or isinstance(path[-1], int)
        if isinstance(node.value, dict):
            out = edit.set_value(doc, (*path, "newkey"), {"a": [1, "x"]})
            assert loads(out, fmt).get((*path, "newkey")) == {"a": [1, "x"]}, where
        elif isinstance(node.value, list):
            try:
                out = edit.set_value(doc, (*path, len(node.value)), "item")
            except UsageError as exc:
                assert "[[tables]]" in str(exc), where
                continue
            assert loads(out, fmt).get((*path, len(node.value))) == "item", where


INI_VALUES = ["plain", "with space", "a=b", "x: y", "; not a comment", "ünï 你", "", "1", "a\nb"]


@pytest.mark.parametrize("seed", range(20))
def test_random_ini_and_env(seed: int) -> None:
    import configparser

    r = random.Random(seed)
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    for section in range(r.randrange(1, 4)):
        parser[f"s{section}"] = {f"k{i}": r.choice(INI_VALUES) for i in range(r.randrange(0, 4))}
    out = io.StringIO()
    parser.write(out, space_around_delimiters=r.random() < 0.5)
    env_lines = []
    for i in range(r.randrange(1, 6)):
        quote = r.choice(["", "'", '"'])
        value = r.choice(["plain", "two words", "ünï", ""]) if quote else "plain"
        export = "export " if r.random() < 0.3 else ""
        comment = " # note" if r.random() < 0.3 else ""
        env_lines.append(f"{export}K{i}={quote}{value}{quote}{comment}\n")
    for fmt, text in (("ini", out.getvalue()), ("env", "".join(env_lines))):
        doc = loads(text, fmt)
        for path, node in doc.nodes.items():
            if not path:
                continue
            if node.is_leaf:
                new = (str(node.value) + " changed").strip().replace("\n", " ")
                changed = edit.set_value(doc, path, new)
                assert loads(changed, fmt).get(path) == new
                assert changed_lines(text, changed) <= lines_of(doc, node.entry)
            assert not loads(edit.unset(doc, path), fmt).has(path)
            if len(path) == 1:
                new_path = (*path, "added") if fmt == "ini" else ("ADDED",)
                assert loads(edit.set_value(doc, new_path, "v"), fmt).get(new_path) == "v"
