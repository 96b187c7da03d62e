"""MariaDB/MySQL-only table operations (see ops.py, which re-exports them)."""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.schema.model import Table
from gitmigrate.schema.ops_base import Operation


@dataclass(frozen=True)
class Repartition(Operation):
    """A change of a table's RANGE/LIST/HASH/KEY partitioning (`Table.partition_by` and
    `Table.partitions`): partitions added at the end or dropped, else the whole scheme
    replaced (render_mysql.py). Both tables are kept so the reverse is exact."""

    table: str
    old: Table
    new: Table

    def reverse(self) -> Operation:
        return Repartition(self.table, self.new, self.old)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.table,)
