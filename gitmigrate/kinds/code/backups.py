"""The prior bytes of the files a code step rewrote in an outside tree, kept in the tree's own
`.gitmigrate-backups/<migration>/<NNN>/` (as config steps keep theirs) so a rollback restores
them byte for byte and a repeated apply starts from the same files. Never in the repository:
there the step commit is the change.

    manifest.json   {"step": id, "files": {path: {"prior": "<n>", "after": sha256}}}
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gitmigrate.core.model import Step

BACKUP_DIR = ".gitmigrate-backups"


def digest(content: bytes | None) -> str | None:
    return None if content is None else hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Backup:
    root: Path
    step: Step

    @property
    def where(self) -> Path:
        return self.root / BACKUP_DIR / self.step.migration / f"{self.step.seq:03d}"

    def exists(self) -> bool:
        return (self.where / "manifest.json").is_file()

    def manifest(self) -> dict[str, dict[str, str | None]]:
        body = json.loads((self.where / "manifest.json").read_text(encoding="utf-8"))
        files: dict[str, dict[str, str | None]] = body["files"]
        return files

    def prior(self, path: str) -> bytes:
        name = self.manifest()[path]["prior"]
        return (self.where / str(name)).read_bytes()

    def save(self, prior: Mapping[str, bytes], after: Mapping[str, bytes]) -> None:
        """Keep every file's prior bytes, durably, before any of them changes."""
        self.where.mkdir(parents=True, exist_ok=True)
        files: dict[str, dict[str, str | None]] = {}
        for number, (path, content) in enumerate(sorted(prior.items())):
            write_atomically(self.where / str(number), content)
            files[path] = {"prior": str(number), "after": digest(after.get(path))}
        body = json.dumps({"step": self.step.id, "files": files}, indent=2) + "\n"
        write_atomically(self.where / "manifest.json", body.encode("utf-8"))

    def remove(self) -> None:
        shutil.rmtree(self.where, ignore_errors=True)
        for parent in (self.where.parent, self.where.parent.parent):  # empty ones only
            try:
                parent.rmdir()
            except OSError:
                break


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` whole or not at all, keeping its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
