"""MariaDB/MySQL table partitioning: read from information_schema.PARTITIONS, rendered as the
PARTITION BY clause of CREATE TABLE, changed by ADD PARTITION / DROP PARTITION when only
partitions at the end of a RANGE or LIST come or go, else by re-partitioning the table.

`Table.partition_by` is the method and expression ("RANGE (`year_num`)", "KEY (`a`,`b`)
PARTITIONS 4"); `Table.partitions` the RANGE/LIST partitions in order as (name, bound).
Subpartitions are not modelled.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from gitmigrate.schema.model import Table


def q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def reflect_partitions(
    conn: Connection, schema: str | None
) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """table -> (partition_by, partitions) for the partitioned tables of the database."""
    rows = conn.execute(
        text(
            "SELECT TABLE_NAME AS tbl, PARTITION_NAME AS name, PARTITION_METHOD AS method, "
            "PARTITION_EXPRESSION AS expr, PARTITION_DESCRIPTION AS bound "
            "FROM information_schema.PARTITIONS "
            "WHERE TABLE_SCHEMA = coalesce(:schema, DATABASE()) AND PARTITION_NAME IS NOT NULL "
            "ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION"
        ),
        {"schema": schema},
    ).mappings()
    found: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        parts = found.setdefault(str(row["tbl"]), [])
        if all(p["name"] != row["name"] for p in parts):  # one row per subpartition
            parts.append({k: "" if row[k] is None else str(row[k]) for k in row.keys()})
    out = {}
    for table, parts in found.items():
        method = " ".join(parts[0]["method"].upper().split())
        by = f"{method} ({parts[0]['expr']})"
        if method.startswith(("RANGE", "LIST")):
            keyword = "VALUES LESS THAN" if method.startswith("RANGE") else "VALUES IN"
            out[table] = (by, tuple((p["name"], _bound(keyword, p["bound"])) for p in parts))
        else:
            out[table] = (by + (f" PARTITIONS {len(parts)}" if len(parts) > 1 else ""), ())
    return out


def _bound(keyword: str, description: str) -> str:
    if description.upper() == "MAXVALUE":
        return f"{keyword} MAXVALUE"
    return f"{keyword} ({description})"


def partition_clause(table: Table) -> str:
    """` PARTITION BY ...` for CREATE TABLE, or "" for a table that is not partitioned."""
    if table.partition_by is None:
        return ""
    return f" PARTITION BY {table.partition_by}{_list(table)}"


def _list(table: Table) -> str:
    if not table.partitions:
        return ""
    return " (" + ", ".join(_definition(p) for p in table.partitions) + ")"


def _definition(partition: tuple[str, str]) -> str:
    return f"PARTITION {q(partition[0])} {partition[1]}"


def repartition(name: str, old: Table, new: Table) -> list[str]:
    """The statements turning `old`'s partitioning into `new`'s."""
    table = q(name)
    if new.partition_by is None:
        return [f"ALTER TABLE {table} REMOVE PARTITIONING"]
    if old.partition_by == new.partition_by and old.partitions and new.partitions:
        count = len(old.partitions)
        if new.partitions[:count] == old.partitions:  # added at the end
            added = ", ".join(_definition(p) for p in new.partitions[count:])
            return [f"ALTER TABLE {table} ADD PARTITION ({added})"]
        kept = [p for p in old.partitions if p in new.partitions]
        if tuple(kept) == new.partitions:  # some dropped, the rest unchanged
            gone = ", ".join(q(p[0]) for p in old.partitions if p not in new.partitions)
            return [f"ALTER TABLE {table} DROP PARTITION {gone}"]
    return [f"ALTER TABLE {table}{partition_clause(new)}"]


def partitioning_changed(old: Table, new: Table) -> bool:
    return (old.partition_by, old.partitions) != (new.partition_by, new.partitions)
