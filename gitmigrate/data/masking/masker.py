"""Masking the rows of one table: a function per masked column, chosen once, applied per value.

Nothing is carried between calls: a chunk masks the same whatever came before it, so a resumed
copy writes exactly what an uninterrupted one would have. NULL stays NULL.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from gitmigrate.data.masking.columns import ColumnType, column_type, fit_text
from gitmigrate.data.masking.custom import make_custom
from gitmigrate.data.masking.fakes import make_fake
from gitmigrate.data.masking.methods import make_hash, make_hmac
from gitmigrate.data.masking.rules import MaskRule, MaskRules
from gitmigrate.data.subset.model import QName
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Table

Mask = Callable[[Any], Any]


class TableMasker:
    """Masks rows of one table, whose values come in the order of `columns`."""

    def __init__(self, columns: Sequence[str], masks: Mapping[str, Mask]) -> None:
        self.columns = tuple(columns)
        self._by_name = {c.lower(): m for c, m in masks.items()}
        self._indexed = [
            (i, self._by_name[c.lower()])
            for i, c in enumerate(columns)
            if c.lower() in self._by_name
        ]
        self.active = bool(self._indexed)

    def mask_rows(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The rows with their masked columns replaced (a new list; `rows` is not changed)."""
        if not self.active:
            return [tuple(r) for r in rows]
        indexed = self._indexed
        out = []
        for row in rows:
            values = list(row)
            for i, mask in indexed:
                value = values[i]
                if value is not None:
                    values[i] = mask(value)
            out.append(tuple(values))
        return out

    def mask_value(self, column: str, value: Any) -> Any:
        """One value of `column` masked as mask_rows would (for fix-ups of deferred keys)."""
        mask = self._by_name.get(column.lower())
        return value if mask is None or value is None else mask(value)


def table_masker(
    rules: MaskRules,
    table: QName,
    columns: Sequence[str],
    *,
    key: bytes,
    unique: Collection[str],
    types: Mapping[str, str],
    base_dir: Path | None = None,
    dialect: str = "postgresql",
) -> TableMasker:
    """The masker of `table` (`columns` in the order rows carry them). `unique`: the columns
    of a primary key or unique constraint; `types`: the source's type text per column;
    `dialect`: the source's, to read those types; `base_dir`: where python functions live."""
    by_lower = {c.lower(): c for c in columns}
    unique_lower = {c.lower() for c in unique}
    type_of = {c.lower(): t for c, t in types.items()}
    masks: dict[str, Mask] = {}
    for name, rule in rules.for_table(table).items():
        column = by_lower.get(name.lower())
        if column is None:
            raise UsageError(
                f"mask rule {rule.label}: {table.label} has no column {name}",
                "its columns: " + ", ".join(columns),
            )
        if rule.method == "keep":
            continue
        if rule.needs_key and not key:
            raise UsageError(f"mask rule {rule.label}: {rule.spec} needs the masking key")
        type_text = type_of.get(column.lower())
        ctype = column_type(type_text, dialect)
        _check_fits(rule, ctype, type_text)
        mask = _mask(
            rule, ctype, key, column.lower() in unique_lower, base_dir, table, column, type_text
        )
        masks[column] = mask if rule.method in ("null", "python") else _memo(mask)
    return TableMasker(columns, masks)


MEMO_SIZE = 1 << 16


def _memo(mask: Mask) -> Mask:
    """`mask` remembering its last results: repeated values (cities, names, the same customer
    on many orders) are masked once. A cache of a pure function: it changes no output."""
    memo: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # unhashable (a JSON document)
            return mask(value)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        out = memo[value] = mask(value)
        return out

    return cached


def unique_columns(table: Table) -> set[str]:
    """The columns of `table` in its primary key, a unique constraint or a unique index."""
    out = set(table.primary_key.columns if table.primary_key else ())
    for constraint in table.unique_constraints:
        out.update(constraint.columns)
    for index in table.indexes:
        if index.unique and not index.expressions:
            out.update(index.columns)
    return out


def table_masker_for(
    rules: MaskRules,
    name: QName,
    table: Table,
    columns: Sequence[str],
    *,
    key: bytes,
    dialect: str,
    base_dir: Path | None = None,
) -> TableMasker:
    """`table_masker` for a reflected table: its unique columns and type texts from `table`."""
    return table_masker(
        rules,
        name,
        columns,
        key=key,
        unique=unique_columns(table),
        types={c.name: c.type for c in table.columns},
        base_dir=base_dir,
        dialect=dialect,
    )


_TEXT_FAMILIES = (None, "char", "varchar", "text")


def _check_fits(rule: MaskRule, ctype: ColumnType, type_text: str | None) -> None:
    """Refuse a method whose outputs the column cannot hold, before any row is read."""
    if rule.method == "fake" and ctype.family not in _TEXT_FAMILIES:
        raise UsageError(
            f"mask rule {rule.label}: {rule.spec} gives text, the column is {type_text}",
            "use hmac or hash on a non-text column",
        )
    if rule.method in ("hash", "hmac") and ctype.family == "json":
        raise UsageError(
            f"mask rule {rule.label}: {rule.method} cannot mask a {type_text} document",
            "use null, keep or a python function for JSON columns",
        )


def _mask(
    rule: MaskRule,
    ctype: ColumnType,
    key: bytes,
    unique: bool,
    base_dir: Path | None,
    table: QName,
    column: str,
    type_text: str | None,
) -> Mask:
    if rule.method == "null":
        return lambda value: None
    if rule.method == "hmac":
        return make_hmac(key, ctype)
    if rule.method == "hash":
        return make_hash(key, ctype, unique=unique)
    if rule.method == "fake":
        assert rule.provider is not None
        return make_fake(rule.provider, rule.locale, key, ctype, unique=unique)
    assert rule.method == "python" and rule.function is not None
    context = {
        "table": table.label,
        "column": column,
        "type": type_text,
        "length": ctype.length,
        "unique": unique,
    }
    custom = make_custom(rule.function, base_dir, key, context)
    if ctype.length is None:
        return custom

    def fitted(value: Any) -> Any:
        out = custom(value)
        return fit_text(out, ctype) if isinstance(out, str) else out

    return fitted
