"""convert's promise made exact: for every fixture and every ordered pair (A, B), A -> B -> A
gives the original bytes, or a loss is reported and each changed line lies under a reported
key path; layout no middle format carries (TOML dotted keys, .env `export `, YAML folded and
quoted scalars) is a "layout: ..." loss naming its key path, and only what changes is one."""

from __future__ import annotations

import datetime as dt
import difflib
import random
import re
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.errors import GitMigrateError, UsageError
from gitmigrate.files.convert import Loss, convert, render_data
from gitmigrate.files.convert_layout import line_owner
from gitmigrate.files.document import Document, load, loads
from gitmigrate.files.formats import FORMATS, SUFFIX_OF
from gitmigrate.files.keypath import KeyPath

CONFIG = Path(__file__).resolve().parents[2] / "fixtures" / "config"
SUFFIXES = {suffix: name for name, suffix in SUFFIX_OF.items()}


def _fixtures() -> list[Path]:
    out = []
    for path in sorted(CONFIG.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file() or "sops" in path.parts:
            continue
        try:
            load(path)
        except GitMigrateError:
            continue  # a fixture of a syntax error
        out.append(path)
    return out


GENERATED = {
    "dotted.toml": 'title = "x"\na.b = 1\na.c = "two"\n',
    "dotted-table.toml": '[server]\nlimits.rps = 5\nname = "n"\n',
    "export.env": "export A=1\nB=2\n",
    "folded.yaml": "a: >\n  folded text\n  here\nb: 1\n",
    "quoted.yaml": 'a: "plain"\nb: 1\n',
    "single.yaml": "a: 'plain'\nb: 1\n",
    "literal.yaml": "a: |\n  one\n  two\nb: 1\n",
    "flow.yaml": "a: {x: 1, y: [1, 2]}\nb: 2\n",
    "indent.yaml": "a:\n    b: 1\n    c: 2\n",
    "spaced.json": '{"a" : 1,\n "b": [1,2]}\n',
    "quoted.env": "A=\"x\"\nB='y'\nC=z\n",
    "spaced.ini": "[s]\na=1\nb : 2\n",
    "literal.toml": 'a = \'single\'\nb = """\nmulti"""\nc = 0x1F\n',
}


def _documents() -> list[tuple[str, Document]]:
    docs = [(str(path.relative_to(CONFIG)), load(path)) for path in _fixtures()]
    docs += [
        (name, loads(text, SUFFIXES[Path(name).suffix], name)) for name, text in GENERATED.items()
    ]
    return docs


CASES = [(name, doc, to) for name, doc in _documents() for to in FORMATS if to != doc.format]


def _related(path: KeyPath, lost: KeyPath) -> bool:
    """Whether one path holds the other, also when a flat format joined a path's names with
    dots (INI and .env write `limits.retries` for limits -> retries)."""
    if path[: len(lost)] == lost or lost[: len(path)] == path:
        return True
    joined, whole = ".".join(map(str, path)), ".".join(map(str, lost))
    return joined.startswith(whole + ".") or whole.startswith(joined + ".") or joined == whole


def _assert_exact(name: str, doc: Document, to: str) -> None:
    """A -> B -> A is byte-identical, or the first leg reported a loss and each changed line
    of the original lies under a reported key path."""
    there = convert(doc, to, lossy=True)
    back = convert(loads(there.text, to, name), doc.format, lossy=True)
    if back.text == doc.text:
        return
    assert there.losses, f"{name} -> {to} -> back changed with no loss:\n{doc.text}\n{back.text}"
    lost = [loss.path for loss in there.losses]
    owner = line_owner(doc)
    before, after = doc.text.split("\n"), back.text.split("\n")
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "insert"):
            continue
        for offset, number in enumerate(range(i1 + 1, i2 + 1)):
            was = before[number - 1]
            now = after[j1 + offset] if j1 + offset < j2 else None
            if doc.format == "json" and now is not None and was.rstrip(",") == now.rstrip(","):
                continue  # only the comma after a value a reported loss moved or dropped
            path = owner(number)
            assert any(_related(path, loss) for loss in lost), (
                f"{name} line {number} {was!r} changed -> {to}, "
                f"not under a reported loss: {[str(loss) for loss in there.losses]}"
            )


