"""Property tests of the structured-file layer on generated documents in the five formats:
an edit (set_value / unset / rename on a random key) gives a document that parses, holds
exactly the intended data change, and keeps every line that does not name the edited keys
byte-identical; and SOPS encrypt_text -> decrypt_text gives the original text back.

The documents are written by the small writers below (not by the code under test), with
comments, quoted and plain strings, unicode, ints, floats and bools. Key names are
`k<3 digits>x` and no value or comment can contain `k`, so "a line naming the key" is exactly
a line containing its name. Each property runs the same 60 examples every run (the whole file in ~5 s);
GITMIGRATE_PROPERTY_EXAMPLES=500 runs that many fresh random ones instead.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmigrate.files import edit
from gitmigrate.files.document import loads

FORMATS = ("yaml", "json", "toml", "ini", "env")
Names = tuple[str, ...]  # a key path of a generated document (no list items)
# the same examples every run (CI stays predictable); GITMIGRATE_PROPERTY_EXAMPLES=500 explores
# fresh random ones, more of them
_EXPLORE = int(os.environ.get("GITMIGRATE_PROPERTY_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=_EXPLORE or 60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not _EXPLORE,
    database=None,
)

# ---------------------------------------------------------------- generated documents

# no `k` (key names are k000x..k999x), no quote/backslash/`$` (the writers do not escape)
SAFE = "abcdefghijmnopqrstuvwxyzABCDEFXYZ0123456789 _-./é中"
_PLAIN_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "inf", "nan"}


def _name(n: int) -> str:
    return f"k{n:03d}x"


safe_text = st.text(alphabet=SAFE, min_size=1, max_size=12).map(str.strip).filter(bool)
typed_scalar = st.one_of(
    safe_text,
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.floats(-1e6, 1e6, allow_nan=False).filter(lambda f: f != int(f)),
)


@st.composite
def documents(
    draw: st.DrawFn, fmt: str, scalar: st.SearchStrategy[Any] | None = None
) -> tuple[dict[str, Any], list[str], str]:
    """(data, comments, newline): top-level keys with scalars or sections (maps of >= 2
    scalars); INI: sections only, .env: scalars only; INI and .env values are strings."""
    names = iter(draw(st.lists(st.integers(0, 999), min_size=12, max_size=12, unique=True)))
    if scalar is None:
        scalar = safe_text if fmt in ("ini", "env") else typed_scalar
    data: dict[str, Any] = {}
    if fmt != "ini":  # >= 2 entries at the top: see test_files_property_*_unset_last_key
        for _ in range(draw(st.integers(2, 4))):
            data[_name(next(names))] = draw(scalar)
    if fmt != "env":
        for _ in range(draw(st.integers(1 if fmt == "ini" else 0, 2))):
            section = {_name(next(names)): draw(scalar) for _ in range(draw(st.integers(2, 3)))}
            data[_name(next(names))] = section
    comments = draw(st.lists(safe_text, max_size=3))
    return data, comments, draw(st.sampled_from(["\n", "\r\n"]))


def _yaml_scalar(value: Any, style: int, canonical: bool = False) -> str:
    """style 0: plain where it reads back as the same string, 1: single quotes, 2: double."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return repr(value)
    # canonical: the strings files/sops/stores/yaml.py writes plain when it decrypts
    plain = r"[A-Za-z_/][A-Za-z0-9_ ./@+=()-]*" if canonical else r"[a-z][a-z0-9_]*"
    if style == 0 and re.fullmatch(plain, value) and value.lower() not in _PLAIN_WORDS:
        return value
    if style == 1:
        return "'" + value + "'"
    return json.dumps(value, ensure_ascii=False)


