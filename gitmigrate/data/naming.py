"""Names of the helper tables a data step keeps in its target (before-images, copy records).

Readable for a DBA who finds them (`gitmigrate_bk_<migration>_<NNN>`), within the 63-character
limit of PostgreSQL and MySQL's 64, and unique per step (a hash suffix when the name is cut).
"""

from __future__ import annotations

import hashlib
import re

_LIMIT = 60


def _helper_table(prefix: str, step_id: str) -> str:
    migration, _, seq = step_id.rpartition("/")
    stem = re.sub(r"[^a-z0-9]+", "_", migration.lower()).strip("_") or "m"
    name = f"{prefix}_{stem}_{seq}"
    if len(name) <= _LIMIT:
        return name
    digest = hashlib.sha1(step_id.encode()).hexdigest()[:8]
    keep = _LIMIT - len(prefix) - len(seq) - len(digest) - 3
    return f"{prefix}_{stem[:keep]}_{digest}_{seq}"


def backup_table_name(step_id: str) -> str:
    """Before-images of the rows a backfill/transform step changed: key + changed columns."""
    return _helper_table("gitmigrate_bk", step_id)


def copy_record_table_name(step_id: str) -> str:
    """Keys a copy step inserted into tables that existed before it (so rollback removes
    exactly those)."""
    return _helper_table("gitmigrate_cp", step_id)


def quarantine_table_name(step_id: str) -> str:
    """Rows a transform set aside (returned None or raised a declared error), with the reason."""
    return _helper_table("gitmigrate_qt", step_id)
