"""One canonical text per row, rendered in each dialect's own SQL, so that the same logical row
hashes identically on SQLite, PostgreSQL and MariaDB (`git migrate data verify`).

A column pair (source type, target type) resolves to one type family; each side renders its
value to that family's canonical text:

    int       decimal digits                         bool -> 1 / 0
    decimal   fixed scale = the larger declared scale of the two sides ('0.99', '1.00')
    float     the exact double x: for 2^-10 <= |x| < 2^63, 'trunc(x).trunc(frac(x) * 2^62)'
              (both integers exact, computed by each database's own arithmetic, no Python
              call per value on SQLite); otherwise (0, -0, tiny, huge, inf, NaN) its IEEE-754
              bits as 16 hex digits (PostgreSQL float8send, SQLite a registered Python
              function; SQLite's own printf mis-rounds about 1 value in 10^5). With MariaDB
              on either side, which cannot expose the bits: the shortest round-trip digits
              rounded to 30 decimals, trailing zeros dropped (so
              beyond 1e35 or below 1e-30 MariaDB pairs compare floats only to that range)
    text      the characters (MariaDB: converted to utf8mb4)
    date      'YYYY-MM-DD';  datetime 'YYYY-MM-DD HH:MM:SS[.ffffff]' (trailing zeros of the
              fraction dropped; timestamptz in UTC); time 'HH:MM:SS[.ffffff]'
    bytes     lower-case hex;  uuid 32 lower-case hex digits (SQLAlchemy stores them so on SQLite)

Fields are joined by U+001F, NULL is U+001D alone (so NULL differs from ''), and rows are
joined by U+001E before a segment's md5. Values that themselves hold these control characters
could in theory collide; ordinary data does not.
"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from sqlalchemy import types as sat

FIELD_SEP = "\x1f"
ROW_SEP = "\x1e"
NULL_MARK = "\x1d"

INT, BOOL, DEC, FLOAT, TEXT, DATE, DATETIME, TIME, BYTES, UUID = (
    "int", "bool", "decimal", "float", "text", "date", "datetime", "time", "bytes", "uuid",
)  # fmt: skip


@dataclass(frozen=True)
class ColumnType:
    """What rendering needs to know about one side's column."""

    family: str
    scale: int | None = None
    nullable: bool = True
    tz: bool = False
    collation_text: bool = False  # a string type: ordered with a binary collation when a key
    array: bool = False  # a PostgreSQL array: compared as its JSON text (what a copy writes)


@dataclass(frozen=True)
class Canon:
    """The canonical family of a column pair, with its parameters."""

    family: str
    scale: int | None = None
    float_style: str = "bits"  # or "dec30" when MariaDB is on either side


def column_type(sa_type: Any, nullable: bool) -> ColumnType:
    """Classify a reflected SQLAlchemy type (Float before Numeric: it is a subclass)."""
    if isinstance(sa_type, sat.ARRAY):
        return ColumnType(TEXT, nullable=nullable, array=True)
    if isinstance(sa_type, sat.Boolean):
        return ColumnType(BOOL, nullable=nullable)
    if isinstance(sa_type, sat.Integer):
        return ColumnType(INT, nullable=nullable)
    if isinstance(sa_type, sat.Float):
        return ColumnType(FLOAT, nullable=nullable)
    if isinstance(sa_type, sat.Numeric):
        scale = sa_type.scale if isinstance(sa_type.scale, int) else None
        return ColumnType(DEC, scale=scale, nullable=nullable)
    if isinstance(sa_type, sat.DateTime):
        return ColumnType(DATETIME, nullable=nullable, tz=bool(getattr(sa_type, "timezone", False)))
    if isinstance(sa_type, sat.Date):
        return ColumnType(DATE, nullable=nullable)
    if isinstance(sa_type, sat.Time):
        return ColumnType(TIME, nullable=nullable)
    if isinstance(sa_type, sat.Uuid):
        return ColumnType(UUID, nullable=nullable)
    if isinstance(sa_type, sat._Binary):
        return ColumnType(BYTES, nullable=nullable)
    return ColumnType(TEXT, nullable=nullable, collation_text=isinstance(sa_type, sat.String))


_NUMERIC_ORDER = {BOOL: 0, INT: 1, DEC: 2, FLOAT: 3}


def canonical(source: ColumnType, target: ColumnType, dialects: tuple[str, str]) -> Canon:
    """The family both sides render a column pair to (see the module docstring)."""
    style = "dec30" if "mysql" in dialects else "bits"
    a, b = source.family, target.family
    scales = [s for s in (source.scale, target.scale) if s is not None]
    scale = max(scales) if scales else None
    if a in _NUMERIC_ORDER and b in _NUMERIC_ORDER:
        wide = max(a, b, key=_NUMERIC_ORDER.__getitem__)
        if wide == BOOL:
            return Canon(INT)
        if wide == FLOAT and DEC in (a, b) and scale is not None:
            return Canon(DEC, scale=scale)
        if wide == DEC and scale is None and INT in (a, b):
            scale = 0
        return Canon(wide, scale=scale if wide == DEC else None, float_style=style)
    if {a, b} == {DATE, DATETIME}:
        return Canon(DATETIME)
    if a == b:
        return Canon(a)
    if TEXT in (a, b):  # e.g. a SQLite TEXT column holding timestamps: the typed side decides
        other = b if a == TEXT else a
        return Canon(other, scale=scale, float_style=style)
    return Canon(TEXT)