def _toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def write(
    fmt: str,
    data: dict[str, Any],
    comments: list[str],
    newline: str = "\n",
    *,
    canonical: bool = False,
) -> str:
    """The document text; comments go first and between entries. `canonical`: the layout
    a SOPS decryption writes back (YAML strings plain where they can be, else double-quoted),
    see the xfail tests at the end."""
    notes = iter(comments)
    lines: list[str] = []
    mark = ";" if fmt == "ini" else "#"

    def note() -> None:
        text = next(notes, None)
        if text is not None and fmt != "json":
            lines.append(f"{mark} {text}")

    def n(name: str) -> int:  # the layout varies with the (random) key numbers
        return int(name[1:4])

    def tail(name: str) -> str:  # an inline comment on some YAML/TOML lines
        return "  # why" if n(name) % 4 == 1 and fmt in ("yaml", "toml") else ""

    def flow(name: str) -> bool:  # some sections in flow style / as TOML inline tables
        return n(name) % 3 == 0

    def gap(name: str) -> None:  # a blank line before some entries
        if n(name) % 5 == 2 and lines:
            lines.append("")

    if fmt == "json":
        indent: int | str = ("\t", 2, 4)[sum(n(k) for k in data) % 3]
        text = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
        return text.replace("\n", newline)
    note()
    if fmt == "env":
        for key, value in data.items():
            gap(key)
            bare = re.fullmatch(r"[A-Za-z0-9_./-]+", value)
            export = "export " if n(key) % 3 == 0 else ""
            lines.append(f"{export}{key}={value}" if bare else f'{export}{key}="{value}"')
            note()
    elif fmt == "ini":
        for section, entries in data.items():
            gap(section)
            lines.append(f"[{section}]")
            for key, value in entries.items():
                lines.append(f"{key} = {value}" if n(key) % 2 else f"{key}={value}")
            note()
    elif fmt == "toml":
        for key, value in data.items():
            if not isinstance(value, dict):
                lines.append(f"{key} = {_toml_scalar(value)}{tail(key)}")
            elif flow(key):  # an inline table, among the top-level keys
                items = ", ".join(f"{k} = {_toml_scalar(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {items} }}{tail(key)}")
        for section, entries in data.items():
            if isinstance(entries, dict) and not flow(section):
                note()
                gap(section)
                lines.append(f"[{section}]")
                for key, value in entries.items():
                    lines.append(f"{key} = {_toml_scalar(value)}{tail(key)}")
    else:
        for m, (key, value) in enumerate(data.items()):
            gap(key)
            if isinstance(value, dict) and flow(key):
                items = ", ".join(
                    f"{k}: {_yaml_scalar(v, 0 if canonical else j % 3, canonical)}"
                    for j, (k, v) in enumerate(value.items())
                )
                lines.append(f"{key}: {{{items}}}{tail(key)}")
            elif isinstance(value, dict):
                lines.append(f"{key}:{tail(key)}")
                pad = " " * (2 + 2 * (n(key) % 2))
                for j, (child, item) in enumerate(value.items()):
                    style = 0 if canonical else (m + j) % 3
                    scalar = _yaml_scalar(item, style, canonical)
                    lines.append(f"{pad}{child}: {scalar}{tail(child)}")
            else:
                scalar = _yaml_scalar(value, 0 if canonical else m % 3, canonical)
                lines.append(f"{key}: {scalar}{tail(key)}")
            note()
    return newline.join(lines) + newline


# ---------------------------------------------------------------- edits and their expected effect


def _paths(data: dict[str, Any], fmt: str) -> tuple[list[Names], list[Names]]:
    """(leaves, sections) of a generated document."""
    leaves: list[Names] = []
    sections: list[Names] = []
    for key, value in data.items():
        if isinstance(value, dict):
            sections.append((key,))
            leaves += [(key, child) for child in value]
        else:
            leaves.append((key,))
    return leaves, sections


def new_values(fmt: str) -> st.SearchStrategy[Any]:
    """Values for set: any one-line text (quotes, `#`, `;`, `=`, `:`, unicode) and, where the
    format types its values, ints, floats and bools. INI cannot hold surrounding spaces."""
    text = st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="kK"),
        min_size=1,
        max_size=15,
    )
    if fmt == "ini":
        text = text.map(str.strip).filter(bool)
    if fmt in ("ini", "env"):
        return text
    floats = st.floats(allow_nan=False, allow_infinity=fmt != "json")  # JSON refuses inf
    return st.one_of(text, st.integers(-(2**40), 2**40), st.booleans(), floats)


def _as_stored(value: Any, fmt: str) -> Any:
    """How the format reads back a value we set (INI and .env hold strings)."""
    if fmt in ("ini", "env"):
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    return value


def _get(data: dict[str, Any], path: Names) -> Any:
    for part in path:
        data = data[part]
    return data


def _untouched(before: str, after: str, names: set[str], fmt: str) -> None:
    """Every line naming none of `names` is byte-identical, in order. JSON may add or drop
    the comma after the previous member (the only way to insert or remove one)."""

    def kept(text: str) -> list[str]:
        return [line for line in text.split("\n") if not any(name in line for name in names)]

    old, new = kept(before), kept(after)
    if fmt == "json":
        old = [line.rstrip("\r").rstrip(",") for line in old]
        new = [line.rstrip("\r").rstrip(",") for line in new]
    assert new == old


def _strings(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    return [data] if isinstance(data, str) else []


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b) and type(a) is type(b)


