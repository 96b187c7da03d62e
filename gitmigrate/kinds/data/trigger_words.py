"""What a data step's rollback does about the table's UPDATE triggers, in words, for the step
note, `plan` and review (light: no database is read here).

The triggers come from the live target when `plan` has one (`note["live"]`), else from what
`data add --target` saw (`update_triggers` under [options] in step.toml). SQLite and PostgreSQL
restore with them switched off (data/triggers.py), so the rollback is exact; on MariaDB they
fire again as the before-images are written back, so the columns they set are not restored
exactly, and the words say which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step


def known_triggers(step: Step, live: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """Trigger name -> the columns it sets, from the live target or else from step.toml."""
    found = (live or {}).get("update_triggers")
    if found is None:
        found = step.options.get("update_triggers")
    if not isinstance(found, Mapping):
        return {}
    return {str(name): [str(c) for c in (cols or [])] for name, cols in found.items()}


def not_exact(step: Step, dialect: str, live: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """On MariaDB/MySQL (and on PostgreSQL when `plan` saw that its role does not own the
    table), {"triggers": [...], "columns": [...]} of a rollback that fires the table's UPDATE
    triggers again; empty where the restore switches them off."""
    triggers = known_triggers(step, live)
    silenced = (live or {}).get("triggers_silenced", dialect in ("sqlite", "postgresql"))
    if silenced or not triggers or step.options.get("mode") == "copy":
        return {}
    columns = sorted({c for cols in triggers.values() for c in cols})
    return {"triggers": sorted(triggers), "columns": columns}


def rollback_words(step: Step, dialect: str, live: Mapping[str, Any] | None = None) -> str:
    """A clause for the rollback's description ("" when the table has no UPDATE trigger)."""
    triggers = known_triggers(step, live)
    if not triggers or step.options.get("mode") == "copy":
        return ""
    names = ", ".join(sorted(triggers))
    missing = not_exact(step, dialect, live)
    if not missing:
        return f"; its UPDATE trigger(s) {names} are switched off while restoring (exact)"
    columns = ", ".join(missing["columns"]) or "the columns they set"
    why = (
        "MariaDB/MySQL cannot switch them off inside the restoring transaction"
        if dialect == "mysql"
        else "only the table's owner can switch them off"
    )
    return (
        f"; not exact for {columns}: the UPDATE trigger(s) {names} fire again as the rows are"
        f" written back ({why})"
    )
