"""A JSON-serialisable picture of a database schema, to prove that a rollback restored it.

Reflection output differs by dialect in names, order and unnamed objects; the snapshot keys
everything by name (or by its content when unnamed) and sorts it, so two snapshots of the same
schema are equal and `diff_snapshots` can say exactly what changed. Column order is ignored,
as Alembic's autogenerate does: a rollback that re-adds a column cannot restore its position.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import Connection, inspect
from sqlalchemy.engine import Inspector

from gitmigrate.db.ledger import LEDGER_TABLE

Fold = Callable[[str], str]
_INTERNAL_PREFIXES = ("gitmigrate_", "sqlite_")
_DEFINER = re.compile(r"\sDEFINER\s*=\s*(`[^`]*`|'[^']*'|\S+)@(`[^`]*`|'[^']*'|\S+)\s", re.I)
_SECTIONS = (
    ("columns", "column"),
    ("indexes", "index"),
    ("unique_constraints", "unique constraint"),
    ("check_constraints", "check constraint"),
    ("foreign_keys", "foreign key"),
)
_TOP_LABELS = {
    "views": "view",
    "materialized_views": "materialized view",
    "sequences": "sequence",
    "enums": "enum",
}


def schema_snapshot(
    conn: Connection, *, exclude: Iterable[str] = (LEDGER_TABLE,)
) -> dict[str, Any]:
    """Reflect the default schema of `conn` into sorted plain data (tables, views, ...)."""
    dialect = conn.dialect.name
    # SQLite and MySQL/MariaDB match identifiers case-insensitively; PostgreSQL does not
    fold: Fold = str.lower if dialect in ("sqlite", "mysql", "mariadb") else str
    skip = {fold(name) for name in exclude}

    def wanted(name: str) -> bool:
        return fold(name) not in skip and not name.lower().startswith(_INTERNAL_PREFIXES)

    insp = inspect(conn)
    tables = sorted(t for t in insp.get_table_names() if wanted(t))
    snapshot: dict[str, Any] = {
        "dialect": dialect,
        "tables": _tables(insp, tables, conn, fold) if tables else {},
        "views": _views(insp, insp.get_view_names(), wanted, fold),
    }
    if dialect == "postgresql":
        matviews = insp.get_materialized_view_names()
        snapshot["materialized_views"] = _views(insp, matviews, wanted, fold)
        snapshot["sequences"] = {s: True for s in sorted(insp.get_sequence_names()) if wanted(s)}
        enums = sorted(cast(Any, insp).get_enums(), key=lambda e: str(e["name"]))
        snapshot["enums"] = {str(e["name"]): list(e["labels"]) for e in enums}
    return snapshot


def diff_snapshots(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Human-readable differences, one per line; an empty list means the schemas are equal."""
    lines: list[str] = []
    if before.get("dialect") != after.get("dialect"):
        lines.append(f"dialect differs: {before.get('dialect')} != {after.get('dialect')}")
    b_tables, a_tables = before.get("tables", {}), after.get("tables", {})
    for name in sorted(set(b_tables) | set(a_tables)):
        if name not in a_tables:
            lines.append(f"table {name} missing")
        elif name not in b_tables:
            lines.append(f"table {name} added")
        else:
            lines.extend(_diff_table(name, b_tables[name], a_tables[name]))
    for key in sorted((set(before) | set(after)) - {"tables", "dialect"}):
        label = _TOP_LABELS.get(key, key)
        lines.extend(_diff_mapping(label, before.get(key, {}), after.get(key, {})))
    return lines


# --- reflection -------------------------------------------------------------------------------


def _norm(text: Any) -> str | None:
    return None if text is None else re.sub(r"\s+", " ", str(text)).strip()


def _tables(insp: Inspector, names: list[str], conn: Connection, fold: Fold) -> dict[str, Any]:
    """One reflection query per kind of object for all tables (get_multi_*), not per table."""
    multi: dict[str, dict[Any, Any]] = {
        "columns": insp.get_multi_columns(filter_names=names),
        "pk": insp.get_multi_pk_constraint(filter_names=names),
        "fks": insp.get_multi_foreign_keys(filter_names=names),
        "indexes": insp.get_multi_indexes(filter_names=names),
        "uniques": insp.get_multi_unique_constraints(filter_names=names),
    }
    try:
        multi["checks"] = insp.get_multi_check_constraints(filter_names=names)
    except NotImplementedError:
        multi["checks"] = {}
    out = {}
    for name in names:
        parts = {kind: found.get((None, name)) or [] for kind, found in multi.items()}
        out[fold(name)] = _table(parts, conn, fold)
    return dict(sorted(out.items()))


