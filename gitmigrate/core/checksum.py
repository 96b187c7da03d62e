"""Canonical content hashing of step files.

Checkouts change bytes without changing meaning: `core.autocrlf` turns LF into CRLF, editors
add a UTF-8 BOM. Hashing the canonical form (no BOM, LF line ends) keeps an applied step's
checksum stable across those, while any real edit -- even joining two lines, which a per-line
CRC misses -- changes it. The algorithm id is stored beside every checksum so that a future
algorithm never reports a false mismatch against an old one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

ALGORITHM = "gm-sha256-v1"
_BOM = b"\xef\xbb\xbf"


def canonical(content: bytes) -> bytes:
    if content.startswith(_BOM):
        content = content[len(_BOM) :]
    return content.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def file_checksum(content: bytes) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def step_checksum(files: Mapping[str, bytes]) -> str:
    """One digest over every file of a step, framed so that moving bytes between files counts."""
    digest = hashlib.sha256()
    for name in sorted(files):
        body = canonical(files[name])
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()
