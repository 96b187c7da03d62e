"""Byte-preserving edits on the real files of fixtures/config/formats: every key path of every
file is set and unset, and the only lines that change are the lines of that entry."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files import edit
from gitmigrate.files.document import Document, Span, load, loads
from gitmigrate.files.keypath import KeyPath, format_key, parse_key

FORMATS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "formats"
ALL = sorted(p.name for p in FORMATS_DIR.iterdir() if not p.name.startswith("."))
STRUCTURED = [n for n in ALL if n.endswith((".yaml", ".json", ".toml"))]


def doc_of(name: str) -> Document:
    return load(FORMATS_DIR / name)


def changed_lines(old: str, new: str) -> set[int]:
    """1-based numbers of the lines of `old` that `new` changed or removed."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            out.update(range(i1 + 1, i2 + 1))
    return out


def lines_of(doc: Document, span: Span) -> set[int]:
    first = doc.text.count("\n", 0, span.start) + 1
    last = doc.text.count("\n", 0, max(span.end - 1, span.start)) + 1
    return set(range(first, last + 1))


def changed_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, dt.datetime | dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, dt.time):
        return value.replace(hour=(value.hour + 1) % 24)
    if value is None:
        return "now set"
    if "\n" not in value:
        return f"{value} (changed)".strip()
    return value.rstrip("\n") + "\none more line" + ("\n" if value.endswith("\n") else "")


def aliased(doc: Document, path: KeyPath) -> bool:
    """Paths whose data also shows elsewhere (anchors, aliases, merge keys)."""
    return doc.format == "yaml" and any(n.anchor for n in doc.nodes.values())


def expected_without(data: Any, path: KeyPath) -> Any:
    out = copy.deepcopy(data)
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return out


def expected_with(data: Any, path: KeyPath, value: Any) -> Any:
    out = copy.deepcopy(data)
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return out


@pytest.mark.parametrize("name", ALL)
def test_set_every_leaf_changes_only_its_lines(name: str) -> None:
    doc = doc_of(name)
    for node in list(doc.leaves()):
        if isinstance(node.value, dict | list):
            continue
        if doc.format == "toml" and node.value is None:
            continue
        new_value = changed_value(node.value)
        if doc.format in ("ini", "env"):
            new_value = str(new_value)
        text = edit.set_value(doc, node.path, new_value)
        after = loads(text, doc.format, name)
        assert after.get(node.path) == new_value, format_key(node.path)
        if not aliased(doc, node.path):
            assert after.data == expected_with(doc.data, node.path, new_value)
        assert changed_lines(doc.text, text) <= lines_of(doc, node.entry), format_key(node.path)


@pytest.mark.parametrize("name", ALL)
def test_unset_every_key_changes_only_its_entry(name: str) -> None:
    doc = doc_of(name)
    for path, node in doc.nodes.items():
        if not path:
            continue
        if doc.format == "yaml" and node.anchor:
            with pytest.raises(UsageError, match="still uses"):
                edit.unset(doc, path)
            continue
        text = edit.unset(doc, path)
        after = loads(text, doc.format, name)
        allowed = lines_of(doc, node.entry)
        for other, sub in doc.nodes.items():
            if other[: len(path)] == path and sub.entry.end > sub.entry.start:
                allowed |= lines_of(doc, sub.entry)
        siblings = [p for p in doc.nodes if p[:-1] == path[:-1] and len(p) == len(path)]
        if len(siblings) == 1:
            allowed |= lines_of(doc, doc.nodes[path[:-1]].entry)
        assert changed_lines(doc.text, text) <= allowed, format_key(path)
        expected = expected_without(doc.data, path)
        parent = doc.nodes[path[:-1]]
        if doc.format == "toml" and len(siblings) == 1 and parent.entry.start == parent.entry.end:
            expected = expected_without(doc.data, path[:-1])  # a table nobody wrote goes too
        if not aliased(doc, path):
            assert after.data == expected, format_key(path)