@pytest.mark.parametrize(
    ("name", "doc", "to"), CASES, ids=[f"{name}->{to}" for name, _, to in CASES]
)
def test_the_round_trip_is_byte_identical_or_each_changed_line_is_under_a_loss(
    name: str, doc: Document, to: str
) -> None:
    _assert_exact(name, doc, to)


STRINGS = ["", "x", " lead", "a: b", "a #b", "yes", "null", "1", "0x1f", "line\nline", "ünï",
           "quote'", 'dq"', "$HOME", "a,b", "x=y", "true", "-", "2024-01-02"]  # fmt: skip
KEYS = ["a", "b", "b.c", "with space", "ü", "1", "x-y", "UPPER"]
OTHER = [0, -1, 2**70, 1.5, True, None, dt.date(2024, 1, 2), [], {}]
# layout a writer may choose that the canonical layout does not: (format, pattern, replacement)
MUTATIONS = [
    ("yaml", r"^(\s*)([A-Za-z_]+): ([a-z][a-z ]*)$", r'\1\2: "\3"'),
    ("yaml", r"^(\s*)([A-Za-z_]+): (.+)$", r"\1\2:   \3"),
    ("yaml", r"^(  +)(\S)", r"\1  \2"),
    ("yaml", r"^(\s*)([A-Za-z_]+): ([a-z][a-z ]*)$", r"\1\2: >\n\1  \3"),
    ("toml", r"^([A-Za-z_]+) = ", r"\1=  "),
    ("toml", r"^\[([A-Za-z_]+)\]\n([A-Za-z_]+) = ", r"\1.\2 = "),
    ("json", r"^(  +)", r"\1\1"),
    ("json", r'": ', r'" : '),
    ("ini", r" = ", r"="),
    ("ini", r" = ", r" : "),
    ("env", r"^([A-Za-z_])", r"export \1"),
    ("env", r"=([a-z]+)$", r"='\1'"),
]


