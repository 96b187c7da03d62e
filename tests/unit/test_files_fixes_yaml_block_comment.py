"""A comment on a block scalar's header line (`key: |- # note`) is the file's, not the
value's: the parser reports it, and convert keeps it on the header instead of dropping it or
writing the string double-quoted."""

from __future__ import annotations

import pytest

from gitmigrate.files import edit
from gitmigrate.files.convert import convert
from gitmigrate.files.document import loads

TEXT = "a: |- # first\n  x # inside\n  y\nb: >+   # kept\n  z\n\nc:\n  - |2 #item\n     q\nd: 1\n"


def test_a_block_scalar_header_comment_is_a_comment() -> None:
    doc = loads(TEXT, "yaml", "x.yaml")
    found = [(c.text, c.line, c.parent, c.inline) for c in doc.comments]
    assert found == [
        (" first", 1, (), True),
        (" kept", 4, (), True),
        ("item", 8, ("c",), True),
    ]
    assert doc.data == {"a": "x # inside\ny", "b": "z\n\n", "c": [" q\n"], "d": 1}
    for comment in doc.comments:
        assert TEXT[comment.span.start : comment.span.end] == "#" + comment.text


@pytest.mark.parametrize("middle", ["toml", "yaml"])
def test_convert_keeps_it_on_the_block_header(middle: str) -> None:
    text = "a: |- # first\n  x\n  y\nb: 1\n"
    there = convert(loads(text, "yaml"), middle)
    back = convert(loads(there.text, middle), "yaml")
    assert there.losses == () and back.losses == ()
    assert back.text == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("p\nq", "a: |- # c\n  p\n  q\nb: 1\n"),
        ("p", "a: p # c\nb: 1\n"),
        (5, "a: 5 # c\nb: 1\n"),
    ],
)
def test_set_keeps_the_header_comment(value: object, expected: str) -> None:
    doc = loads("a: |- # c\n  x\n  y\nb: 1\n", "yaml")
    assert edit.set_value(doc, ("a",), value) == expected
