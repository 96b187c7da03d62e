"""Keyed permutations: the reason `hmac` keeps unique columns unique by construction.

A balanced Feistel network over 2b bits is a permutation of [0, 4^b); cycle walking (apply it
again until the result falls inside [0, n)) turns it into a permutation of [0, n) for any n.
On top of that:

- integers are permuted within nested rings ([0, 2^7), [2^7, 2^8), [2^8, 2^15), ... up to 2^64,
  and the mirror image for negatives), so a value stays inside every integer type that held it
  (TINYINT ... BIGINT, signed or unsigned) whatever the column's declared type, and the same id
  maps to the same id in an INTEGER and a BIGINT column;
- text is permuted per character class (digits stay digits, lower case stays lower case, upper
  case stays upper case, everything else stays as it is): same length and shape, so it fits
  VARCHAR(n)/CHAR(n) and a string of one shape can only come from one string of that shape.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from gitmigrate.data.masking.key import Keyed

ROUNDS = 8
TABLE_HALF_BITS = 12
BLOCK = 40  # characters permuted together; longer text is chained block by block
_BOUNDS = (
    0,
    1 << 7,
    1 << 8,
    1 << 15,
    1 << 16,
    1 << 23,
    1 << 24,
    1 << 31,
    1 << 32,
    1 << 63,
    1 << 64,
)


class Permutation:
    """A keyed permutation of [0, n), `tweak` selecting one of many under the same key.

    An unbalanced Feistel network over the bits of n - 1 (halves of u and v = u or u + 1
    bits), so cycle walking takes fewer than two passes on average. Halves of up to 12 bits
    (domains up to 2^24) switch to round tables once used enough, so the common case (ids
    below 16 million) costs a few table look-ups per value."""

    __slots__ = ("_n", "_u", "_v", "_masks", "_nbytes", "_states", "_tables", "_calls")

    def __init__(self, keyed: Keyed, n: int, tweak: bytes) -> None:
        if n < 1:
            raise ValueError("a permutation needs a non-empty domain")
        bits = max(2, (n - 1).bit_length())
        self._n, self._u = n, bits // 2
        self._v = bits - self._u
        # round i reads the v-bit half (even i) or the u-bit half (odd i), writes the other
        self._masks = [(1 << (self._u if i % 2 == 0 else self._v)) - 1 for i in range(ROUNDS)]
        self._nbytes = (self._v + 7) // 8
        self._states = [keyed.prf_state(tweak + b"|" + bytes((i,))) for i in range(ROUNDS)]
        self._tables: list[list[int]] | None = None
        self._calls = 0 if self._v <= TABLE_HALF_BITS else -1

    def _build_tables(self) -> None:
        """Round tables, once a permutation has been used often enough to pay for them."""
        self._tables = [
            [self._round(i, b) for b in range(1 << (self._v if i % 2 == 0 else self._u))]
            for i in range(ROUNDS)
        ]

    def _round(self, i: int, half: int) -> int:
        h = self._states[i].copy()
        h.update(half.to_bytes(self._nbytes, "big"))
        if self._nbytes <= 32:
            return int.from_bytes(h.digest(), "big") & self._masks[i]
        out, block = b"", 0  # wide domains (long strings): counter-mode blocks
        while len(out) < self._nbytes:
            part = h.copy()
            part.update(block.to_bytes(4, "big"))
            out += part.digest()
            block += 1
        return int.from_bytes(out[: self._nbytes], "big") & self._masks[i]

    def __call__(self, x: int) -> int:
        if self._n == 1:
            return 0
        if self._calls >= 0 and self._tables is None:
            self._calls += 1
            if self._calls > (1 << self._v) // 4:
                self._build_tables()
        v, n, tables = self._v, self._n, self._tables
        mask_v = (1 << v) - 1
        while True:
            a, b = x >> v, x & mask_v
            if tables is not None:
                for table in tables:
                    a, b = b, a ^ table[b]
            elif self._nbytes <= 32:
                nbytes = self._nbytes
                for state, mask in zip(self._states, self._masks, strict=True):
                    h = state.copy()
                    h.update(b.to_bytes(nbytes, "big"))
                    a, b = b, a ^ (int.from_bytes(h.digest(), "big") & mask)
            else:
                for i in range(ROUNDS):
                    a, b = b, a ^ self._round(i, b)
            x = (a << v) | b
            if x < n:
                return x


def _ring(v: int) -> tuple[int, int]:
    """The ring [lo, hi) of a non-negative integer."""
    for lo, hi in zip(_BOUNDS, _BOUNDS[1:], strict=False):
        if v < hi:
            return lo, hi
    bits = v.bit_length()
    return 1 << (bits - 1), 1 << bits


class IntPermutation:
    """A keyed permutation of the integers that keeps each value in its ring (see module)."""

    __slots__ = ("_keyed", "_perms")

    def __init__(self, keyed: Keyed) -> None:
        self._keyed = keyed
        self._perms: dict[tuple[int, int], Permutation] = {}

    def __call__(self, value: int) -> int:
        negative = value < 0
        v = -value - 1 if negative else value
        lo, hi = _ring(v)
        perm = self._perms.get((lo, negative))
        if perm is None:
            tweak = b"int:" + (b"-" if negative else b"+") + str(lo).encode()
            perm = self._perms[(lo, negative)] = Permutation(self._keyed, hi - lo, tweak)
        out = lo + perm(v - lo)
        return -out - 1 if negative else out


class DecimalPermutation:
    """A keyed permutation of decimals keeping the sign, the exponent (scale) and the number of
    digits: the unscaled integer is permuted within [10^(k-1), 10^k) for k digits ([0, 10)
    for one digit; [1, 10) when negative, so no negative value becomes zero)."""

    __slots__ = ("_keyed", "_perms")

    def __init__(self, keyed: Keyed) -> None:
        self._keyed = keyed
        self._perms: dict[tuple[int, int], Permutation] = {}

    def __call__(self, value: Decimal) -> Decimal:
        sign, digits, exponent = value.as_tuple()
        if not isinstance(exponent, int):  # NaN, Infinity
            return value
        unscaled = int("".join(map(str, digits)) or "0")
        if unscaled == 0:
            sign = 0  # -0 is 0
        k = len(str(unscaled))
        low = 10 ** (k - 1) if k > 1 else sign  # [1, 10) for negatives, [0, 10) otherwise
        perm = self._perms.get((sign, k))
        if perm is None:
            tweak = f"decimal:{sign}:{k}".encode()
            perm = self._perms[(sign, k)] = Permutation(self._keyed, 10**k - low, tweak)
        out = low + perm(unscaled - low)
        return Decimal((sign, tuple(int(c) for c in str(out)), exponent))


DIGITS = "0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()
NONZERO = DIGITS[1:]
HEX_LOWER = "0123456789abcdef"


_INDEX = {
    c: (alphabet, len(alphabet), i)
    for alphabet in (DIGITS, LOWER, UPPER)
    for i, c in enumerate(alphabet)
}


class CharPermutation:
    """Keyed permutations of strings by shape (see `permute`), one Feistel per shape seen."""

    __slots__ = ("_keyed", "_perms", "_classify")

    def __init__(
        self, keyed: Keyed, classify: Callable[[str, int], str | None] | None = None
    ) -> None:
        self._keyed = keyed
        self._perms: dict[tuple[int, ...], Permutation] = {}
        self._classify = classify

    def __call__(self, text: str) -> str:
        """`text` with every character in a class replaced, as one keyed permutation of all
        the strings of the same shape (positions, classes and kept characters)."""
        classify = self._classify
        if classify is None:
            found = [(i, hit) for i, c in enumerate(text) if (hit := _INDEX.get(c)) is not None]
        else:
            found = []
            for i, c in enumerate(text):
                alphabet = classify(text, i)
                if alphabet is not None:
                    found.append((i, (alphabet, len(alphabet), alphabet.index(c))))
        if not found:
            return text
        out = list(text)
        previous = b""
        for start in range(0, len(found), BLOCK):
            block = found[start : start + BLOCK]
            number = self._block(block, previous)(_number(block))
            previous = number.to_bytes((number.bit_length() + 7) // 8 or 1, "big")
            for i, (alphabet, radix, _) in reversed(block):
                number, digit = divmod(number, radix)
                out[i] = alphabet[digit]
        return "".join(out)

    def _block(self, block: list[tuple[int, tuple[str, int, int]]], previous: bytes) -> Permutation:
        """The permutation of one block of positions: by shape, and after the first block also
        by the previous block's output (so the whole stays one invertible map)."""
        shape = tuple(radix for _, (_, radix, _) in block)
        size = 1
        for radix in shape:
            size *= radix
        tweak = b"chars:" + ",".join(map(str, shape)).encode()
        if previous:
            return Permutation(self._keyed, size, tweak + b"|after:" + previous)
        perm = self._perms.get(shape)
        if perm is None:
            if len(self._perms) > 4096:
                self._perms.clear()
            perm = self._perms[shape] = Permutation(self._keyed, size, tweak)
        return perm


def _number(block: list[tuple[int, tuple[str, int, int]]]) -> int:
    number = 0
    for _, (_, radix, index) in block:
        number = number * radix + index
    return number
