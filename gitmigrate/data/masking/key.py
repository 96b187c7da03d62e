"""The masking key and what is derived from it.

The key comes from an environment variable only (never from git, a note or a log), and is
held in memory by `Keyed`, which derives one sub-key per purpose so that `hash`, `hmac` and
the fakes of one value are unrelated to each other. Every output depends on the key and the
value only, never on the table, the chunk or the run: that is what keeps joins intact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import uuid
from decimal import Decimal
from typing import Any

from gitmigrate.errors import UsageError

MIN_KEY_BYTES = 16


def mask_key(variable: str) -> bytes:
    """The masking key from environment variable `variable`; missing, empty or shorter than
    16 bytes is a UsageError naming the variable (never the value)."""
    value = os.environ.get(variable, "")
    fix = f"export {variable}=... (at least {MIN_KEY_BYTES} bytes of secret)"
    if not value:
        raise UsageError(f"the masking key variable {variable} is not set", fix)
    raw = value.encode("utf-8")
    if len(raw) < MIN_KEY_BYTES:
        raise UsageError(
            f"the masking key in {variable} is too short ({len(raw)} bytes)",
            fix,
        )
    return raw


def encode(value: Any) -> bytes:
    """One byte string per value, tagged by its kind, so that equal values of one kind (the
    id 5 in customer.id and in orders.customer_id) give equal digests everywhere."""
    if isinstance(value, bool):
        return b"b:1" if value else b"b:0"
    if isinstance(value, int):
        return b"i:" + str(value).encode()
    if isinstance(value, str):
        return b"s:" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"x:" + bytes(value)
    if isinstance(value, Decimal):
        return b"d:" + str(value).encode()
    if isinstance(value, float):
        return b"f:" + repr(value).encode()
    if isinstance(value, uuid.UUID):
        return b"s:" + str(value).encode()
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return b"t:" + value.isoformat().encode()
    return b"r:" + repr(value).encode("utf-8", "surrogatepass")


class Keyed:
    """HMAC-SHA256 under a sub-key derived from the masking key and a purpose; `prf` is the
    faster keyed BLAKE2b under a further sub-key, for the rounds of the permutations."""

    __slots__ = ("_base", "_prf")

    def __init__(self, key: bytes, purpose: str) -> None:
        sub = hmac.new(key, b"gitmigrate-mask/v1/" + purpose.encode(), hashlib.sha256).digest()
        self._base = hmac.new(sub, digestmod=hashlib.sha256)
        prf_key = hmac.new(sub, b"prf", hashlib.sha256).digest()
        self._prf = hashlib.blake2b(key=prf_key, digest_size=32)

    def digest(self, data: bytes) -> bytes:
        h = self._base.copy()
        h.update(data)
        return h.digest()

    def prf_state(self, prefix: bytes) -> Any:
        """A keyed BLAKE2b that has absorbed `prefix`: copy, update and digest it."""
        h = self._prf.copy()
        h.update(prefix)
        return h

    def prf(self, data: bytes) -> bytes:
        """32 pseudo-random bytes of `data` under the key (keyed BLAKE2b)."""
        h = self._prf.copy()
        h.update(data)
        return h.digest()

    def of(self, value: Any) -> bytes:
        """The 32-byte digest of a value (see `encode`)."""
        return self.digest(encode(value))

    def number(self, value: Any) -> int:
        """The digest of a value as a non-negative integer (256 bits)."""
        return int.from_bytes(self.of(value), "big")

    def __repr__(self) -> str:  # never show key material
        return "Keyed(<secret>)"
