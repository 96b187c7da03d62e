"""Checksums: stable across CRLF and BOM, sensitive to every real edit."""

from __future__ import annotations

import pytest

from gitmigrate.core.checksum import ALGORITHM, canonical, file_checksum, step_checksum

SQL = b"CREATE TABLE users (\n  id INTEGER PRIMARY KEY\n);\n"


def test_crlf_and_bom_do_not_change_the_checksum() -> None:
    crlf = SQL.replace(b"\n", b"\r\n")
    bom = b"\xef\xbb\xbf" + SQL
    assert file_checksum(crlf) == file_checksum(SQL)
    assert file_checksum(bom) == file_checksum(SQL)
    assert file_checksum(b"\xef\xbb\xbf" + crlf) == file_checksum(SQL)
    assert canonical(b"a\rb") == b"a\nb"


def test_joining_two_lines_changes_the_checksum() -> None:
    assert file_checksum(b"a\nb") != file_checksum(b"ab")


@pytest.mark.parametrize(
    "edited",
    [
        SQL.replace(b"users", b"user"),
        SQL + b"\n",
        SQL.replace(b"  id", b"id"),
        SQL.upper(),
    ],
)
def test_any_real_edit_changes_the_checksum(edited: bytes) -> None:
    assert file_checksum(edited) != file_checksum(SQL)


def test_file_checksum_is_sha256_hex() -> None:
    import hashlib

    assert file_checksum(SQL) == hashlib.sha256(SQL).hexdigest()
    assert ALGORITHM == "gm-sha256-v1"


def test_step_checksum_frames_files() -> None:
    base = {"up.sql": b"ab", "down.sql": b"c"}
    moved = {"up.sql": b"a", "down.sql": b"bc"}
    renamed = {"up.sql": b"ab", "verify.sql": b"c"}
    assert step_checksum(base) != step_checksum(moved)
    assert step_checksum(base) != step_checksum(renamed)
    assert step_checksum(base) == step_checksum(dict(reversed(list(base.items()))))
    crlf = {k: v.replace(b"\n", b"\r\n") for k, v in {"up.sql": SQL}.items()}
    assert step_checksum(crlf) == step_checksum({"up.sql": SQL})
