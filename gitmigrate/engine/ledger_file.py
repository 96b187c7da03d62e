"""The ledger of a tree target: a JSON file, the same rows as the ledger table.

    {"format": "gitmigrate-ledger", "version": 2, "written_by": "0.1.0",
     "rows": [{"step_id": "m/001", "status": "applied", ...}, ...]}

Every write replaces the file atomically (temporary file in the same directory, fsync, rename,
fsync of the directory), so a crash leaves the old ledger or the new one, never half of one.
Writes are fenced by the target's lock file (lockfile.py). The version is that of the ledger
table (db/ledger_version.py): a newer file is refused, an older one upgraded by `ensure`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from gitmigrate import __version__
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.db.ledger_version import (
    LEDGER_VERSION,
    STATUSES_BY_VERSION,
    LedgerUpgrade,
    check_readable,
    require_status_allowed,
    upgrade_document,
)
from gitmigrate.engine.lockfile import LockFile
from gitmigrate.errors import CorruptMetadataError

FORMAT = "gitmigrate-ledger"
_FIELDS = tuple(f.name for f in dataclasses.fields(LedgerRow))
_TIMES = ("started_at", "finished_at")


class LedgerFile:
    """Reads and writes the rows of one tree target's ledger file."""

    def __init__(
        self,
        path: Path,
        lock: LockFile | None = None,
        on_upgrade: Callable[[LedgerUpgrade], None] | None = None,
    ) -> None:
        self.path = path
        self.lock = lock
        self.on_upgrade = on_upgrade

    # -- reading ----------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.is_file()

    def version(self) -> int:
        return int(self._document()["version"])

    def rows(self) -> dict[str, LedgerRow]:
        document = self._document()
        version = int(document["version"])
        rows = [self._row(raw, version) for raw in document["rows"]]
        return {row.step_id: row for row in sorted(rows, key=lambda r: r.step_id)}

    def get(self, step_id: str) -> LedgerRow | None:
        return self.rows().get(step_id)

    # -- writing (the caller holds the lock) -------------------------------------------------

    def ensure(self) -> LedgerUpgrade | None:
        """Create the file, or upgrade an older one in place; returns the upgrade done."""
        document = self._document()
        upgrade = upgrade_document(document)
        if not self.exists() or upgrade is not None:
            self._save(document)
        if upgrade is not None and self.on_upgrade is not None:
            self.on_upgrade(upgrade)
        return upgrade

    def upsert(self, row: LedgerRow) -> None:
        document = self._document()
        require_status_allowed(row.status, int(document["version"]))
        kept = [r for r in document["rows"] if r.get("step_id") != row.step_id]
        document["rows"] = [*kept, _to_json(dataclasses.asdict(row))]
        self._save(document)

    def update(self, step_id: str, **fields: Any) -> None:
        unknown = sorted(name for name in fields if name not in _FIELDS or name == "step_id")
        if unknown:
            raise ValueError(f"cannot update ledger field(s) {', '.join(unknown)}")
        document = self._document()
        if "status" in fields:
            require_status_allowed(str(fields["status"]), int(document["version"]))
        for raw in document["rows"]:
            if raw.get("step_id") == step_id:
                raw.update(_to_json(fields))
                self._save(document)
                return
        raise CorruptMetadataError(
            f"the ledger file {self.path} has no row for step {step_id!r} although this run"
            " recorded it",
            "it was edited by hand; restore it or run `git migrate verify`",
        )

    def delete(self, step_id: str) -> None:
        document = self._document()
        document["rows"] = [r for r in document["rows"] if r.get("step_id") != step_id]
        self._save(document)

    # -- the file ------------------------------------------------------------------------------

    def _document(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {
                "format": FORMAT,
                "version": LEDGER_VERSION,
                "written_by": __version__,
                "rows": [],
            }
        except OSError as exc:
            raise CorruptMetadataError(
                f"cannot read the ledger file {self.path}: {exc.strerror}", "check its permissions"
            ) from exc
        try:
            document = json.loads(text)
        except ValueError:
            raise self._corrupt("is not valid JSON") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise self._corrupt(f'is not a git-migrate ledger (no "format": "{FORMAT}")')
        version = document.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self._corrupt(f"has version {version!r}, not a whole number >= 1")
        written_by = document.get("written_by")
        check_readable(version, str(written_by) if written_by else None, str(self.path))
        document["version"] = version
        if not isinstance(document.get("rows", []), list):
            raise self._corrupt('has "rows" that is not a list')
        document.setdefault("rows", [])
        return document

    def _save(self, document: dict[str, Any]) -> None:
        if self.lock is not None:
            self.lock.fence()
        data = json.dumps(document, indent=1, sort_keys=True).encode() + b"\n"
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself survives a crash
        finally:
            os.close(dir_fd)

    def _row(self, raw: object, version: int) -> LedgerRow:
        if not isinstance(raw, dict):
            raise self._corrupt("has a row that is not an object")
        step_id = raw.get("step_id")
        missing = [n for n in _FIELDS if n not in raw]
        if not isinstance(step_id, str) or missing:
            raise self._corrupt(
                f"has a row for {step_id!r} missing {', '.join(missing) or 'step_id'}"
            )
        if raw.get("status") not in STATUSES_BY_VERSION.get(version, ()):
            raise self._corrupt(f"has status {raw.get('status')!r} for step {step_id}")
        values = {name: raw[name] for name in _FIELDS}
        try:
            for name in _TIMES:
                if values[name] is not None:
                    values[name] = datetime.fromisoformat(values[name])
        except (TypeError, ValueError):
            raise self._corrupt(f"has a time that is not ISO 8601 for step {step_id}") from None
        if not isinstance(values["statements_done"], int) or values["statements_done"] < 0:
            raise self._corrupt(f"has statements_done {values['statements_done']!r} for {step_id}")
        if values["checkpoint"] is not None and not isinstance(values["checkpoint"], dict):
            raise self._corrupt(f"has a checkpoint that is not an object for {step_id}")
        return LedgerRow(**values)

    def _corrupt(self, detail: str) -> CorruptMetadataError:
        return CorruptMetadataError(
            f"the ledger file {self.path} {detail}",
            "it was edited by hand; restore it from a backup, or remove it and run"
            " `git migrate apply` to record the steps again",
        )


def _to_json(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat(timespec="microseconds") if isinstance(v, datetime) else v)
        for k, v in values.items()
    }
