"""The parsers on the real files of fixtures/config/formats: data as the reference loaders read
it, a node with exact spans for every key path, comments, and errors at file:line:col."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.files.document import Document, load, loads
from gitmigrate.files.keypath import format_key

FORMATS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "formats"
FIXTURES = sorted(
    p.name for p in FORMATS_DIR.iterdir() if p.suffix in (".yaml", ".json", ".toml", ".ini", ".env")
)


def read(name: str) -> str:
    return (FORMATS_DIR / name).read_bytes().decode("utf-8")


def doc_of(name: str) -> Document:
    return load(FORMATS_DIR / name)


def walk(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += walk(value, (*path, index))
    return out


def test_yaml_data_matches_ruamel_safe_load() -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    expected = yaml.load(read("app.yaml").replace("!append", ""))  # a tag does not change data
    doc = doc_of("app.yaml")
    assert json.dumps(doc.data, default=str) == json.dumps(expected, default=str)
    assert doc.data["database"]["big"] == 123456789012345678901234567890
    assert doc.data["database"]["created"] == dt.date(2024, 3, 1)
    assert doc.data["server"]["timeout"] == 30  # the merge key
    assert doc.nodes[("features",)].tag == "!append"
    assert doc.nodes[("defaults",)].anchor == "defaults"


def test_json_and_toml_data_match_the_standard_library() -> None:
    assert doc_of("app.json").data == json.loads(read("app.json"))
    assert doc_of("app.toml").data == tomllib.loads(read("app.toml"))
    assert doc_of("crlf.toml").data == tomllib.loads(read("crlf.toml"))


@pytest.mark.parametrize("name", [n for n in FIXTURES if n.endswith((".yaml", ".json", ".toml"))])
def test_every_key_path_has_a_node_with_exact_spans(name: str) -> None:
    doc = doc_of(name)
    text = doc.text
    merged = {("server", k) for k in ("timeout", "retries", "labels")}  # from `<<: *defaults`
    for path in walk(doc.data):
        if path[:2] in merged or path[:2] == ("database", "pool") and len(path) > 2:
            continue  # merged keys and what an alias points at are nodes at their anchor
        node = doc.node(path)
        assert node.value == doc.get(path)
        literal = text[node.span.start : node.span.end]
        if node.key is not None:
            key_text = text[node.key.start : node.key.end]
            assert key_text.strip("\"'") == path[-1] or json.loads(key_text) == path[-1]
        entry = text[node.entry.start : node.entry.end]
        assert literal in entry or node.span.start >= node.entry.start or not path
        if node.is_leaf and literal:
            assert _literal_value(doc.format, literal, node.value), (format_key(path), literal)
        # the line and column point at the key (or the value of a list item)
        at = node.key.start if node.key is not None else node.span.start
        assert text.count("\n", 0, at) + 1 == node.line


def _literal_value(fmt: str, literal: str, value: object) -> bool:
    if fmt == "json":
        return bool(json.loads(literal) == value)
    if fmt == "toml":
        return bool(tomllib.loads(f"v = {literal}")["v"] == value)
    if literal.startswith("*"):  # an alias
        return True
    return loads(f"v: {literal}\n", "yaml").data["v"] == value or literal[0] in "|>"


def test_yaml_spans_of_quoted_block_and_alias_values() -> None:
    doc = doc_of("app.yaml")
    text = doc.text

    def literal(path: tuple[str | int, ...]) -> str:
        node = doc.nodes[path]
        return text[node.span.start : node.span.end]

    assert literal(("server", "host")) == '"api.example.com"'
    assert literal(("server", "ciphers", 1)) == "'TLS_AES_256_GCM_SHA384'"
    assert literal(("database", "pool")) == "*defaults"
    assert literal(("database", "motd")) == "|\n    Welcome.\n    Maintenance on Sundays."
    assert literal(("defaults", "labels", "tier")) == '"backend"'
    assert literal(("empty",)) == ""
    entry = doc.nodes[("defaults", "labels", "tier")].entry
    assert text[entry.start : entry.end] == ', tier: "backend"'
    entry = doc.nodes[("server", "port")].entry
    assert text[entry.start : entry.end] == "  port: 8080\n"


def test_yaml_comments_with_their_parent_and_inline_flag() -> None:
    doc = doc_of("app.yaml")
    texts = [(c.text, c.parent, c.inline, c.line) for c in doc.comments]
    assert texts == [
        (" Application settings (deployed by the platform team)", (), False, 1),
        (" seconds", ("defaults",), True, 3),
    ]
    for comment in doc.comments:
        assert doc.text[comment.span.start] == "#"


def test_toml_tables_headers_and_dotted_keys() -> None:
    doc = doc_of("app.toml")
    text = doc.text
    server = doc.nodes[("server",)]
    assert text[server.entry.start : server.entry.end].startswith("[server]\nhost =")
    assert text[server.entry.start : server.entry.end].endswith('greeting = "Grüß Gott — 你好"\n')
    pool = doc.nodes[("database", "pool")]
    assert pool.entry.start == pool.entry.end  # written by dotted keys only
    size = doc.nodes[("database", "pool", "size")]
    assert text[size.entry.start : size.entry.end] == "pool.size = 10\n"
    worker = doc.nodes[("workers", 1)]
    assert text[worker.entry.start : worker.entry.end] == '[[workers]]\nname = "indexer"\n'
    cipher = doc.nodes[("server", "ciphers", 0)]
    assert text[cipher.span.start : cipher.span.end] == '"TLS_AES_128_GCM_SHA256"'
    assert len(doc.mentions[("cache",)]) == 1
    assert [c.text for c in doc.comments] == [
        " Service configuration",
        " shown in the UI",
        " fast",
    ]
    assert doc.comments[2].parent == ("server", "ciphers")


def test_crlf_documents_know_their_newline() -> None:
    for name in ("crlf.yaml", "crlf.json", "crlf.toml"):
        doc = doc_of(name)
        assert doc.newline == "\r\n"
        for node in doc.nodes.values():
            literal = doc.text[node.span.start : node.span.end]
            assert not literal.endswith("\r"), (name, node.path)
    assert doc_of("app.yaml").newline == "\n"


@pytest.mark.parametrize(
    ("fmt", "text", "line", "column"),
    [
        ("yaml", "a: 1\nb: [1, 2\nc: 3\n", 3, 2),
        ("yaml", "a: 1\n  b: 2\n", 2, 4),
        ("yaml", "a: 1\na: 2\n", 2, 1),
        ("yaml", "a: 1\n---\nb: 2\n", 2, 1),
        ("json", '{\n  "a": 1,\n  "b": ]\n}', 3, 8),
        ("json", '{"a": 1, "a": 2}', 1, 10),
        ("toml", 'a = 1\nb = "x\n', 2, 7),
        ("toml", "a = 1\na = 2\n", 2, 6),
    ],
)
def test_syntax_errors_are_located(fmt: str, text: str, line: int, column: int) -> None:
    with pytest.raises(FileFormatError) as caught:
        loads(text, fmt, f"bad.{fmt}")
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        f"bad.{fmt}",
        line,
        column,
    )
    assert str(caught.value).startswith(f"bad.{fmt}:{line}:{column}: ")


def test_missing_key_names_the_keys_that_exist() -> None:
    doc = doc_of("app.toml")
    with pytest.raises(UsageError) as caught:
        doc.node(("server", "hots"))
    assert "server.hots" in str(caught.value)
    assert "server.host" in str(caught.value)


def test_empty_documents() -> None:
    assert loads("", "yaml").data is None
    assert loads("# only a comment\n", "yaml").comments[0].text == " only a comment"
    assert loads("", "toml").data == {}
    assert loads("[]", "json").nodes[()].flow


def test_yaml_keys_are_strings_named_by_their_text() -> None:
    doc = loads("1: a\ntrue: b\n2024-01-01: c\n'q': d\n", "yaml")
    assert doc.data == {"1": "a", "true": "b", "2024-01-01": "c", "q": "d"}
    assert list(doc.nodes) == [(), ("1",), ("true",), ("2024-01-01",), ("q",)]


@pytest.mark.parametrize(
    ("fmt", "text", "path"),
    [
        ("yaml", "\ufeffa: 1\n", ("a",)),
        ("json", '\ufeff{"a": 1}', ("a",)),
        ("toml", "\ufeffa = 1\n", ("a",)),
        ("ini", "\ufeff[s]\na = 1\n", ("s", "a")),
        ("env", "\ufeffa=1\n", ("a",)),
    ],
)
def test_a_byte_order_mark_is_read_past_and_kept(fmt: str, text: str, path: tuple[str]) -> None:
    from gitmigrate.files.edit import set_value

    doc = loads(text, fmt)
    assert doc.text == text
    node = doc.node(path)
    assert text[node.span.start : node.span.end] == "1"
    edited = set_value(doc, path, "two")
    assert edited.startswith("\ufeff")
    assert loads(edited, fmt).get(path) == "two"
