"""Round trips A -> B -> A for each ordered pair of the five formats, on fixtures with comments,
anchors, unicode, big integers, dates and multi-line strings: the original bytes come back,
or the conversion reported each loss exactly (fixtures/config/roundtrip/losses.json), and
every value that came back different sits under a reported loss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.convert import convert
from gitmigrate.files.diff import diff_data
from gitmigrate.files.document import load, loads
from gitmigrate.files.formats import FORMATS, SUFFIX_OF

ROUNDTRIP = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "roundtrip"
EXPECTED = json.loads((ROUNDTRIP / "losses.json").read_text(encoding="utf-8"))
PAIRS = [(a, b) for a in FORMATS for b in FORMATS if a != b]


def _round_trip(a: str, b: str) -> tuple[str, str, list[str], list[str]]:
    original = load(ROUNDTRIP / f"app{SUFFIX_OF[a]}", name=f"app{SUFFIX_OF[a]}")
    there = convert(original, b, lossy=True)
    middle = loads(there.text, b, f"app{SUFFIX_OF[b]}")
    back = convert(middle, a, lossy=True)
    return (
        original.text,
        back.text,
        [str(loss) for loss in there.losses],
        [str(loss) for loss in back.losses],
    )


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a}-{b}-{a}" for a, b in PAIRS])
def test_round_trip_is_byte_identical_or_reports_each_loss(a: str, b: str) -> None:
    original, back, there_losses, back_losses = _round_trip(a, b)
    expected = EXPECTED[f"{a}>{b}"]
    assert (there_losses, back_losses) == (expected["there"], expected["back"])
    if not there_losses and not back_losses:
        assert back == original


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a}-{b}-{a}" for a, b in PAIRS])
def test_every_difference_after_the_round_trip_is_a_reported_loss(a: str, b: str) -> None:
    original = load(ROUNDTRIP / f"app{SUFFIX_OF[a]}")
    there = convert(original, b, lossy=True)
    back = convert(loads(there.text, b), a, lossy=True)
    returned = loads(back.text, a)
    lost = [loss.path for loss in there.losses]
    reasons = " ".join(loss.reason for loss in (*there.losses, *back.losses))
    for change in diff_data(original.data, returned.data):
        covered = any(
            change.path[: len(path)] == path or path[: len(change.path)] == change.path
            for path in lost
        )
        # a flattened key comes back under the flat name the loss names
        flattened = change.what == "added" and str(change.path[-1]) in reasons
        assert covered or flattened, f"{change} is not reported as a loss of {a} -> {b}"
    if "comment" not in reasons:
        assert [c.text for c in returned.comments] == [c.text for c in original.comments]


def test_without_lossy_the_losses_are_a_usage_error_naming_each_key_path() -> None:
    doc = load(ROUNDTRIP / "app.yaml")
    with pytest.raises(UsageError) as caught:
        convert(doc, "toml")
    message = str(caught.value)
    assert "order_base: integer outside 64 bits" in message
    assert "defaults: anchor &defaults dropped" in message
    assert "server.limits: alias *defaults written out in full" in message
    assert "--lossy" in message


def test_lossless_pairs_exist_for_every_source_format() -> None:
    clean = {
        a
        for a, b in PAIRS
        if not EXPECTED[f"{a}>{b}"]["there"] and not EXPECTED[f"{a}>{b}"]["back"]
    }
    assert clean >= {"json", "toml", "ini", "env"}


def test_yaml_without_anchors_round_trips_through_toml_byte_identical() -> None:
    original = load(ROUNDTRIP / "services.yaml")
    there = convert(original, "toml")
    assert there.losses == ()
    assert '[[backends]]\nname = "api"  # the public API\n' in there.text
    back = convert(loads(there.text, "toml"), "yaml")
    assert back.losses == ()
    assert back.text == original.text


def test_crlf_line_endings_survive_the_round_trip(tmp_path: Path) -> None:
    source = (ROUNDTRIP / "services.yaml").read_text(encoding="utf-8")
    original = loads(source.replace("\n", "\r\n"), "yaml", "services.yaml")
    there = convert(original, "json", lossy=True)
    assert "\r\n" in there.text and "\n" not in there.text.replace("\r\n", "")
    toml = convert(original, "toml")
    assert convert(loads(toml.text, "toml"), "yaml").text == original.text


def test_ini_semicolon_comments_are_reported_when_the_target_has_only_hash(tmp_path: Path) -> None:
    doc = loads("; the app\n[app]\nname = x\n", "ini", "app.ini")
    out = convert(doc, "yaml", lossy=True)
    assert out.text == "# the app\napp:\n  name: x\n"
    assert [str(loss) for loss in out.losses] == ["app: comment marker ';' written as '#'"]


def test_a_lossless_conversion_needs_no_flag() -> None:
    out = convert(load(ROUNDTRIP / "app.env"), "toml")
    assert out.losses == ()
    assert out.text.startswith(
        "# Application settings.\nAPP_NAME = 'Zoë shop ☕'\n"
    )  # single stays single
    assert 'DATABASE_URL = "postgres://db.internal:5432/shop"  # the primary\n' in out.text


def test_same_format_is_the_text_unchanged_and_unknown_format_is_an_error() -> None:
    doc = load(ROUNDTRIP / "app.yaml")
    assert convert(doc, "yaml").text == doc.text
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        convert(doc, "xml")


def test_one_line_containers_stay_one_line_through_yaml_and_toml() -> None:
    text = (
        "{\n"
        '  "limits": {"rps": 100.5, "burst": 10},\n'
        '  "ciphers": ["A", "B, C"],\n'
        '  "hosts": [\n    "a",\n    "b"\n  ],\n'
        '  "empty": [],\n'
        '  "db": {\n    "url": "x"\n  }\n'
        "}"
    )
    doc = loads(text, "json", "app.json")
    yaml = convert(doc, "yaml")
    assert yaml.text == (
        'limits: {rps: 100.5, burst: 10}\nciphers: [A, "B, C"]\nhosts:\n  - a\n  - b\n'
        "empty: []\ndb:\n  url: x"
    )
    toml = convert(doc, "toml")
    assert toml.text == (
        'limits = { rps = 100.5, burst = 10 }\nciphers = ["A", "B, C"]\n'
        'hosts = [\n  "a",\n  "b",\n]\nempty = []\n[db]\nurl = "x"'
    )
    for middle, converted in (("yaml", yaml), ("toml", toml)):
        assert convert(loads(converted.text, middle), "json").text == text


def test_env_names_that_cannot_be_variables_are_renamed_and_reported() -> None:
    doc = loads('{"a b": "1", "9x": "2"}\n', "json", "v.json")
    out = convert(doc, "env", lossy=True)
    assert out.text == "a_b=1\n_9x=2\n"
    assert [str(loss) for loss in out.losses] == [
        "\"a b\": name 'a b' written as a_b: .env names are letters, digits, _ . -",
        "9x: name '9x' written as _9x: .env names are letters, digits, _ . -",
    ]


def test_empty_tables_keep_their_place() -> None:
    toml = "[a]\nx = 1\n[b]\n"
    as_yaml = convert(loads(toml, "toml"), "yaml")
    assert as_yaml.text == "a:\n  x: 1\nb: {}\n"
    assert convert(loads(as_yaml.text, "yaml"), "toml").text == toml
    yaml = "a: {}\nb:\n  c: 1\n"
    assert convert(loads(yaml, "yaml"), "toml").text == "a = {}\n[b]\nc = 1\n"


def test_escaped_unicode_and_one_line_tables_in_lists_survive_yaml_and_toml() -> None:
    text = (
        "{\n"
        '  "greeting": "Gr\\u00fc\\u00df Gott \\u2014 \\u4f60\\u597d",\n'
        '  "plain": "Grüß",\n'
        '  "items": [\n    {"id": 1, "tags": []},\n    {"id": 2, "tags": ["x"]}\n  ]\n'
        "}\n"
    )
    doc = loads(text, "json")
    for middle in ("yaml", "toml"):
        there = convert(doc, middle)
        assert "\\u00fc" in there.text and "Grüß" in there.text
        assert convert(loads(there.text, middle), "json").text == text
    assert "items = [\n  { id = 1, tags = [] },\n" in convert(doc, "toml").text


def test_number_like_yaml_keys_stay_plain_through_toml() -> None:
    yaml = 'ports:\n  80: http\n  443: https\n  "true": x\n'
    toml = convert(loads(yaml, "yaml"), "toml")
    assert toml.text == '[ports]\n80 = "http"\n443 = "https"\ntrue = "x"\n'
    assert convert(loads(toml.text, "toml"), "yaml").text == yaml