@st.composite
def edit_cases(draw: st.DrawFn, fmt: str) -> tuple[str, str, dict[str, Any], set[str], str]:
    """(text before, text after, expected data, names the edit may touch, description)."""
    data, comments, newline = draw(documents(fmt))
    text = write(fmt, data, comments, newline)
    doc = loads(text, fmt, f"x.{fmt}")
    assert _same(doc.data, data), f"the generated document reads back differently:\n{text}"
    leaves, sections = _paths(data, fmt)
    used = {int(name[1:4]) for path in leaves + sections for name in path}
    fresh = _name(draw(st.integers(0, 999).filter(lambda n: n not in used)))
    expected = copy.deepcopy(data)
    op = draw(st.sampled_from(["set", "set-new", "unset", "rename"]))
    if op == "set":
        path = draw(st.sampled_from(leaves))
        value = draw(new_values(fmt))
        after = edit.set_value(doc, path, value)
        _get(expected, path[:-1])[path[-1]] = _as_stored(value, fmt)
        names = {path[-1]}
    elif op == "set-new":
        parents: list[Names] = sections if fmt == "ini" else [(), *sections]
        path = (*draw(st.sampled_from(parents)), fresh)
        value = draw(new_values(fmt))
        after = edit.set_value(doc, path, value)
        _get(expected, path[:-1])[fresh] = _as_stored(value, fmt)
        names = {fresh}
    elif op == "unset":
        path = draw(st.sampled_from(leaves + sections))
        removed = _get(expected, path)
        del _get(expected, path[:-1])[path[-1]]
        after = edit.unset(doc, path)
        names = {path[-1], *(removed if isinstance(removed, dict) else ())}
        if fmt == "json" and isinstance(removed, dict):
            names.add("}")  # the removed object's closing line names no key
        value = None
    else:
        path = draw(st.sampled_from(leaves + sections))
        parent = _get(expected, path[:-1])
        renamed = {(fresh if key == path[-1] else key): v for key, v in parent.items()}
        parent.clear()
        parent.update(renamed)
        after = edit.rename(doc, path, (*path[:-1], fresh))
        names = {path[-1], fresh}
        value = None
    if fmt in ("yaml", "toml") and len(path) > 1 and int(path[0][1:4]) % 3 == 0:
        names.add(path[0])  # a flow section: the edit is on its line
    return text, after, expected, names, f"{op} {path} = {value!r}"


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_files_property_edit_changes_only_the_edited_key(fmt: str, data: st.DataObject) -> None:
    before, after, expected, names, what = data.draw(edit_cases(fmt), label="edit")
    got = loads(after, fmt, f"x.{fmt}").data
    assert _same(got, expected), f"{what}: data {got!r} != {expected!r}\n{after}"
    _untouched(before, after, names, fmt)


# ---------------------------------------------------------------- sops round trip


@pytest.fixture(scope="module")
def age_keys() -> tuple[Any, Any]:
    import pyrage

    from gitmigrate.files.sops import Identities, Recipients

    identity = pyrage.x25519.Identity.generate()
    return (
        Recipients(age=(str(identity.to_public()),)),
        Identities(age=(str(identity),), gpg_env={}),
    )


# any float comes back in its notation (1e-05 too: the text is what gets encrypted)
plain_float = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).filter(lambda f: f != int(f)),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: "e" in repr(f)),
)
canonical_scalar = st.one_of(safe_text, st.integers(-(10**9), 10**9), st.booleans(), plain_float)


def _round_trip(text: str, fmt: str, age_keys: tuple[Any, Any]) -> str:
    from gitmigrate.files.sops import decrypt_text, encrypt_text

    recipients, identities = age_keys
    encrypted = encrypt_text(text, fmt, f"x.{fmt}", recipients)
    body = re.sub(r"ENC\[[^\]]*\]", "", encrypted.split("sops")[0]).replace("export ", "")
    hidden = _strings(loads(text, fmt).data) + re.findall(r"[#;] ([^\r\n]+)", text)
    for value in hidden:  # no plaintext value or comment is left (keys are k000x)
        assert not set(value) - set("0123456789x") or value not in body, (value, body)
    decrypted: str = decrypt_text(encrypted, fmt, f"x.{fmt}", identities)
    return decrypted


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(doc=st.data())
def test_files_property_sops_round_trip_gives_the_bytes_back(
    fmt: str, doc: st.DataObject, age_keys: tuple[Any, Any]
) -> None:
    """encrypt_text -> decrypt_text is the identity on documents in the layout decryption
    writes (see the xfail tests below for the layouts it does not give back)."""
    scalar = safe_text if fmt in ("ini", "env") else canonical_scalar
    data, comments, newline = doc.draw(documents(fmt, scalar), label="document")
    text = write(fmt, data, comments, newline, canonical=True)
    assert _round_trip(text, fmt, age_keys) == text


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(doc=st.data())
def test_files_property_sops_round_trip_keeps_the_data(
    fmt: str, doc: st.DataObject, age_keys: tuple[Any, Any]
) -> None:
    """Any quoting and float notation: the decrypted document reads as the original."""
    data, comments, newline = doc.draw(documents(fmt), label="document")
    text = write(fmt, data, comments, newline)
    back = _round_trip(text, fmt, age_keys)
    assert _same(loads(back, fmt, f"x.{fmt}").data, data)


