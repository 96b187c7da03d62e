"""A line break inside a multi-line string of a CRLF file reads as "\n" in every format (TOML
1.0 lets a parser normalise it; tomllib does, YAML's spec does, tomlkit does not), so a value
is the same whichever newline its file uses, and the sops MAC, computed over the values the
Document reads, does not change when a file goes from LF to CRLF. A "\r" the file escapes
(`"\r\n"` in a basic string) stays a "\r"."""

from __future__ import annotations

import tomllib

import pytest

from gitmigrate.files import edit
from gitmigrate.files.document import loads
from gitmigrate.files.sops import Identities, Recipients, decrypt_text, encrypt_text

TOML = [
    'a = """\r\nx\r\ny"""\r\n',
    "a = '''\r\n\r\nx\r\n'''\r\n",
    'a = """x \\  \r\n\r\n  y"""\r\n',
    "[t]\r\na = [\"\"\"p\r\nq\"\"\", '''r\r\ns''']\r\n",
    'a = """x\\r\\ny"""\r\n',
]


@pytest.mark.parametrize("text", TOML)
def test_toml_reads_what_tomllib_reads(text: str) -> None:
    assert loads(text, "toml").data == tomllib.loads(text)


@pytest.mark.parametrize(
    ("text", "fmt", "path", "value"),
    [
        ('a = """\r\nx\r\ny"""\r\n', "toml", ("a",), "x\ny"),
        ("a = '''x\r\ny'''\r\n", "toml", ("a",), "x\ny"),
        ('a = """x\\r\\ny"""\r\n', "toml", ("a",), "x\r\ny"),
        ("a: |\r\n  x\r\n  y\r\n", "yaml", ("a",), "x\ny\n"),
        ("[s]\r\na = x\r\n  y\r\n", "ini", ("s", "a"), "x\ny"),
        ('A="x\r\ny"\r\n', "env", ("A",), "x\ny"),
    ],
)
def test_a_crlf_line_break_in_a_string_reads_as_lf(
    text: str, fmt: str, path: tuple[str, ...], value: str
) -> None:
    assert loads(text, fmt).get(path) == value
    if "\\r" not in text:  # the same file with LF newlines: the same value
        assert loads(text.replace("\r\n", "\n"), fmt).get(path) == value


@pytest.mark.parametrize("value", ["p\nq", "p\r\nq", "p\rq"])
def test_set_in_a_crlf_toml_file_reads_back_the_same_value(value: str) -> None:
    doc = loads('a = """\r\nx\r\ny"""\r\nb = 1\r\n', "toml")
    after = edit.set_value(doc, ("a",), value)
    assert loads(after, "toml").get(("a",)) == value == tomllib.loads(after)["a"]
    assert after.count("\n") == after.count("\r\n")


def test_sops_toml_crlf_multi_line_value_round_trips() -> None:
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    recipients = Recipients(age=(str(identity.to_public()),))
    identities = Identities.from_environment(
        {"SOPS_AGE_KEY": str(identity), "HOME": "/nonexistent"}
    )
    plain = 'a = """\r\nx\r\ny"""\r\nb = "c"\r\n'
    encrypted = encrypt_text(plain, "toml", "x.toml", recipients)
    decrypted = decrypt_text(encrypted, "toml", "x.toml", identities)
    assert loads(decrypted, "toml").data == {"a": "x\ny", "b": "c"}
    lf = encrypt_text(plain.replace("\r\n", "\n"), "toml", "x.toml", recipients)
    assert loads(decrypt_text(lf, "toml", "x.toml", identities), "toml").data == {
        "a": "x\ny",
        "b": "c",
    }
