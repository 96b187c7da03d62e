"""hash and hmac per column type: deterministic, unique where promised, fitted to the column."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gitmigrate.data.masking import TableMasker, parse_mask_rules, table_masker
from gitmigrate.data.masking.key import Keyed
from gitmigrate.data.masking.permute import Permutation
from gitmigrate.data.subset.model import QName

KEY = b"test-key-0123456789abcdef"
T = QName(None, "t")


@functools.cache
def masker(method: str, type_text: str, *, unique: bool = False, key: bytes = KEY) -> TableMasker:
    rules = parse_mask_rules(f'[columns]\n"t.c" = "{method}"\n', "m")
    return table_masker(
        rules, T, ["id", "c"], key=key, unique={"c"} if unique else (), types={"c": type_text}
    )


def mask(m: TableMasker, value: Any) -> Any:
    return m.mask_rows([(1, value)])[0][1]


INT_TYPES = [
    ("SMALLINT", -(2**15), 2**15 - 1),
    ("INTEGER", -(2**31), 2**31 - 1),
    ("BIGINT", -(2**63), 2**63 - 1),
    ("TINYINT UNSIGNED", 0, 255),
    ("INT UNSIGNED", 0, 2**32 - 1),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(INT_TYPES), st.data())
def test_hmac_integers_stay_in_their_type_and_sign(t: tuple[str, int, int], data: Any) -> None:
    type_text, low, high = t
    value = data.draw(st.integers(low, high))
    out = mask(masker("hmac", type_text), value)
    assert isinstance(out, int) and low <= out <= high
    assert (out < 0) == (value < 0)
    assert out == mask(masker("hmac", "BIGINT"), value)  # one id, one mask, whatever the type


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), min_size=2, max_size=50, unique=True))
def test_hmac_integers_are_injective(values: list[int]) -> None:
    m = masker("hmac", "BIGINT")
    outs = [r[1] for r in m.mask_rows([(1, v) for v in values])]
    assert len(set(outs)) == len(values)


def test_hmac_is_a_permutation_of_a_small_range() -> None:
    m = masker("hmac", "SMALLINT")
    outs = {mask(m, v) for v in range(0, 2**15)}
    assert outs == set(range(0, 2**15))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_hmac_text_keeps_length_and_shape_and_is_deterministic(text: str) -> None:
    out = mask(masker("hmac", "VARCHAR(40)"), text)
    assert len(out) == len(text)
    for a, b in zip(text, out, strict=True):
        if a.isascii() and a.isalnum():
            assert b.isascii() and a.isdigit() == b.isdigit() and a.isupper() == b.isupper()
        else:
            assert a == b
    assert out == mask(masker("hmac", "TEXT"), text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.from_regex(r"[A-Z]{2}-[0-9]{3}[a-z]?", fullmatch=True), unique=True))
def test_hmac_text_is_injective(values: list[str]) -> None:
    m = masker("hmac", "CHAR(7)")
    outs = [r[1] for r in m.mask_rows([(1, v) for v in values])]
    assert len(set(outs)) == len(values)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-999999, max_value=999999, places=2))
def test_hmac_decimals_fit_the_precision_and_scale(value: Decimal) -> None:
    out = mask(masker("hmac", "NUMERIC(8, 2)"), value)
    assert isinstance(out, Decimal)
    assert abs(out) < Decimal("1000000") and out.as_tuple().exponent == -2
    assert (out < 0) == (value < 0) and (abs(out) < 1) == (abs(value) < 1)


def test_hmac_decimals_are_injective_across_lengths() -> None:
    m = masker("hmac", "NUMERIC(6, 1)")
    values = [Decimal(i).scaleb(-1) for i in range(0, 20000)]
    outs = [r[1] for r in m.mask_rows([(1, v) for v in values])]
    assert len(set(outs)) == len(values)
    assert all(abs(o) < 100000 for o in outs)


def test_hmac_dates_times_uuids_bytes_and_booleans() -> None:
    m = masker("hmac", "DATE", unique=True)
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(366)]
    outs = [r[1] for r in m.mask_rows([(1, d) for d in days])]
    assert sorted(outs) == days  # a permutation within the (leap) year
    stamp = dt.datetime(2023, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    out = mask(masker("hmac", "TIMESTAMPTZ"), stamp)
    assert out.year == 2023 and out.microsecond == 123456 and out.tzinfo == dt.UTC
    assert out != stamp
    t = mask(masker("hmac", "TIME"), dt.time(12, 30, 1))
    assert isinstance(t, dt.time)
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert isinstance(mask(masker("hmac", "UUID"), u), uuid.UUID)
    assert len(mask(masker("hmac", "BYTEA"), b"\x00\x01\x02")) == 3
    flips = {mask(masker("hmac", "BOOLEAN"), b) for b in (True, False)}
    assert flips == {True, False}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["VARCHAR(8)", "CHAR(11)", "TEXT"]))
def test_hash_of_text_fits_the_length(text: str, type_text: str) -> None:
    out = mask(masker("hash", type_text), text)
    limit = {"VARCHAR(8)": 8, "CHAR(11)": 11, "TEXT": 64}[type_text]
    assert len(out) == limit and out != text


@settings(max_examples=200, deadline=None)
@given(st.integers(-(2**31), 2**31 - 1))
def test_hash_of_integers_fits_the_type(value: int) -> None:
    out = mask(masker("hash", "INTEGER"), value)
    assert -(2**31) <= out < 2**31 and (out < 0) == (value < 0)


def test_hash_on_a_unique_integer_column_stays_unique() -> None:
    for type_text in ("SMALLINT", ""):  # "": a type the masker does not know
        m = masker("hash", type_text, unique=True)
        outs = {mask(m, v) for v in range(1, 20001)}
        assert len(outs) == 20000


def test_hash_shifts_dates_deterministically() -> None:
    m = masker("hash", "DATE")
    d = dt.date(2020, 2, 29)
    out = mask(m, d)
    assert out != d and abs((out - d).days) <= 365 and out == mask(masker("hash", "DATE"), d)
    for edge in (dt.date.min, dt.date.max, dt.datetime.max):
        assert abs((mask(m, edge) - edge).days) <= 365


def test_null_stays_null_and_null_masks_to_null() -> None:
    for method in ("hash", "hmac", "fake.email", "fake.name", "null"):
        m = masker(method, "VARCHAR(60)")
        assert m.mask_rows([(1, None)]) == [(1, None)]
        assert m.mask_value("c", None) is None
    assert masker("null", "TEXT").mask_rows([(1, "x")]) == [(1, None)]


def test_the_key_decides_and_rows_are_not_changed_in_place() -> None:
    a, b = masker("hmac", "INTEGER"), masker("hmac", "INTEGER", key=b"another-key-0123456789")
    rows = [(1, v) for v in range(100)]
    assert a.mask_rows(rows) != b.mask_rows(rows)
    assert rows == [(1, v) for v in range(100)]
    assert a.mask_rows(rows) == [(1, a.mask_value("C", v)) for v in range(100)]


def test_keep_and_unmasked_columns_are_untouched() -> None:
    m = masker("keep", "TEXT")
    assert not m.active and m.mask_rows([(1, "x")]) == [(1, "x")]
    assert masker("hmac", "TEXT").mask_value("id", 5) == 5


def test_column_names_match_without_regard_to_case() -> None:
    rules = parse_mask_rules('[columns]\n"Customer.CustomerId" = "hmac"\n', "m")
    m = table_masker(rules, QName(None, "CUSTOMER"), ["customerid", "Name"], key=KEY,
                     unique=("CUSTOMERID",), types={"CustomerID": "INTEGER"})  # fmt: skip
    assert m.active and m.mask_rows([(5, "x")]) == [(m.mask_value("CustomerId", 5), "x")]
    assert m.mask_value("CustomerId", 5) != 5


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000), st.binary(max_size=8))
def test_a_permutation_of_any_size_is_a_bijection(n: int, tweak: bytes) -> None:
    perm = Permutation(Keyed(KEY, "test"), n, tweak)
    assert sorted(perm(x) for x in range(n)) == list(range(n))


def test_chunks_mask_as_the_whole_does() -> None:
    rules = parse_mask_rules(
        '[columns]\n"t.a" = "hmac"\n"t.b" = "fake.email"\n"t.c" = "hash"\n', "m"
    )
    rows = [(i % 50, f"u{i % 70}@x.org", f"v{i}") for i in range(3000)]

    def fresh() -> TableMasker:
        return table_masker(rules, T, ["a", "b", "c"], key=KEY, unique=(), types={})

    whole = fresh().mask_rows(rows)
    chunked = [r for s in range(0, 3000, 128) for r in fresh().mask_rows(rows[s : s + 128])]
    one = fresh()
    reused = [r for s in range(2944, -1, -128) for r in one.mask_rows(rows[s : s + 128])]
    assert whole == chunked
    assert sorted(whole) == sorted(reused)  # order and history change nothing


def test_hmac_long_text_is_chained_by_blocks_and_stays_injective() -> None:
    base = "Lorem ipsum dolor sit amet, 42 consectetur adipiscing elit. " * 20
    variants = [
        base[:i] + ("X" if base[i] != "X" else "Y") + base[i + 1 :] for i in range(0, 1200, 7)
    ]
    m = masker("hmac", "TEXT")
    outs = [mask(m, v) for v in [base, *variants]]
    assert len(set(outs)) == len(outs)
    assert all(len(o) == len(base) for o in outs)
    assert [c.isalpha() for c in outs[0]] == [c.isalpha() for c in base]
