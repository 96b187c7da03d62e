"""Tricky layouts, each put through a set and an unset of every key path: the result parses,
holds the new value, and only that entry's lines changed."""

from __future__ import annotations

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files import edit
from gitmigrate.files.document import loads
from gitmigrate.files.keypath import format_key
from tests.unit.test_files_edit import changed_lines, changed_value, lines_of

CASES = [
    ("yaml", "---\na: 1\nb:\n  - x\n  - y\n...\n"),
    ("yaml", "- a: 1\n  b: 2\n- c: 3\n- - n1\n  - n2\n"),
    ("yaml", "\"quoted key\": 1\n'single': two\nk: {x: [1, 2], y: {z: w}}\n"),
    ("yaml", "a:\n  # a comment inside\n  b: 1  # trailing\n\n  c: 2\n# final comment\n"),
    ("yaml", "a: 1\nb: 2"),  # no final newline
    ("yaml", "flow: [\n  1,\n  2,\n]\nm: {\n  a: 1,\n  b: 2\n}\n"),
    ("yaml", "text: >\n  folded\n  more\nkeep: |+\n  kept\n\nafter: 1\n"),
    ("yaml", "a: &x\n  - 1\nb: *x\nc: !!str 12\nd: 'it''s'\ne: \"tab\\there\"\n"),
    ("yaml", "a:\n    deep:\n        deeper: 1\n    other: 2\n"),
    # found by a random round of ruamel.yaml dumps: empty values inside compact nested lists,
    # and single-pair mappings written inside a flow list
    (
        "yaml",
        "r:\n  -   - k0:\n          k0: 6\n          k1:\n        k.2:\n          - \n      - k0:\n          k0: 2\no: 1\n",
    ),
    ("yaml", "a: [k0: s36, {b: 1}]\nb: {k: [x: 1]}\n"),
    ("json", '[1, [2, 3], {"a": null}]'),
    ("json", '{"a":{"b":{"c":[]}},"d":"e"}\n'),
    ("json", '{\n    "x": 1,\n    "y": [\n        true,\n        false\n    ]\n}\n'),
    ("toml", 'a = 1\n"quoted key" = 2\n[t]\nx.y.z = 3\n[t.u]\nv = [1, [2, 3]]\n'),
    ("toml", "[[a]]\nb = 1\n[[a]]\nb = 2\n[[a.c]]\nd = 3\n"),
    ("toml", "x = { a = { b = 1 }, c = [ { d = 2 } ] }\n"),
    ("toml", "k = 'lit'\nm = '''\nmulti\n'''\nd = 1979-05-27\nt = 07:32:00\nf = 1e10\n"),
    ("toml", "a = 1"),
    ("ini", "[s]\na=1\n\n[t]\n  b : 2\n  c = 3\n    more\n"),
    ("env", "A=1\n\n# c\nexport B = 'x y'\nC=\"multi\nline\"\nD=last"),
]


@pytest.mark.parametrize(("fmt", "text"), CASES)
def test_set_and_unset_every_path(fmt: str, text: str) -> None:
    doc = loads(text, fmt, f"case.{fmt}")
    for path, node in doc.nodes.items():
        if not path:
            continue
        if node.is_leaf:
            value = changed_value(node.value) if not (fmt == "toml" and node.value is None) else 1
            if fmt in ("ini", "env"):
                value = str(value)
            try:
                out = edit.set_value(doc, path, value)
            except UsageError:
                assert fmt == "toml" and not node.flow, format_key(path)
                continue
            assert loads(out, fmt).get(path) == value
            assert changed_lines(text, out) <= lines_of(doc, node.entry), (format_key(path), out)
        try:
            out = edit.unset(doc, path)
        except UsageError as exc:
            assert "still uses" in str(exc)
            continue
        after = loads(out, fmt)
        if not isinstance(path[-1], int):
            assert not after.has(path), (format_key(path), out)


@pytest.mark.parametrize(("fmt", "text"), CASES)
def test_insert_under_every_container(fmt: str, text: str) -> None:
    doc = loads(text, fmt, f"case.{fmt}")
    for path, node in doc.nodes.items():
        if isinstance(node.value, dict):
            new_path = (*path, "added_key")
        elif isinstance(node.value, list):
            new_path = (*path, len(node.value))
        else:
            continue
        if fmt in ("ini", "env") and len(new_path) > (2 if fmt == "ini" else 1):
            continue
        value: object = "fresh" if not (fmt == "ini" and not path) else {"k": "v"}
        if fmt == "toml" and isinstance(node.value, list) and not node.flow:
            value = {"k": "v"}  # an item of an array of [[tables]]
        try:
            out = edit.set_value(doc, new_path, value)
        except UsageError as exc:  # an array of [[tables]] gets no new item from set
            assert "alias" in str(exc) or "top level of the array" in str(exc), format_key(new_path)
            continue
        after = loads(out, fmt)
        assert after.get(new_path) == value, (format_key(new_path), out)
        assert changed_lines(text, out) <= lines_of(doc, node.span) | lines_of(doc, node.entry), (
            format_key(new_path),
            out,
        )
