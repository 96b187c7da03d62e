"""The name of the copy run.sh's backup script keeps of a table a SQL step destroys data of."""

from __future__ import annotations

import hashlib
import re

from gitmigrate.data.naming import backup_table_name

_LIMIT = 60


def sql_backup_name(step_id: str, table: str) -> str:
    """`gitmigrate_bk_<migration>_<NNN>_<table>`, cut with a hash past 60 characters."""
    stem = re.sub(r"[^a-z0-9]+", "_", table.lower()).strip("_") or "t"
    name = f"{backup_table_name(step_id)}_{stem}"
    if len(name) <= _LIMIT:
        return name
    digest = hashlib.sha1(f"{step_id}\0{table}".encode()).hexdigest()[:8]
    return f"{name[: _LIMIT - 9]}_{digest}"