def render(dialect: str, col: str, side: ColumnType, canon: Canon) -> str:
    """SQL for the canonical text of quoted column `col` on one side (NULL stays NULL)."""
    return _RENDERERS[dialect](col, side, canon)


def field(
    dialect: str, col: str, side: ColumnType, canon: Canon, nullable: bool, joined: bool = False
) -> str:
    """One field of the row text; `joined` when `||` will join it to others, which turns a
    SQLite integer into the same digits as CAST(... AS TEXT) without that extra step."""
    expr = render(dialect, col, side, canon)
    if joined and dialect == "sqlite" and canon.family == INT:
        expr = col
    if not nullable:
        return expr
    return f"COALESCE({expr}, {text_constant(dialect, NULL_MARK)})"


def text_constant(dialect: str, char: str) -> str:
    """A one-character control string as a constant of the dialect (never user data)."""
    code = ord(char)
    if dialect == "postgresql":
        return f"chr({code})"
    if dialect == "mysql":
        return f"CHAR({code} USING utf8mb4)"
    return f"char({code})"


def row_text(dialect: str, fields: list[str]) -> str:
    """Concatenate rendered fields with the field separator."""
    sep = text_constant(dialect, FIELD_SEP)
    if dialect == "mysql":
        return f"CONCAT_WS({sep}, {', '.join(fields)})"
    return f" || {sep} || ".join(fields) if fields else "''"


def _postgresql(col: str, side: ColumnType, canon: Canon) -> str:
    fam, sf = canon.family, side.family
    if side.array:
        return f"array_to_json({col})::text"
    if fam == INT:
        if sf == BOOL:
            return f"CASE WHEN {col} THEN '1' WHEN NOT {col} THEN '0' END"
        return f"{col}::text"
    if fam == DEC:
        if canon.scale is None:
            return f"trim_scale({col}::numeric)::text"
        if sf == DEC and side.scale == canon.scale:
            return f"{col}::text"
        return f"round({col}::numeric, {int(canon.scale)})::text"
    if fam == FLOAT:
        if canon.float_style == "dec30":
            return f"trim_scale(round({col}::float8::text::numeric, 30))::text"
        x = f"{col}::float8"
        return (
            f"CASE WHEN abs({x}) BETWEEN {_LOW}::float8 AND {_HIGH}::float8 THEN "
            f"trunc({x})::int8::text || '.' || (({x} - trunc({x})) * {_SCALE}::float8)::int8::text "
            f"ELSE encode(float8send({x}), 'hex') END"
        )
    if fam == DATETIME:
        if sf == DATE:
            return f"to_char({col}, 'YYYY-MM-DD') || ' 00:00:00'"
        if sf != DATETIME:
            return f"{col}::text"
        value = f"({col} AT TIME ZONE 'UTC')" if side.tz else col
        return f"rtrim(rtrim(to_char({value}, 'YYYY-MM-DD HH24:MI:SS.US'), '0'), '.')"
    if fam == DATE and sf == DATE:
        return f"to_char({col}, 'YYYY-MM-DD')"
    if fam == BYTES and sf == BYTES:
        return f"encode({col}, 'hex')"
    if fam == UUID:
        return f"replace(lower({col}::text), '-', '')"
    return f"{col}::text"


def _mysql(col: str, side: ColumnType, canon: Canon) -> str:
    fam, sf = canon.family, side.family
    if fam == DEC:
        if sf == DEC and side.scale == canon.scale:
            return f"CAST({col} AS CHAR)"
        return f"CAST(CAST({col} AS DECIMAL(65, {int(canon.scale or 0)})) AS CHAR)"
    if fam == FLOAT:
        fixed = f"CAST(CAST({col} AS DECIMAL(65, 30)) AS CHAR)"
        return f"TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM {fixed}))"
    if fam == DATETIME:
        if sf == DATE:
            return f"DATE_FORMAT({col}, '%Y-%m-%d 00:00:00')"
        if sf != DATETIME:
            return f"CAST({col} AS CHAR)"
        full = f"DATE_FORMAT({col}, '%Y-%m-%d %H:%i:%s.%f')"
        return f"TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM {full}))"
    if fam == DATE and sf == DATE:
        return f"DATE_FORMAT({col}, '%Y-%m-%d')"
    if fam == TIME and sf == TIME:
        full = f"TIME_FORMAT({col}, '%H:%i:%s.%f')"
        return f"TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM {full}))"
    if fam == BYTES:
        return f"LOWER(HEX({col}))"
    if fam == UUID:
        return f"LOWER(REPLACE(CAST({col} AS CHAR), '-', ''))"
    if fam == TEXT and sf == TEXT:
        return f"CONVERT({col} USING utf8mb4)"
    return f"CAST({col} AS CHAR)"


