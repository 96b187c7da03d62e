"""The SOPS MAC: SHA-512 over the plaintext of every leaf in tree-walk order, stored encrypted
with `lastmodified` as additional data. It binds the set, order and values of the leaves, so a
reordered key, a dropped value or a value copied in from another file is detected."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.sops import cipher

_MAC_ONLY_PREFIX = hashlib.sha256(b"sops").digest()


def compute(leaves: Iterable[tuple[Any, bool]], *, mac_only_encrypted: bool = False) -> str:
    """`leaves` are (plaintext value, encrypted?) pairs in walk order; nulls add nothing."""
    digest = hashlib.sha512()
    if mac_only_encrypted:
        digest.update(_MAC_ONLY_PREFIX)
    for value, encrypted in leaves:
        if value is None or (mac_only_encrypted and not encrypted):
            continue
        digest.update(cipher.mac_bytes(value))
    return digest.hexdigest().upper()


def seal(mac: str, key: bytes, lastmodified: str) -> str:
    return cipher.encrypt(mac, key, lastmodified)


def check(expected: str, stored: str | None, key: bytes, lastmodified: str, name: str) -> None:
    """Compare the MAC of the decrypted tree with the stored one; any difference is refused."""
    if not stored:
        raise UsageError(
            f"MAC mismatch: {name} has no MAC",
            "the sops block was edited; restore the file from git",
        )
    try:
        found = cipher.decrypt(stored, key, lastmodified)
    except UsageError:
        found = None
    if found != expected:
        raise UsageError(
            f"MAC mismatch: {name} was changed after it was encrypted (a value, the order of "
            "keys or lastmodified)",
            "restore the file from git, or decrypt the original and encrypt it again",
        )