def test_yaml_set_keeps_comments_quotes_and_anchors() -> None:
    doc = doc_of("app.yaml")
    text = edit.set_value(doc, ("server", "host"), "api2.example.com")
    assert '  host: "api2.example.com"\n' in text
    text = edit.set_value(doc, ("defaults", "timeout"), 60)
    assert "  timeout: 60        # seconds\n" in text
    assert loads(text, "yaml").data["server"]["timeout"] == 60  # through the merge key
    text = edit.set_value(doc, ("server", "ciphers", 1), "TLS_CHACHA20_POLY1305_SHA256")
    assert "    - 'TLS_CHACHA20_POLY1305_SHA256'\n" in text
    text = edit.set_value(doc, ("database", "motd"), "Hello.\nBye.\n")
    assert "  motd: |\n    Hello.\n    Bye.\n  note:" in text
    text = edit.set_value(doc, ("server", "tls"), "yes")
    assert "  tls: 'yes'\n" in text  # a YAML 1.1 reader would see a boolean


def test_yaml_insert_after_last_sibling_with_its_indentation() -> None:
    doc = doc_of("app.yaml")
    text = edit.set_value(doc, ("server", "timeout_ms"), 250)
    assert "  greeting: Grüß Gott — 你好\n  timeout_ms: 250\ndatabase:" in text
    text = edit.set_value(doc, ("server", "ciphers", 2), "TLS_X")
    assert "    - 'TLS_AES_256_GCM_SHA384'\n    - TLS_X\n" in text
    text = edit.set_value(doc, ("server", "limits", "rps"), 10)
    assert "  greeting: Grüß Gott — 你好\n  limits:\n    rps: 10\ndatabase:" in text
    text = edit.set_value(doc, ("defaults", "labels", "zone"), "eu")
    assert '  labels: {team: core, tier: "backend", zone: eu}\n' in text
    text = edit.set_value(doc, ("empty", "now"), [1, 2])
    assert text.endswith("empty:\n  now:\n    - 1\n    - 2\n")
    text = edit.set_value(doc, ("database", "replicas", 0), "r1")
    assert "  replicas: [r1]\n" in text


def test_crlf_files_stay_crlf() -> None:
    for name, path, value in [
        ("crlf.yaml", "log.format", "json"),
        ("crlf.yaml", "database.host", "db2"),
        ("crlf.toml", "server.tls", True),
        ("crlf.json", "b.e", {"f": [1, 2]}),
    ]:
        doc = doc_of(name)
        text = edit.set_value(doc, parse_key(path), value)
        assert "\n" not in text.replace("\r\n", ""), name
        assert loads(text, doc.format).get(parse_key(path)) == value
    text = edit.set_value(doc_of("crlf.yaml"), ("log", "format"), "json")
    assert text.endswith("  targets: [stdout, file]\r\n  format: json\r\n")


def test_toml_edits() -> None:
    doc = doc_of("app.toml")
    text = edit.set_value(doc, ("server", "port"), 9090)
    assert "\nport = 9090\n" in text
    text = edit.set_value(doc, ("server", "timeout"), 5)
    assert 'greeting = "Grüß Gott — 你好"\ntimeout = 5\n\n[database]' in text
    text = edit.set_value(doc, ("database", "pool", "max"), 20)
    assert "pool.idle = 2\npool.max = 20\n" in text
    text = edit.set_value(doc, ("cache", "ttl"), 60)
    assert loads(text, "toml").data["cache"] == {"redis": {"url": "redis://cache"}, "ttl": 60}
    text = edit.set_value(doc, ("owner",), "ops")
    assert 'version = 3\nowner = "ops"\n' in text
    text = edit.set_value(doc, ("server", "limits", "burst"), 20)
    assert "limits = { rps = 100.5, burst = 20 }" in text
    text = edit.set_value(doc, ("server", "ciphers", 2), "TLS_X")
    assert "  'TLS_AES_256_GCM_SHA384',\n  \"TLS_X\",\n]" in text
    text = edit.rename(doc, ("database",), ("db",))
    assert "[db]\n" in text and "[db.replica]\n" in text
    assert loads(text, "toml").data["db"]["replica"]["host"] == "replica.internal"
    text = edit.unset(doc, ("database",))
    assert "[database" not in text and "replica" not in text
    text = edit.set_value(doc, ("workers", 2), {"name": "new", "threads": 4})
    assert 'name = "indexer"\n\n[[workers]]\nname = "new"\nthreads = 4\n\n[cache.redis]' in text
    with pytest.raises(UsageError):
        edit.set_value(doc, ("server",), 1)


