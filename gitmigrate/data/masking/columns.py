"""What a masked value must fit: the column's family, length and integer range, read from the
source's type text (typemap's families), so a mask never writes a value the column refuses."""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.data.typemap import family

_UNSIGNED = (("TINYINT", 1), ("SMALLINT", 2), ("MEDIUMINT", 3), ("BIGINT", 8), ("INT", 4))


@dataclass(frozen=True)
class ColumnType:
    """The family of a column (None: unknown, go by the value) and its bounds."""

    family: str | None
    length: int | None = None  # characters of char/varchar, bytes of binary
    precision: int | None = None  # decimal digits
    scale: int | None = None
    low: int | None = None  # integer range
    high: int | None = None


def column_type(type_text: str | None, dialect: str) -> ColumnType:
    """The ColumnType of a source type text such as "VARCHAR(40)", "BIGINT", "NUMERIC(10, 2)"."""
    if not type_text:
        return ColumnType(None)
    fam = family(type_text, dialect)
    if fam is None:
        return ColumnType(None)
    if fam.name == "int":
        width = fam.size or 8
        upper = type_text.upper()
        if "UNSIGNED" in upper:  # typemap widened it to the signed type that holds it
            base = next((w for word, w in _UNSIGNED if word in upper), 4)
            return ColumnType("int", low=0, high=(1 << (8 * base)) - 1)
        return ColumnType("int", low=-(1 << (8 * width - 1)), high=(1 << (8 * width - 1)) - 1)
    if fam.name == "decimal":
        return ColumnType("decimal", precision=fam.size, scale=fam.scale)
    if fam.name in ("char", "varchar", "bytes"):
        return ColumnType(fam.name, length=fam.size)
    return ColumnType(fam.name)


def fit_text(text: str, ctype: ColumnType) -> str:
    """`text` cut to the column's length."""
    if ctype.length is not None and len(text) > ctype.length:
        return text[: ctype.length]
    return text
