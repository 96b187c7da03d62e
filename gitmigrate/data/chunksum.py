"""Chunk checksums for a data step's checkpoints: the md5 of the chunk's rows after the change,
rendered canonically by the same SQL `data verify` uses, computed inside the database in the
chunk's own transaction. The step's checksum chains them (sha256 of the previous value and the
chunk's), so a resumed run that ends with the same checksum as a clean one changed the same rows
to the same values.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.engine import Connection

from gitmigrate.data.table import DataTable


class ChunkChecksums:
    def __init__(self, conn: Connection, table: DataTable, chained: str | None) -> None:
        from gitmigrate.data.verify_plan import plan_table
        from gitmigrate.data.verify_side import Side

        self.conn = conn
        self.side = Side(conn, plan_table(conn, conn, table.name, table.name, table.key), "target")
        self.chained = chained or ""

    def chunk(self, after: tuple[Any, ...] | None, upto: tuple[Any, ...]) -> str:
        """Checksum the rows in (after, upto] now; return the new chained value."""
        self.side.prepare()  # transaction-local settings on PostgreSQL: once per chunk
        bounds = ([(">", after)] if after is not None else []) + [("<=", upto)]
        rows, digest = self.side.checksum(bounds)
        self.side.finish()
        link = f"{self.chained}:{rows}:{digest or ''}".encode()
        self.chained = hashlib.sha256(link).hexdigest()
        return self.chained
