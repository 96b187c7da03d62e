"""Blank lines that belong to a value convert as the value's: a YAML `|+` block keeps its
trailing blank lines (they are not also a blank line before the next entry), and an INI value
whose first line is empty (`key =` then indented lines) is text INI holds, not a loss."""

from __future__ import annotations

import pytest

from gitmigrate.files.convert import convert
from gitmigrate.files.document import loads

KEEP = [
    "a: |+\n  x\n\nb: 1\n",
    "a: |+\n  x\n\n\nb: 1\n",
    "a: 1\nb: |+\n  x\n\n",
    "a: |+\n  x\n\n# c\nb: 1\n",
    "l:\n  - |+\n    x\n\n  - 2\n",
    "s:\n  a: |+\n    x\n\n  b: c\n",
    "a: |+\r\n  x\r\n\r\nb: 1\r\n",
]


@pytest.mark.parametrize("middle", ["json", "toml", "yaml"])
@pytest.mark.parametrize("text", KEEP)
def test_a_keep_block_comes_back_byte_identical(text: str, middle: str) -> None:
    there = convert(loads(text, "yaml"), middle, lossy=True)
    back = convert(loads(there.text, middle), "yaml", lossy=True)
    if not there.losses:
        assert back.text == text
    assert "\n\n\n" not in there.text.replace("\r", "") or "\n\n\n" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: |+\n  x\n\nb: c\n", 'a="x\\n\\n"\nb=c\n'),
        ("a: c\nb: |+\n  x\n\n", 'a=c\nb="x\\n\\n"\n'),
    ],
)
def test_a_keep_block_to_env_has_no_extra_blank_line(text: str, expected: str) -> None:
    there = convert(loads(text, "yaml"), "env")
    assert there.text == expected
    assert convert(loads(there.text, "env"), "yaml").text == text


def test_a_keep_block_to_ini_reports_the_blank_lines_once() -> None:
    there = convert(loads("s:\n  a: |+\n    x\n\n  b: c\n", "yaml"), "ini", lossy=True)
    assert there.text == "[s]\na = x\nb = c\n"
    assert [(loss.path, loss.reason[:40]) for loss in there.losses] == [
        (("s", "a"), "leading/trailing spaces or empty lines o")
    ]


INI = [
    "[s]\nkey =\n    a\n    b\nk2 = v\n",
    "[s]\nkey =\n    a\n",
    "[s]\nkey =\nk = v\n",
]


@pytest.mark.parametrize("middle", ["json", "toml", "yaml"])
@pytest.mark.parametrize("text", INI)
def test_an_ini_value_with_an_empty_first_line_is_no_loss(text: str, middle: str) -> None:
    there = convert(loads(text, "ini"), middle)
    back = convert(loads(there.text, middle), "ini")
    assert (there.losses, back.losses) == ((), ())
    assert back.text == text


def test_an_ini_value_with_blank_lines_inside_is_still_a_loss() -> None:
    doc = loads("a:\n  k: |-\n\n\n    x\n", "yaml")
    there = convert(doc, "ini", lossy=True)
    assert [loss.path for loss in there.losses] == [("a", "k")]
