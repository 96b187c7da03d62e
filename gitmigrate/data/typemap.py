"""Column types across dialects for `data copy`: a reflected type becomes a family (integer of
some width, decimal(p, s), varchar(n), timestamp ...) and the family is spelled for the target.

Within one dialect the reflected type text is kept as it is. Across dialects only the families
below map; anything else (arrays, intervals, geometry, enums ...) is refused with a message
naming the column, so a copy never silently changes what a value means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gitmigrate.errors import UsageError

_MODIFIERS = re.compile(r"\b(?:CHARACTER SET|CHARSET|COLLATE)\s+\S+", re.I)
_ARGS = re.compile(r"\(([^)]*)\)")
_INT_WIDTH = {
    "TINYINT": 1, "INT1": 1, "SMALLINT": 2, "INT2": 2, "MEDIUMINT": 3, "INT": 4, "INTEGER": 4,
    "INT4": 4, "BIGINT": 8, "INT8": 8, "SERIAL": 4, "SERIAL4": 4, "BIGSERIAL": 8,
    "SERIAL8": 8, "SMALLSERIAL": 2, "SERIAL2": 2, "YEAR": 2,
}  # fmt: skip
_TEXT = {"TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "CLOB", "CITEXT", "STRING"}
_VARCHAR = {"VARCHAR", "NVARCHAR", "CHARACTER VARYING", "VARYING CHARACTER", "VARCHAR2"}
_CHAR = {"CHAR", "CHARACTER", "NCHAR", "NATIVE CHARACTER", "BPCHAR"}
_BYTES = {"BLOB", "BYTEA", "BINARY", "VARBINARY", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB"}
_DECIMAL = {"NUMERIC", "DECIMAL", "DEC", "FIXED"}


@dataclass(frozen=True)
class Family:
    """What a column holds, independent of how a dialect spells it."""

    name: str  # bool int decimal float4 float8 char varchar text date time timestamp
    #           timestamptz bytes json uuid
    size: int | None = None  # integer bytes, char/varchar length, timestamp precision
    scale: int | None = None  # decimal: precision in `size`, scale here


class UnmappableTypeError(UsageError):
    """A column type with no equivalent on the target dialect."""


def family(type_text: str, dialect: str) -> Family | None:
    """The family of a reflected type on `dialect`, or None when it has none."""
    text = _MODIFIERS.sub(" ", type_text.upper())
    if "[]" in text or " ARRAY" in text:
        return None
    found = _ARGS.search(text)
    args = [a.strip() for a in found.group(1).split(",")] if found else []
    unsigned = "UNSIGNED" in text
    base = " ".join(_ARGS.sub(" ", text).replace("UNSIGNED", " ").replace("ZEROFILL", " ").split())
    nums = [int(a) for a in args if a.isdigit()]
    if base in ("BOOLEAN", "BOOL") or (dialect == "mysql" and base == "TINYINT" and nums == [1]):
        return Family("bool")
    if base in _INT_WIDTH:
        width = 8 if dialect == "sqlite" and base != "YEAR" else _INT_WIDTH[base]
        if unsigned:
            if width == 8:
                return Family("decimal", 20, 0)
            width = {1: 2, 2: 4, 3: 4, 4: 8}[width]
        return Family("int", width)
    if base in _DECIMAL:
        return Family("decimal", nums[0] if nums else None, nums[1] if len(nums) > 1 else 0)
    if base in ("REAL", "FLOAT4") or (base == "FLOAT" and dialect == "mysql"):
        return Family("float8" if dialect == "sqlite" else "float4")
    if base in ("DOUBLE", "DOUBLE PRECISION", "FLOAT8", "FLOAT"):
        return Family("float8")
    if base in _TEXT:
        return Family("text")
    if base in _VARCHAR:
        return Family("varchar", nums[0] if nums else None)
    if base in _CHAR:
        return Family("char", nums[0] if nums else 1)
    if base == "DATE":
        return Family("date")
    if base in ("TIME", "TIME WITHOUT TIME ZONE"):
        return Family("time")
    if base in ("DATETIME", "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "SMALLDATETIME"):
        return Family("timestamp", nums[0] if nums else None)
    if base in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return Family("timestamptz", nums[0] if nums else None)
    if base in _BYTES:
        return Family("bytes", nums[0] if nums and base in ("BINARY", "VARBINARY") else None)
    if dialect == "mysql" and base in ("ENUM", "SET"):  # the values are strings
        return Family("varchar", 255)
    if base in ("JSON", "JSONB"):
        return Family("json")
    if base == "UUID":
        return Family("uuid")
    if dialect == "sqlite":
        return _sqlite_affinity(base)
    return None


def _sqlite_affinity(base: str) -> Family:
    """SQLite's own rules for a declared type it does not know (section 3.1 of its docs)."""
    if "INT" in base:
        return Family("int", 8)
    if any(word in base for word in ("CHAR", "CLOB", "TEXT")) or not base:
        return Family("text")
    if "BLOB" in base:
        return Family("bytes")
    if any(word in base for word in ("REAL", "FLOA", "DOUB")):
        return Family("float8")
    return Family("decimal", None, 0)