def _table(parts: dict[str, Any], conn: Connection, fold: Fold) -> dict[str, Any]:
    autoinc = conn.dialect.name in ("postgresql", "mysql", "mariadb")  # SQLite's is not reliable
    columns = {}
    for col in parts["columns"]:
        entry: dict[str, Any] = {
            "type": _type_string(col["type"], conn),
            "nullable": bool(col["nullable"]),
            "default": _norm(col.get("default")),
        }
        if autoinc:
            entry["autoincrement"] = col.get("autoincrement") is True
        columns[fold(col["name"])] = entry
    pk = parts["pk"] or {}
    uniques = _keyed(_unique(u, fold) for u in parts["uniques"])
    fks = sorted((_fk(fk, fold) for fk in parts["fks"]), key=json.dumps)
    return {
        "columns": dict(sorted(columns.items())),
        "primary_key": [fold(c) for c in pk.get("constrained_columns") or []],
        "foreign_keys": fks,
        "indexes": _keyed(
            _index(ix, fold) for ix in parts["indexes"] if not _backs_constraint(ix, uniques, fold)
        ),
        "unique_constraints": uniques,
        "check_constraints": _keyed(
            {"name": _fold_opt(c.get("name"), fold), "sqltext": _norm(c["sqltext"])}
            for c in parts["checks"]
        ),
    }


def _backs_constraint(ix: dict[str, Any], uniques: dict[str, Any], fold: Fold) -> bool:
    """MySQL and PostgreSQL also list a unique constraint's own index: report it once."""
    if ix.get("duplicates_constraint"):
        return True
    return bool(ix.get("unique")) and ix.get("name") is not None and fold(ix["name"]) in uniques


def _type_string(type_: Any, conn: Connection) -> str:
    try:
        compiled = str(type_.compile(dialect=conn.dialect))
    except Exception:  # NullType and exotic types cannot always compile; repr is still stable
        compiled = repr(type_)
    return _norm(compiled.upper()) or ""


def _fold_opt(name: str | None, fold: Fold) -> str | None:
    return None if name is None else fold(name)


def _unique(u: dict[str, Any], fold: Fold) -> dict[str, Any]:
    return {"name": _fold_opt(u.get("name"), fold), "columns": [fold(c) for c in u["column_names"]]}


def _fk(fk: dict[str, Any], fold: Fold) -> dict[str, Any]:
    options = fk.get("options") or {}
    return {
        "columns": [fold(c) for c in fk["constrained_columns"]],
        "referred_table": fold(fk["referred_table"]),
        "referred_columns": [fold(c) for c in fk["referred_columns"]],
        "ondelete": str(options.get("ondelete") or "NO ACTION").upper(),
        "onupdate": str(options.get("onupdate") or "NO ACTION").upper(),
    }


def _index(ix: dict[str, Any], fold: Fold) -> dict[str, Any]:
    cols = [None if c is None else fold(c) for c in ix["column_names"]]
    entry: dict[str, Any] = {"name": _fold_opt(ix.get("name"), fold), "columns": cols}
    entry["unique"] = bool(ix.get("unique"))
    if None in cols and ix.get("expressions"):
        entry["expressions"] = [_norm(e) for e in ix["expressions"]]
    return entry


def _keyed(items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Key named objects by name and unnamed ones by their content, sorted."""
    out: dict[str, Any] = {}
    for item in items:
        name = item.pop("name")
        out[name or json.dumps(item, sort_keys=True)] = item
    return dict(sorted(out.items()))


def _views(
    insp: Inspector, names: list[str], wanted: Callable[[str], bool], fold: Fold
) -> dict[str, Any]:
    views = {fold(n): _view_sql(insp.get_view_definition(n)) for n in names if wanted(n)}
    return dict(sorted(views.items()))


def _view_sql(definition: Any) -> str | None:
    """MySQL's view text names the user who created it; a rollback run by another user must
    still compare equal."""
    return _norm(_DEFINER.sub(" ", str(definition))) if definition is not None else None


# --- diff -------------------------------------------------------------------------------------


def _render(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _diff_table(table: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    prefix = f"table {table}: "
    lines = []
    b_pk, a_pk = before.get("primary_key"), after.get("primary_key")
    if b_pk != a_pk:
        lines.append(f"{prefix}primary key differs: {_render(b_pk)} != {_render(a_pk)}")
    for section, label in _SECTIONS:
        b, a = before.get(section) or {}, after.get(section) or {}
        if section == "foreign_keys":
            b, a = ({_fk_label(fk): fk for fk in side} for side in (b, a))
        lines.extend(_diff_mapping(label, b, a, prefix))
    return lines


def _fk_label(fk: dict[str, Any]) -> str:
    cols, ref = ", ".join(fk["columns"]), ", ".join(fk["referred_columns"])
    return f"({cols}) -> {fk['referred_table']}({ref})"


def _diff_mapping(label: str, before: Any, after: Any, prefix: str = "") -> list[str]:
    if not isinstance(before, dict) or not isinstance(after, dict):
        if before == after:
            return []
        return [f"{prefix}{label} differs: {_render(before)} != {_render(after)}"]
    lines = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            lines.append(f"{prefix}{label} {key} missing")
        elif key not in before:
            lines.append(f"{prefix}{label} {key} added")
        elif before[key] != after[key]:
            b, a = _render(before[key]), _render(after[key])
            lines.append(f"{prefix}{label} {key} differs: {b} != {a}")
    return lines
