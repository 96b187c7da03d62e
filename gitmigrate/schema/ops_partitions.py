"""PostgreSQL partition operations: attach an existing table to a partitioned parent, detach
it back, each the exact reverse of the other (re-exported by ops.py)."""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.schema.ops_base import Operation


@dataclass(frozen=True)
class AttachPartition(Operation):
    """ALTER TABLE parent ATTACH PARTITION table <bound>."""

    parent: str
    table: str
    bound: str

    def reverse(self) -> Operation:
        return DetachPartition(self.parent, self.table, self.bound)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.parent, self.table)


@dataclass(frozen=True)
class DetachPartition(Operation):
    """ALTER TABLE parent DETACH PARTITION table (keeps the bound to attach it back)."""

    parent: str
    table: str
    bound: str

    def reverse(self) -> Operation:
        return AttachPartition(self.parent, self.table, self.bound)

    @property
    def objects(self) -> tuple[str, ...]:
        return (self.parent, self.table)