def test_json_edits() -> None:
    doc = doc_of("app.json")
    text = edit.set_value(doc, ("server", "timeout"), 5)
    assert '    "ciphers": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"],\n' in text
    assert '"TLS_AES_256_GCM_SHA384"],\n    "timeout": 5\n  },' in text
    text = edit.set_value(doc, ("empty", "a"), 1)
    assert '"empty": {"a": 1},' in text
    text = edit.set_value(doc, ("items", 2), {"id": 3})
    assert '{"id": 2, "tags": ["x"]},\n    {\n      "id": 3\n    }\n  ]' in text
    text = edit.unset(doc, ("items", 1))
    assert '{"id": 1, "tags": []}\n  ]' in text
    text = edit.rename(doc, ("server", "host"), ("server", "hostname"))
    assert '    "hostname": "api.example.com",\n' in text


def test_rename_and_move() -> None:
    doc = doc_of("app.yaml")
    text = edit.rename(doc, ("server", "port"), ("listen",))
    assert "  listen: 8080\n" in text
    text = edit.move(doc, ("server", "port"), ("database", "port"))
    after = loads(text, "yaml")
    assert after.data["database"]["port"] == 8080 and "port" not in after.data["server"]
    with pytest.raises(UsageError, match="already has"):
        edit.rename(doc, ("server", "port"), ("server", "host"))
    with pytest.raises(UsageError, match="into itself"):
        edit.move(doc, ("server",), ("server", "inner"))


def test_missing_keys_and_bad_targets() -> None:
    doc = doc_of("app.yaml")
    with pytest.raises(UsageError, match="server.hots"):
        edit.unset(doc, ("server", "hots"))
    with pytest.raises(UsageError, match="has 2 items"):
        edit.set_value(doc, ("server", "ciphers", 5), "x")
    with pytest.raises(UsageError, match="not a table"):
        edit.set_value(doc, ("server", "port", "x"), 1)


def test_replace_spans() -> None:
    text = "abcdef"
    assert edit.replace_spans(text, [(Span(4, 5), "E"), (Span(0, 1), "A")]) == "AbcdEf"
    assert edit.replace_spans(text, [(Span(2, 2), "1"), (Span(2, 2), "2")]) == "ab12cdef"
    with pytest.raises(ValueError):
        edit.replace_spans(text, [(Span(0, 3), ""), (Span(2, 4), "")])


def test_yaml_block_values_keep_the_comment_and_anchor_on_the_key_line() -> None:
    doc = loads("a:  # note\n  b: 1\nc: &x # anchored\n  - 1\nd: !append\n  - 1\n", "yaml")
    assert edit.set_value(doc, ("a",), 5).startswith("a: 5  # note\nc:")
    assert edit.set_value(doc, ("a",), {"x": 1}).startswith("a:  # note\n  x: 1\nc:")
    assert "\nc: &x s # anchored\nd:" in edit.set_value(doc, ("c",), "s")
    assert edit.unset(doc, ("a", "b")).startswith("a: {}  # note\nc:")
    assert edit.set_value(doc, ("d",), [2]).endswith("d: !append\n  - 2\n")


def test_toml_new_tables_are_written_with_headers() -> None:
    doc = doc_of("app.toml")
    sops = {"age": [{"recipient": "age1x"}], "mac": "ENC[x]", "version": "3.9"}
    text = edit.set_value(doc, ("sops",), sops)
    assert text == doc.text + (
        '\n[sops]\nage = [{ recipient = "age1x" }]\nmac = "ENC[x]"\nversion = "3.9"\n'
    )
    text = edit.set_value(doc, ("database", "replica", "pool"), {"n": {"m": 1}, "size": 2})
    assert (
        '[database.replica]\nhost = "replica.internal"\n\n[database.replica.pool]\nsize = 2\n'
        in text
    )
    assert "\n[database.replica.pool.n]\nm = 1\n\n[[workers]]" in text
    assert loads(text, "toml").data["database"]["replica"]["pool"] == {"n": {"m": 1}, "size": 2}
    assert edit.set_value(loads("", "toml"), ("t",), {"a": 1}) == "[t]\na = 1\n"