def _tree(rng: random.Random, depth: int) -> Any:
    if depth == 0 or rng.random() < 0.35:
        return rng.choice(STRINGS) if rng.random() < 0.6 else rng.choice(OTHER)
    if rng.random() < 0.4:
        return [_tree(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(KEYS): _tree(rng, depth - 1) for _ in range(rng.randint(0, 3))}


def _generated(seed: int, format: str) -> Document | None:
    """Random data in `format`'s canonical layout, with one random layout change."""
    rng = random.Random(seed)
    data = {rng.choice(KEYS): _tree(rng, 3) for _ in range(4)}
    text = render_data(data, format, lossy=True).text
    mutations = [(p, r) for f, p, r in MUTATIONS if f == format]
    pattern, replacement = rng.choice(mutations)
    changed = re.sub(pattern, replacement, text, count=rng.randint(1, 3), flags=re.MULTILINE)
    try:
        return loads(changed, format, f"gen{seed}.{format}")
    except GitMigrateError:
        return None


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("source", FORMATS)
def test_generated_documents_round_trip_or_report_each_change(seed: int, source: str) -> None:
    doc = _generated(seed, source)
    if doc is None:
        pytest.skip("the layout change made the text unreadable")
    for to in FORMATS:
        if to != source:
            _assert_exact(doc.name, doc, to)


def _layout(doc: Document, to: str) -> list[str]:
    return [str(loss) for loss in convert(doc, to, lossy=True).losses if "layout:" in loss.reason]


@pytest.mark.parametrize("to", ["yaml", "json"])
def test_a_dotted_toml_key_is_a_layout_loss(to: str) -> None:
    doc = loads('title = "x"\na.b = 1\n', "toml", "d.toml")
    assert any(s.startswith("a") and "dotted key" in s for s in _layout(doc, to)), _layout(doc, to)


def test_an_env_export_prefix_is_a_layout_loss_reported_without_lossy() -> None:
    doc = loads("export A=1\nB=2\n", "env", "x.env")
    assert _layout(doc, "yaml") == [
        "A: layout: the `export ` prefix is dropped ('export A=1' comes back as 'A=1')"
    ]
    plain = convert(doc, "yaml")  # the data carries over: only the line's layout changes
    assert [loss.layout for loss in plain.losses] == [True] and plain.text == 'A: "1"\nB: "2"\n'


def test_a_layout_loss_beside_a_real_one_still_blocks_a_plain_convert() -> None:
    doc = loads('a: "x"\n# why\nb: 1\n', "yaml", "q.yaml")
    assert [loss.layout for loss in convert(doc, "json", lossy=True).losses] == [False, True]
    with pytest.raises(UsageError, match="losing 1 thing") as raised:
        convert(doc, "json")
    assert "b: comment dropped" in str(raised.value) and "layout" not in str(raised.value)


def test_a_folded_yaml_scalar_is_a_layout_loss() -> None:
    doc = loads("a: >\n  folded text\nb: 1\n", "yaml", "f.yaml")
    layout = _layout(doc, "json")
    assert len(layout) == 1 and layout[0].startswith("a: layout: folded > scalar"), layout


def test_yaml_double_quotes_where_plain_would_do_are_a_layout_loss() -> None:
    doc = loads('a: "plain"\nb: 1\n', "yaml", "q.yaml")
    layout = _layout(doc, "toml")
    assert len(layout) == 1 and layout[0].startswith("a: layout: double-quoted"), layout


@pytest.mark.parametrize("to", ["json", "toml"])
def test_the_canonical_layout_reports_no_layout_loss(to: str) -> None:
    doc = loads("a: plain\nb: 1\nc:\n  d: x\n", "yaml", "c.yaml")
    assert convert(doc, to).losses == ()


def test_only_the_changed_key_is_reported() -> None:
    doc = loads('a: "x"\nb: plain\nc: "z"\nd: w\n', "yaml", "o.yaml")
    losses = convert(doc, "json", lossy=True).losses
    assert [loss.path for loss in losses] == [("a",), ("c",)]
    assert all(isinstance(loss, Loss) for loss in losses)


def test_a_yaml_1_1_boolean_word_comes_back_quoted_and_is_reported() -> None:
    doc = loads("a: y\nb: plain\n", "yaml", "y.yaml")
    assert [str(loss) for loss in convert(doc, "json", lossy=True).losses] == [
        "a: layout: the line is rewritten ('a: y' comes back as 'a: \"y\"')"
    ]


def test_a_toml_dotted_key_already_flattened_for_ini_is_reported_once() -> None:
    doc = loads('title = "x"\na.b = 1\n', "toml", "d.toml")
    losses = convert(doc, "ini", lossy=True).losses
    assert not any("layout:" in loss.reason for loss in losses)
    assert any(loss.path == ("a", "b") for loss in losses)


def test_a_one_line_json_object_is_a_root_layout_loss_when_yaml_writes_it_in_block() -> None:
    doc = loads('{"db": {"port": 5432}}\n', "json", "o.json")
    out = convert(doc, "yaml", lossy=True)
    assert out.text == "db: {port: 5432}\n"
    assert [str(loss) for loss in out.losses] == [
        "(root): layout: the one-line mapping is written in another layout "
        "('{\"db\": {\"port\": 5432}}' comes back as '{')"
    ]
    multi = loads('{\n  "db": {"port": 5432}\n}\n', "json", "m.json")
    assert convert(multi, "yaml").losses == ()


@pytest.mark.parametrize(
    ("source", "text", "reason"),
    [
        ("yaml", "---\na: 1\n", "a: layout: the document marker --- is dropped"),
        ("yaml", "a:\n- 1\n", "a[0]: layout: the indentation changes"),
        ("yaml", "a: !!str 1\n", "a: layout: the explicit tag !!str is dropped"),
        ("yaml", "a: 0o17\n", "a: layout: the number is written in another notation"),
        ("toml", "a=1\n", "a: layout: the line is rewritten ('a=1' comes back as 'a = 1')"),
        ("env", "A = 1\n", "A: layout: the line is rewritten ('A = 1' comes back as 'A=1')"),
    ],
)
def test_each_layout_change_names_what_changes(source: str, text: str, reason: str) -> None:
    layout = _layout(loads(text, source, f"x.{source}"), "json")
    assert len(layout) == 1 and layout[0].startswith(reason), layout
