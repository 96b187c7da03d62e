"""INI (configparser's rules) and .env parsing and edits on fixtures/config/formats."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.files import edit
from gitmigrate.files.document import Document, load, loads

FORMATS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "formats"


def doc_of(name: str) -> Document:
    return load(FORMATS_DIR / name)


@pytest.mark.parametrize("name", ["app.ini", "crlf.ini"])
def test_ini_data_is_what_configparser_reads(name: str) -> None:
    parser = configparser.ConfigParser(interpolation=None, default_section="\0none")
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(FORMATS_DIR / name, encoding="utf-8")
    expected = {section: dict(parser[section]) for section in parser.sections()}
    assert doc_of(name).data == expected


def test_ini_spans() -> None:
    doc = doc_of("app.ini")
    text = doc.text
    description = doc.nodes[("server", "description")]
    assert text[description.span.start : description.span.end] == (
        "a multi-line\n    value continued\n    here"
    )
    port = doc.nodes[("server", "port")]
    assert text[port.key.start : port.key.end] == "port"  # type: ignore[union-attr]
    assert text[port.entry.start : port.entry.end] == "port: 8080\n"
    assert [c.text for c in doc.comments] == [
        " Legacy service settings",
        " both comment markers are allowed",
    ]


def test_ini_edits() -> None:
    doc = doc_of("app.ini")
    text = edit.set_value(doc, ("server", "port"), "9090")
    assert "\nport: 9090\n" in text
    text = edit.set_value(doc, ("server", "empty"), "now")
    assert "\nempty = now\n" in text
    text = edit.set_value(doc, ("database", "password"), "ENC[x]")
    assert text.endswith("user=admin\npassword=ENC[x]\n")
    text = edit.set_value(doc, ("cache", "url"), "redis://c")
    assert text.endswith("user=admin\n\n[cache]\nurl = redis://c\n")
    text = edit.set_value(doc, ("server", "description"), "one\ntwo")
    assert "description = one\n    two\nempty =\n" in text
    text = edit.rename(doc, ("server", "host"), ("hostname",))
    assert "\nhostname = api.example.com\n" in text
    text = edit.unset(doc, ("server", "description"))
    assert "port: 8080\nempty =\n" in text
    text = edit.set_value(doc_of("crlf.ini"), ("server", "tls"), "on")
    assert text == "[server]\r\nhost = a.example\r\nport = 80\r\ntls = on\r\n"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("key = 1\n", 1, 1),
        ("[a]\nkey\n", 2, 1),
        ("[a]\nk = 1\nk = 2\n", 3, 1),
        ("[a]\n[a]\n", 2, 1),
    ],
)
def test_ini_errors(text: str, line: int, column: int) -> None:
    with pytest.raises(FileFormatError) as caught:
        loads(text, "ini", "x.ini")
    assert (caught.value.line, caught.value.column) == (line, column)


def test_env_data_and_spans() -> None:
    doc = doc_of("app.env")
    assert doc.data == {
        "APP_NAME": "service",
        "APP_PORT": "8080",
        "DATABASE_URL": "postgres://db.internal:5432/app",
        "GREETING": "Grüß Gott — 你好",
        "EMPTY": "",
        "QUOTED": "line one\nline two",
        "PLAIN": "value",
        "SPACED": "spaced value",
    }
    quoted = doc.nodes[("QUOTED",)]
    assert doc.text[quoted.span.start : quoted.span.end] == '"line one\\nline two"'
    assert [c.inline for c in doc.comments] == [False, True, True]


def test_env_edits_keep_quotes_comments_and_export() -> None:
    doc = doc_of("app.env")
    text = edit.set_value(doc, ("APP_PORT",), "9090")
    assert "\nexport APP_PORT=9090\n" in text
    text = edit.set_value(doc, ("QUOTED",), "a\nb")
    assert '\nQUOTED="a\\nb" # inline comment\n' in text
    text = edit.set_value(doc, ("GREETING",), "Servus")
    assert "\nGREETING='Servus'\n" in text
    text = edit.set_value(doc, ("PLAIN",), "two words")
    assert '\nPLAIN="two words" # comment after a space\n' in text
    text = edit.set_value(doc, ("NEW_KEY",), "x")
    assert text.endswith("SPACED = spaced value\nNEW_KEY=x\n")
    text = edit.unset(doc, ("PLAIN",))
    assert "PLAIN" not in text and "comment after a space" not in text
    text = edit.rename(doc, ("APP_PORT",), ("PORT",))
    assert "\nexport PORT=8080\n" in text
    text = edit.set_value(doc_of("crlf.env"), ("C",), "3")
    assert text == 'A=1\r\nB="two"\r\nC=3\r\n'
    with pytest.raises(UsageError):
        edit.set_value(doc, ("A", "B"), "x")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("A=1\nnot a line\n", 2, 1),
        ('A="open\n', 1, 3),
        ("A=1\nA=2\n", 2, 1),
        ('A="x"y\n', 1, 6),
    ],
)
def test_env_errors(text: str, line: int, column: int) -> None:
    with pytest.raises(FileFormatError) as caught:
        loads(text, "env", ".env")
    assert (caught.value.line, caught.value.column) == (line, column)
