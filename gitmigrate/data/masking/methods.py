"""`hash` and `hmac` per column type: one function per column, chosen once, called per value.

hmac is a keyed permutation (unique by construction, same type, same size):
  integers within their ring (permute.py), text and UUIDs per character class, decimals as
  their unscaled integer within its number of digits (same scale, digits and sign), dates
  within their year, timestamps to the second within their year, times within the day, bytes
  as a number of their length, booleans by a keyed flip.
hash is a keyed SHA-256 fitted to the column: hex for text (cut to the length), a number in the
  column's range for integers and decimals, a shift of 1 to 365 days for dates and timestamps.
  Keyed, so a dictionary of all SSNs cannot undo it. On a unique column, hash of anything but
  long text (64 hex characters, or at least 20 fit) is hmac, so that it stays unique.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from gitmigrate.data.masking.columns import ColumnType, fit_text
from gitmigrate.data.masking.key import Keyed
from gitmigrate.data.masking.permute import (
    DIGITS,
    HEX_LOWER,
    NONZERO,
    CharPermutation,
    DecimalPermutation,
    IntPermutation,
    Permutation,
)

Mask = Callable[[Any], Any]


def make_hmac(key: bytes, ctype: ColumnType) -> Mask:
    """The keyed permutation of a column's values."""
    keyed = Keyed(key, "hmac")
    ints = IntPermutation(keyed)
    chars = CharPermutation(keyed)
    decimals = DecimalPermutation(keyed)
    hexes = CharPermutation(keyed, lambda t, i: HEX_LOWER if t[i] in HEX_LOWER else None)
    perms: dict[tuple[str, int], Permutation] = {}

    def within(kind: str, size: int, offset: int) -> int:
        perm = perms.get((kind, size))
        if perm is None:
            perm = perms[(kind, size)] = Permutation(keyed, size, f"{kind}:{size}".encode())
        return perm(offset)

    def mask(value: Any) -> Any:
        if isinstance(value, bool):
            return value ^ bool(keyed.of(b"bool")[0] & 1)
        if isinstance(value, int):
            return ints(value)
        if isinstance(value, str):
            return chars(value)
        if isinstance(value, Decimal):
            return decimals(value)
        if isinstance(value, uuid.UUID):
            return uuid.UUID(hexes(str(value)))
        if isinstance(value, dt.datetime):
            start = value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
            days = 366 if _leap(value.year) else 365
            offset = int((value - start).total_seconds())
            return (
                start
                + dt.timedelta(seconds=within("second", days * 86400, offset))
                + (dt.timedelta(microseconds=value.microsecond))
            )
        if isinstance(value, dt.date):
            start_day = dt.date(value.year, 1, 1)
            days = 366 if _leap(value.year) else 365
            return start_day + dt.timedelta(days=within("day", days, (value - start_day).days))
        if isinstance(value, dt.time):
            secs = within("time", 86400, value.hour * 3600 + value.minute * 60 + value.second)
            return value.replace(hour=secs // 3600, minute=secs // 60 % 60, second=secs % 60)
        if isinstance(value, (bytes, bytearray, memoryview)):
            raw = bytes(value)
            out = ints(int.from_bytes(raw, "big")) if raw else 0
            return out.to_bytes(len(raw), "big") if raw else raw
        if isinstance(value, float):
            return _hash_float(keyed, value)
        return fit_text(chars(str(value)), ctype)

    return mask


def _decimal_class(text: str, i: int) -> str | None:
    """Digits are replaced, except that the integer part keeps its number of digits: its first
    digit stays non-zero, and a lone 0 stays 0 (so 0.25 in NUMERIC(2, 2) stays below 1)."""
    c = text[i]
    if not c.isdigit():
        return None
    if i == 0 or text[i - 1] == "-":  # first digit of the integer part
        if c == "0" and (i + 1 == len(text) or not text[i + 1].isdigit()):
            return None
        return NONZERO
    return DIGITS


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def make_hash(key: bytes, ctype: ColumnType, *, unique: bool) -> Mask:
    """The keyed SHA-256 of a column's values, fitted to the column."""
    keyed = Keyed(key, "hash")
    long_text = ctype.length is None or ctype.length >= 20
    if unique and not (ctype.family in ("varchar", "text", "char", None) and long_text):
        return make_hmac(key, ctype)
    unique_other = make_hmac(key, ctype) if unique else None  # a column of unknown type

    def mask(value: Any) -> Any:
        if unique_other is not None and not isinstance(value, str):
            return unique_other(value)
        digest = keyed.of(value)
        number = int.from_bytes(digest, "big")
        if isinstance(value, bool):
            return bool(digest[0] & 1)
        if isinstance(value, int):
            return _int_in_range(number, value, ctype)
        if isinstance(value, str):
            return fit_text(digest.hex(), ctype)
        if isinstance(value, Decimal):
            return _decimal_like(number, value, ctype)
        if isinstance(value, uuid.UUID):
            return uuid.UUID(bytes=digest[:16])
        if isinstance(value, (dt.date, dt.datetime)):
            shift = dt.timedelta(days=1 + number % 365) * (1 if digest[0] & 1 else -1)
            try:
                return value + shift
            except OverflowError:  # near year 1 or 9999: the other way
                return value - shift
        if isinstance(value, dt.time):
            secs = number % 86400
            return value.replace(hour=secs // 3600, minute=secs // 60 % 60, second=secs % 60)
        if isinstance(value, (bytes, bytearray, memoryview)):
            size = ctype.length or 32
            return (digest * (size // 32 + 1))[:size] if size > len(digest) else digest[:size]
        if isinstance(value, float):
            return _hash_float(keyed, value)
        return fit_text(digest.hex(), ctype)

    return mask


def _int_in_range(number: int, value: int, ctype: ColumnType) -> int:
    """A number of the value's sign inside the column's range (or its ring if unknown)."""
    if ctype.low is not None and ctype.high is not None:
        low, high = (0, ctype.high) if value >= 0 else (ctype.low, -1)
    else:
        bits = max(8, abs(value).bit_length())
        low, high = (0, (1 << bits) - 1) if value >= 0 else (-(1 << bits), -1)
    return low + number % (high - low + 1)


def _decimal_like(number: int, value: Decimal, ctype: ColumnType) -> Decimal:
    """A decimal with as many digits before and after the point as `value`, and its sign."""
    text = format(value, "f")
    out = list(text)
    for i in range(len(text)):
        alphabet = _decimal_class(text, i)
        if alphabet is not None:
            number, d = divmod(number, len(alphabet))
            out[i] = alphabet[d]
    return Decimal("".join(out))


def _hash_float(keyed: Keyed, value: float) -> float:
    """A float of the same sign and magnitude (0.5x to 1.5x), from the value's digest."""
    factor = 0.5 + int.from_bytes(keyed.of(value)[:8], "big") / 18446744073709551616.0
    return value * factor