def _sqlite(col: str, side: ColumnType, canon: Canon) -> str:
    fam = canon.family
    if fam == INT:
        return f"CAST({col} AS TEXT)"
    if fam == DEC:
        if canon.scale is None:
            return f"CAST({col} AS TEXT)"
        scale = int(canon.scale)
        whole = f"{col} || '.{'0' * scale}'" if scale else f"CAST({col} AS TEXT)"
        return (
            f"CASE typeof({col}) WHEN 'null' THEN NULL WHEN 'integer' THEN {whole} "
            f"ELSE printf('%.{scale}f', {col}) END"  # printf would turn NULL into 0.00
        )
    if fam == FLOAT:
        if canon.float_style == "dec30":
            return f"gm_float30({col})"
        x = col if side.family == FLOAT else f"CAST({col} AS REAL)"
        whole = f"CAST({x} AS INTEGER)"
        return (
            f"CASE WHEN abs({x}) BETWEEN {_LOW} AND {_HIGH} THEN {whole} || '.' || "
            f"CAST(({x} - {whole}) * {_SCALE} AS INTEGER) "
            f"WHEN {x} IS NOT NULL THEN gm_float({x}) END"
        )
    if fam == DATETIME:
        # a UTC offset written out ('+00:00', older copies of timestamptz) is the same instant
        col = f"CASE WHEN {col} LIKE '%+00:00' THEN substr({col}, 1, length({col}) - 6) ELSE {col} END"
        v = f"replace({col}, 'T', ' ')"
        return (
            f"CASE WHEN typeof({col}) <> 'text' THEN CAST({col} AS TEXT) "
            f"WHEN length({col}) = 10 THEN {col} || ' 00:00:00' "
            f"WHEN length({col}) = 16 THEN {v} || ':00' "
            f"WHEN instr({col}, '.') > 0 THEN rtrim(rtrim({v}, '0'), '.') ELSE {v} END"
        )
    if fam == DATE:
        return f"substr({col}, 1, 10)"
    if fam == TIME:
        return f"CASE WHEN instr({col}, '.') > 0 THEN rtrim(rtrim({col}, '0'), '.') ELSE {col} END"
    if fam == BYTES:
        return f"CASE WHEN {col} IS NOT NULL THEN lower(hex({col})) END"  # hex(NULL) is ''
    if fam == UUID:
        return f"lower(replace({col}, '-', ''))"
    return col if side.family == TEXT else f"CAST({col} AS TEXT)"


_RENDERERS = {"postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite}

# Exact decimal spellings of 2^-10, 2^63 - 1024 (the largest double below 2^63) and 2^62: in
# [2^-10, 2^63) the double's last bit is worth at least 2^-62, so trunc(x) and
# (x - trunc(x)) * 2^62 are exact integers that fit in 64 bits on both sides.
_LOW, _HIGH, _SCALE = "0.0009765625", "9223372036854774784.0", "4611686018427387904"


_DOUBLE = struct.Struct(">d").pack


def float_bits(value: float | int | None) -> str | None:
    """The double's big-endian bits in hex, as PostgreSQL's encode(float8send(x), 'hex')."""
    return None if value is None else _DOUBLE(value).hex()  # struct takes ints as doubles


_SCALE30 = Decimal(1).scaleb(-30)
_WIDE = Context(prec=400)  # a double needs up to 309 integer digits, plus the 30 decimals


def dec30_float_text(value: float | int | None) -> str | None:
    """`value`'s shortest digits rounded to 30 decimals, trailing zeros dropped (MariaDB's
    CAST(double AS DECIMAL(65,30)), and PostgreSQL's rendering of it)."""
    if value is None:
        return None
    x = float(value)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    fixed = format(Decimal(repr(x)).quantize(_SCALE30, ROUND_HALF_UP, _WIDE), "f")
    fixed = fixed.rstrip("0").rstrip(".")
    return "0" if fixed in ("-0", "") else fixed


try:  # CPython's own md5 is ~2x faster than OpenSSL's for short inputs (no EVP set-up)
    from _md5 import md5 as _md5  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - builds without it
    from hashlib import md5 as _md5


def md5_hex(text: str | bytes | None) -> str | None:
    """md5 of the UTF-8 text; SQL passes CAST(... AS BLOB) to skip a decode and re-encode."""
    if text is None:
        return None
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return str(_md5(data).hexdigest())


def register_sqlite_functions(dbapi_connection: sqlite3.Connection) -> None:
    """SQLite has no md5 and cannot print a REAL exactly: supply both as deterministic Python
    functions on this connection (idempotent)."""
    dbapi_connection.create_function("gm_md5", 1, md5_hex, deterministic=True)
    dbapi_connection.create_function("gm_float", 1, float_bits, deterministic=True)
    dbapi_connection.create_function("gm_float30", 1, dec30_float_text, deterministic=True)