def render(fam: Family, dialect: str, *, indexed: bool = False) -> str:
    """The type text of `fam` on `dialect`; `indexed` columns get a bounded type on MySQL,
    which cannot index TEXT/BLOB without a prefix length."""
    name, size, scale = fam.name, fam.size, fam.scale
    if dialect == "sqlite":
        return _SQLITE[name] if name != "decimal" else _decimal("NUMERIC", size, scale)
    if dialect == "postgresql":
        if name == "int":
            return {1: "SMALLINT", 2: "SMALLINT", 3: "INTEGER", 4: "INTEGER"}.get(
                size or 8, "BIGINT"
            )
        if name == "decimal":
            return _decimal("NUMERIC", size, scale)
        if name in ("char", "varchar") and size is not None:
            return f"{name.upper()}({size})"
        if name in ("timestamp", "timestamptz") and size is not None:
            return f"TIMESTAMP({size})" + (" WITH TIME ZONE" if name == "timestamptz" else "")
        return _POSTGRESQL[name]
    if name == "int":
        return {1: "TINYINT", 2: "SMALLINT", 3: "MEDIUMINT", 4: "INT"}.get(size or 8, "BIGINT")
    if name == "decimal":
        return _decimal("DECIMAL", size or 65, scale if size else 30)
    if name == "char" and size is not None and size <= 255:
        return f"CHAR({size})"
    if name in ("char", "varchar", "text"):
        if size is not None and size <= 16383:
            return f"VARCHAR({size})"
        return "VARCHAR(255)" if indexed else "LONGTEXT"
    if name in ("timestamp", "timestamptz"):
        return f"DATETIME({6 if size is None else size})"
    if name == "bytes":
        if size is not None and size <= 65535:
            return f"VARBINARY({size})"
        return "VARBINARY(255)" if indexed else "LONGBLOB"
    return _MYSQL[name]


def _decimal(word: str, size: int | None, scale: int | None) -> str:
    if size is None:
        return word
    return f"{word}({size}, {scale or 0})"


_SQLITE = {
    "bool": "BOOLEAN", "int": "INTEGER", "float4": "REAL", "float8": "REAL", "char": "TEXT",
    "varchar": "TEXT", "text": "TEXT", "date": "DATE", "time": "TIME", "timestamp": "DATETIME",
    "timestamptz": "DATETIME", "bytes": "BLOB", "json": "JSON", "uuid": "CHAR(36)",
}  # fmt: skip
_POSTGRESQL = {
    "bool": "BOOLEAN", "float4": "REAL", "float8": "DOUBLE PRECISION", "char": "CHAR(1)",
    "varchar": "TEXT", "text": "TEXT", "date": "DATE", "time": "TIME", "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMP WITH TIME ZONE", "bytes": "BYTEA", "json": "JSON", "uuid": "UUID",
}  # fmt: skip
_MYSQL = {
    "bool": "BOOLEAN", "float4": "FLOAT", "float8": "DOUBLE", "date": "DATE", "time": "TIME(6)",
    "json": "JSON", "uuid": "CHAR(36)",
}  # fmt: skip

# which families a pre-existing target column of a family can take values from
_ACCEPTS = {
    "int": {"int", "bool"},
    "decimal": {"int", "decimal", "bool"},
    "float4": {"int", "decimal", "float4", "float8"},
    "float8": {"int", "decimal", "float4", "float8"},
    "bool": {"bool", "int"},
    "char": {"char", "varchar", "text", "uuid"},
    "varchar": {"char", "varchar", "text", "uuid", "json"},
    "text": {"char", "varchar", "text", "uuid", "json", "date", "time", "timestamp"},
    "date": {"date", "timestamp"},
    "time": {"time"},
    "timestamp": {"timestamp", "timestamptz", "date"},
    "timestamptz": {"timestamp", "timestamptz", "date"},
    "bytes": {"bytes"},
    "json": {"json", "text", "varchar"},
    "uuid": {"uuid", "char", "varchar", "text"},
}


def accepts(target: Family | None, source: Family | None) -> bool:
    """Whether a pre-existing target column can hold the source column's values."""
    if target is None or source is None:
        return target == source
    return source.name in _ACCEPTS.get(target.name, {target.name})


def target_type(
    table: str, column: str, type_text: str, source: str, target: str, *, indexed: bool = False
) -> str:
    """The type text of a source column on the target; the same text within one dialect."""
    if source == target:
        return type_text
    fam = family(type_text, source)
    if fam is None:
        raise UnmappableTypeError(
            f"column {table}.{column} has type {type_text}, which has no equivalent on {target}",
            f"create table {table} on the target yourself with a type you choose, then run the"
            " copy again (it fills existing tables), or leave the table out of the copy",
        )
    return render(fam, target, indexed=indexed)