# ---------------------------------------------------------------- what the properties found
# Bugs in gitmigrate/files (owned by other helpers), each as its minimal example.


@pytest.mark.xfail(
    strict=True,
    reason="edit.unset of the last key of a YAML document leaves an empty file, which reads "
    "as null, not as the empty mapping {}",
)
def test_files_property_yaml_unset_last_key() -> None:
    after = edit.unset(loads("a: 1\n", "yaml"), ("a",))
    assert loads(after, "yaml").data == {}


def test_files_property_json_unset_last_key() -> None:
    """The object left empty is written `{}` (edit.unset's rule), not a line of spaces."""
    before = '{\n  "a": 1\n}\n'
    after = edit.unset(loads(before, "json"), ("a",))
    assert loads(after, "json").data == {} and after == "{}\n"


def _sops_bug(fmt: str, text: str, age_keys: tuple[Any, Any]) -> None:
    assert _round_trip(text, fmt, age_keys) == text


def test_files_property_sops_yaml_key_line_comment(age_keys: tuple[Any, Any]) -> None:
    """A comment on the line of a mapping key (`a:  # why`, also `a: {b: 1}  # why`) is
    encrypted like every other comment (it stayed in clear text)."""
    from gitmigrate.files.sops import encrypt_text

    for text in ("a:  # why\n  b: 1\n", "a: {b: 1}  # why\n"):
        encrypted = encrypt_text(text, "yaml", "x.yaml", age_keys[0])
        assert "why" not in re.sub(r"ENC\[[^\]]*\]", "", encrypted.split("sops:")[0])
        assert _round_trip(text, "yaml", age_keys) == text


def test_files_property_sops_ini_trailing_comment(age_keys: tuple[Any, Any]) -> None:
    """A comment after the last section's entries comes back as text (it was encrypted under
    that section's path and read back under the appended [sops] section's)."""
    _sops_bug("ini", "[s]\na = 1\n; note\n", age_keys)


def test_files_property_sops_ini_quoted_value(age_keys: tuple[Any, Any]) -> None:
    """A quoted value `a = "x"` (the string '"x"' as files.ini_parse reads it) decrypts to
    the same line (it came back as `a = x`: the data changed)."""
    _sops_bug("ini", '[s]\na = "x"\n', age_keys)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [("yaml", "a: 'x'\n"), ("yaml", 'a: "x"\n'), ("yaml", "a: '0'\n"), ("toml", "a = 'x'\n")],
)
def test_files_property_sops_quoting(fmt: str, text: str, age_keys: tuple[Any, Any]) -> None:
    """A string comes back in its quotes (the ENC literal keeps them)."""
    _sops_bug(fmt, text, age_keys)


@pytest.mark.xfail(
    strict=True,
    reason="limit, not a bug to fix: in a YAML flow collection an ENC string must be quoted, "
    'so a plain and a double-quoted string both encrypt to "ENC[...]" and decryption writes '
    'the plain form where it can ({b: "x"} -> {b: x}); the style is not stored elsewhere',
)
def test_files_property_sops_quoting_in_flow_style(age_keys: tuple[Any, Any]) -> None:
    _sops_bug("yaml", 'a: {b: "x"}\n', age_keys)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [("yaml", "a: 1.0e-05\n"), ("json", '{"a": 1e-05}\n'), ("toml", "a = 1e-05\n")],
)
def test_files_property_sops_float_exponent(fmt: str, text: str, age_keys: tuple[Any, Any]) -> None:
    """A float comes back in its notation (it came back in Go's, without an exponent)."""
    _sops_bug(fmt, text, age_keys)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [("yaml", "a: b"), ("toml", 'a = "b"'), ("ini", "[s]\na = b"), ("env", "A=b")],
)
def test_files_property_sops_no_final_newline(
    fmt: str, text: str, age_keys: tuple[Any, Any]
) -> None:
    """A document without a final newline comes back without one (its encrypted form ends
    without one too)."""
    _sops_bug(fmt, text, age_keys)
